import { commitConfig } from './commit-image';

describe('commitConfig', () => {
  const labels = { 'nx-bake.stage': 'app' };

  it("keeps the base image's Entrypoint and Cmd", () => {
    expect(commitConfig({ id: 'sha256:x', entrypoint: ['/entry'], cmd: ['--flag'] }, labels)).toEqual({ Entrypoint: ['/entry'], Cmd: ['--flag'], Labels: labels });
  });

  it('sends an empty (not absent) Entrypoint when the base has none, so the keep-alive is not inherited', () => {
    const config = commitConfig({ id: 'sha256:x', entrypoint: null, cmd: ['/bin/bash'] }, labels);
    expect(JSON.stringify(config)).toBe('{"Entrypoint":[],"Cmd":["/bin/bash"],"Labels":{"nx-bake.stage":"app"}}');
  });
});
