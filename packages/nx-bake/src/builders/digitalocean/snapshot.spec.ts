import { snapshotAction, snapshotTags, tagImageRequests } from './snapshot';

const request = {
  pipeline: 'images',
  stage: 'app',
  builderName: 'cloud',
  runId: '0123456789abcdef',
  baseImage: 'nyc3:987654',
  labels: { 'nx-bake.fingerprint': 'sha256-ab12' },
};

describe('snapshotAction', () => {
  it.each([
    ['named after pipeline, stage and run', {}, 'nx-bake-images-app-01234567'],
    ['snapshot_name when set', { snapshotName: 'app-2024-06-01' }, 'app-2024-06-01'],
  ])('%s', (_case, config, name) => {
    expect(snapshotAction(request, config)).toStrictEqual({ type: 'snapshot', name });
  });
});

describe('snapshotTags', () => {
  it.each([
    ["from the parent's snapshot", request, ['nx-bake', 'nx-bake:stage:images:app', 'nx-bake:builder:cloud', 'nx-bake:fp:sha256-ab12', 'nx-bake:run:0123456789abcdef', 'nx-bake:base:nyc3:987654']],
    [
      'from a slug; characters tags cannot hold become _',
      { ...request, stage: 'os.base', builderName: 'nyc.ams', baseImage: 'debian-12-x64', labels: { 'nx-bake.fingerprint': 'sha256/ab+12' } },
      ['nx-bake', 'nx-bake:stage:images:os_base', 'nx-bake:builder:nyc_ams', 'nx-bake:fp:sha256_ab_12', 'nx-bake:run:0123456789abcdef', 'nx-bake:base:debian-12-x64'],
    ],
  ])('%s', (_case, buildRequest, tags) => {
    expect(snapshotTags(buildRequest)).toStrictEqual(tags);
  });
});

describe('tagImageRequests', () => {
  it.each([
    ['nx-bake', 424242, '/v2/tags/nx-bake/resources'],
    ['nx-bake:fp:sha256-ab12', 7, '/v2/tags/nx-bake%3Afp%3Asha256-ab12/resources'],
  ])('%s on image %d: create the tag, then attach the image', (name, imageId, attachPath) => {
    expect(tagImageRequests(name, imageId)).toStrictEqual([
      { path: '/v2/tags', body: { name } },
      { path: attachPath, body: { resources: [{ resource_id: String(imageId), resource_type: 'image' }] } },
    ]);
  });
});
