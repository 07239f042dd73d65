import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeDigitalOcean, type FakeDigitalOcean } from '../../../fake-digitalocean/src';
import { oneStageDoPipeline } from '../support/do-pipeline';
import { recordCounts } from '../support/reliability-counts';
import { createWorkspace, type TestWorkspace } from '../support/workspace';

/** Provider faults, injected through the fake cloud's knobs: retried when they pass, cleaned up when they do not. */
describe('the DigitalOcean builder under provider faults', () => {
  const token = `dop_v1_faults_${randomUUID().replace(/-/g, '')}`;
  let fake: FakeDigitalOcean;
  let workspace: TestWorkspace;

  const pipeline = (timeouts: string) => oneStageDoPipeline({ name: 'faults', builderFields: timeouts });

  beforeAll(async () => {
    fake = await startFakeDigitalOcean({ tokens: [token], activeDelayMs: 300, actionDelayMs: 100 });
    workspace = createWorkspace({
      name: 'do-faults',
      files: { 'pipelines/faults/pipeline.yaml': pipeline(''), 'pipelines/faults/only/setup.sh': 'echo provisioned > /root/provisioned\n' },
    });
  });
  afterAll(async () => {
    await fake?.stop();
    workspace?.remove();
  });
  beforeEach(async () => {
    await fake.reset();
  });

  const bake = () =>
    workspace.nxAsync(['run', 'faults-only:bake', '--skip-nx-cache', '--force', '--output-style=static'], {
      env: { DIGITALOCEAN_API_URL: fake.url, BAKE_VAR_token: token },
    });
  const expectNothingLeft = () => {
    const state = fake.state();
    expect(state.droplets).toEqual([]);
    expect(state.keys).toEqual([]);
    expect(fake.violations()).toEqual([]);
  };

  it('retries through a burst of 429s and 5xx errors, honouring the reset hint, and succeeds', async () => {
    fake.faults.rateLimit(3, { resetSeconds: 1 });
    recordCounts({ faultsInjected: 1 });
    fake.faults.serverErrors(2, { status: 503 });
    recordCounts({ faultsInjected: 1 });
    const result = await bake();
    if (process.env.NX_BAKE_TEST_DEBUG) console.log(result.output);
    expect(result.output).toMatch(/nx-bake: faults\/only built/);
    expect(result.status).toBe(0);
    expect(fake.state().snapshots).toHaveLength(1);
    expectNothingLeft();
  });

  it('a failed snapshot fails the bake, with no droplet, key, snapshot or manifest left', async () => {
    fake.faults.failSnapshots(1);
    recordCounts({ faultsInjected: 1 });
    const result = await bake();
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/snapshot action on droplet \d+ errored/);
    expect(fake.state().snapshots).toEqual([]);
    expect(existsSync(join(workspace.root, 'dist/images/faults/only/manifest.json'))).toBe(false);
    expectNothingLeft();
  });

  it('a droplet that never becomes active times out and is destroyed', async () => {
    workspace.write('pipelines/faults/pipeline.yaml', pipeline('    state_timeout: 3s'));
    fake.faults.neverActive(1);
    recordCounts({ faultsInjected: 1 });
    const result = await bake();
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/timed out after 3s waiting for droplet \d+ to become active/);
    expectNothingLeft();
  });

  it('SSH that accepts late is waited for', async () => {
    workspace.write('pipelines/faults/pipeline.yaml', pipeline(''));
    fake.faults.lateSsh(4000, 1);
    recordCounts({ faultsInjected: 1 });
    const result = await bake();
    expect(result.output).toMatch(/nx-bake: faults\/only built/);
    expect(result.status).toBe(0);
    expectNothingLeft();
  });

  it('a 4xx error names the API call and is not retried', async () => {
    const result = await workspace.nxAsync(['run', 'faults-only:bake', '--skip-nx-cache', '--force', '--output-style=static'], {
      env: { DIGITALOCEAN_API_URL: fake.url, BAKE_VAR_token: 'wrong-token' },
    });
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/DigitalOcean API POST \/v2\/account\/keys failed: 401 unauthorized/);
    expect(result.output).not.toContain('wrong-token');
    expectNothingLeft();
  });
});
