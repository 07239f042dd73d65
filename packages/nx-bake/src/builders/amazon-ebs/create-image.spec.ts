import { copyImageRequest, createImageRequest, imageTags } from './create-image';
import { testConfig, testRequest } from '../../../test/support/amazon-ebs-config';

const labels = { 'nx-bake.pipeline': 'images', 'nx-bake.stage': 'app-base', 'nx-bake.fingerprint': 'f00d', 'nx-bake.base': 'eu-west-1:ami-0abc', 'nx-bake.run': '0123456789abcdef' };

describe('createImageRequest', () => {
  it.each([
    ['named after the stage and run by default', testConfig(), { InstanceId: 'i-1', Name: 'nx-bake-images-app-base-01234567', Description: undefined }],
    ['ami_name and ami_description (rendered by the engine)', testConfig({ ami_name: 'app-base-1764740000', ami_description: 'App base' }), { InstanceId: 'i-1', Name: 'app-base-1764740000', Description: 'App base' }],
  ])('%s', (_case, config, expected) => {
    expect(createImageRequest(testRequest, config, 'i-1')).toEqual(expected);
  });
});

describe('copyImageRequest', () => {
  it.each([
    ['to another region: the source as it is', testConfig(), 'us-east-1', { SourceRegion: 'eu-west-1', SourceImageId: 'ami-1', Name: 'n', Description: undefined }],
    ['encrypt_boot: the build region copy is encrypted', testConfig({ encrypt_boot: true, kms_key_id: 'alias/k' }), 'eu-west-1', { SourceRegion: 'eu-west-1', SourceImageId: 'ami-1', Name: 'n', Description: undefined, Encrypted: true, KmsKeyId: 'alias/k' }],
  ])('%s', (_case, config, region, expected) => {
    expect(copyImageRequest(config, region, 'ami-1', 'n')).toEqual(expected);
  });
});

describe('imageTags', () => {
  it('puts tags first and our labels last; snapshots also get snapshot_tags', () => {
    const tags = imageTags({ labels }, testConfig({ tags: { team: 'web', 'nx-bake.stage': 'spoof' }, snapshot_tags: { backup: 'no' } }));
    expect(tags.image).toEqual({ team: 'web', ...labels });
    expect(tags.snapshot).toEqual({ team: 'web', backup: 'no', ...labels });
  });
});
