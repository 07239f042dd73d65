import { parseDigitalOceanBuilderConfig } from './config';
import { createDropletRequest } from './create-droplet';

/** The body as it goes over the wire (fields left undefined are not sent). */
const wire = (body: unknown) => JSON.parse(JSON.stringify(body));
const request = { pipeline: 'images', stage: 'app-base', runId: '0123456789abcdef', baseImage: 'debian-12-x64' };
const config = (fields: Record<string, unknown> = {}) => parseDigitalOceanBuilderConfig({ type: 'digitalocean', api_token: 't', region: 'nyc3', size: 's-1vcpu-1gb', ...fields }, 'cloud', {});
const ourTags = ['nx-bake', 'nx-bake:run:0123456789abcdef', 'nx-bake:stage:images:app-base'];

describe('createDropletRequest', () => {
  it.each([
    [
      'from a slug, with the defaults',
      request,
      config(),
      { name: 'nx-bake-app-base-01234567', region: 'nyc3', size: 's-1vcpu-1gb', image: 'debian-12-x64', ssh_keys: [42], tags: ourTags, monitoring: false, ipv6: false },
    ],
    [
      "from the parent stage's snapshot (a region:id artifact): the image ID as a number",
      { ...request, baseImage: 'nyc3:987654' },
      config(),
      { name: 'nx-bake-app-base-01234567', region: 'nyc3', size: 's-1vcpu-1gb', image: 987654, ssh_keys: [42], tags: ourTags, monitoring: false, ipv6: false },
    ],
    [
      'from a bare snapshot ID',
      { ...request, baseImage: '987654' },
      config(),
      { name: 'nx-bake-app-base-01234567', region: 'nyc3', size: 's-1vcpu-1gb', image: 987654, ssh_keys: [42], tags: ourTags, monitoring: false, ipv6: false },
    ],
    [
      'with every optional field: name, user_data, extra tags (after ours), monitoring, ipv6, vpc_uuid',
      request,
      config({ droplet_name: 'builder', user_data: '#cloud-config\nruncmd: [touch /ready]\n', tags: ['team:web', 'ci'], monitoring: true, ipv6: true, vpc_uuid: '5a4981aa-9653-4bd1-bef5-d6bff52042e4' }),
      {
        name: 'builder',
        region: 'nyc3',
        size: 's-1vcpu-1gb',
        image: 'debian-12-x64',
        ssh_keys: [42],
        tags: [...ourTags, 'team:web', 'ci'],
        user_data: '#cloud-config\nruncmd: [touch /ready]\n',
        monitoring: true,
        ipv6: true,
        vpc_uuid: '5a4981aa-9653-4bd1-bef5-d6bff52042e4',
      },
    ],
  ])('%s', (_case, buildRequest, builderConfig, body) => {
    const made = createDropletRequest(buildRequest, builderConfig, 42);
    expect(made.path).toBe('/v2/droplets');
    expect(wire(made.body)).toStrictEqual(body);
  });
});

describe('user_data_file', () => {
  it('is read raw unless user_data_template is set', () => {
    expect(parseDigitalOceanBuilderConfig({ type: 'digitalocean', api_token: 't', region: 'nyc3', size: 's', user_data_file: 'base/cc.yaml' }, 'cloud', {})).toMatchObject({
      userDataFile: 'base/cc.yaml',
      userDataTemplate: false,
      userData: undefined,
    });
  });

  it.each([
    [{ user_data: 'x', user_data_file: 'f' }, /"user_data_file" cannot be given with "user_data"/],
    [{ user_data_template: true }, /"user_data_template" needs "user_data_file"/],
    [{ snapshot_regions: 'sfo2' }, /"snapshot_regions" must be a list of strings/],
    [{ private_networking: 'yes' }, /"private_networking" must be true or false/],
  ])('rejects %j', (fields, message) => {
    expect(() => config(fields)).toThrow(message);
  });

  it('takes snapshot_regions and private_networking', () => {
    expect(config({ snapshot_regions: ['sfo2', 'blr1'], private_networking: true })).toMatchObject({ snapshotRegions: ['sfo2', 'blr1'], privateNetworking: true });
  });
});
