import { dropletActionRequest, type DropletAction } from './actions';

describe('dropletActionRequest', () => {
  it.each<[DropletAction, unknown]>([
    [{ type: 'shutdown' }, { type: 'shutdown' }],
    [{ type: 'power_off' }, { type: 'power_off' }],
    [{ type: 'snapshot', name: 'nx-bake-images-app-01234567' }, { type: 'snapshot', name: 'nx-bake-images-app-01234567' }],
  ])('%j', (action, body) => {
    expect(dropletActionRequest(3164494, action)).toStrictEqual({ path: '/v2/droplets/3164494/actions', body });
  });
});
