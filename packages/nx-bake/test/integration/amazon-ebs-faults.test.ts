import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeEc2, type FakeEc2 } from '../../../fake-ec2/src';
import { ec2Pipeline } from '../support/ec2-pipeline';
import { ec2Env, ec2Leaks, ownAmis } from '../support/fake-ec2-fixture';
import { recordCounts } from '../support/reliability-counts';
import { createWorkspace, type TestWorkspace } from '../support/workspace';

/** EC2 faults through the fake's knobs: throttling and 5xx are retried by the SDK; the others are one clear error and nothing left. */
describe('the amazon-ebs builder under EC2 faults', () => {
  let fake: FakeEc2;
  let workspace: TestWorkspace;
  const pipeline = (fields = '') => ec2Pipeline({ name: 'ebsfaults', sshPort: fake.sshPort, builderFields: fields });

  beforeAll(async () => {
    fake = await startFakeEc2({ statusDelayMs: 200, imageDelayMs: 200 });
    workspace = createWorkspace({ name: 'ebs-faults', files: { 'pipelines/ebsfaults/pipeline.yaml': pipeline(), 'pipelines/ebsfaults/only/setup.sh': 'echo provisioned > /root/provisioned\n' } });
  });
  afterAll(async () => {
    await fake?.stop();
    workspace?.remove();
  });
  beforeEach(async () => {
    await fake.reset();
    workspace.write('pipelines/ebsfaults/pipeline.yaml', pipeline());
  });

  const bake = () => workspace.nxAsync(['run', 'ebsfaults-only:bake', '--skip-nx-cache', '--force', '--output-style=static'], { env: ec2Env(fake) });
  const expectFailedCleanly = async (violations: unknown[] = []) => {
    expect(await ec2Leaks(fake)).toEqual([]);
    expect(existsSync(join(workspace.root, 'dist/images/ebsfaults/only/manifest.json'))).toBe(false);
    expect(fake.violations()).toEqual(violations);
  };

  it('retries through RequestLimitExceeded and 5xx answers with backoff, and succeeds', async () => {
    fake.faults.throttle(2);
    fake.faults.serverErrors(2, { status: 503 });
    recordCounts({ faultsInjected: 2 });
    const result = await bake();
    if (result.status !== 0) throw new Error(`bake failed:\n${result.output.slice(-6000)}`);
    expect(result.output).toMatch(/nx-bake: ebsfaults\/only built/);
    expect(ownAmis(fake, 'us-east-1')).toHaveLength(1);
    expect(await ec2Leaks(fake, { allowAmis: 1 })).toEqual([]);
  });

  it('InsufficientInstanceCapacity is a clear error, with nothing left', async () => {
    fake.faults.insufficientCapacity(Infinity);
    recordCounts({ faultsInjected: 1 });
    const result = await bake();
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/EC2 has no t3\.micro capacity in us-east-1 now \(InsufficientInstanceCapacity\)/);
    await expectFailedCleanly();
  });

  it('an instance that never passes its status checks times out and is terminated', async () => {
    // Wide enough for the instance's container to boot on a loaded runner; the status checks then never pass.
    workspace.write('pipelines/ebsfaults/pipeline.yaml', pipeline('state_timeout: 20s'));
    fake.faults.neverHealthy(1);
    recordCounts({ faultsInjected: 1 });
    const result = await bake();
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/timed out after 20s waiting for instance i-[0-9a-f]+ to pass its status checks/);
    await expectFailedCleanly();
  });

  it('an AMI that fails is an error with EC2\'s reason, deregistered with its snapshots', async () => {
    fake.faults.failImages(1);
    recordCounts({ faultsInjected: 1 });
    const result = await bake();
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/AMI ami-[0-9a-f]+ failed/);
    await expectFailedCleanly();
  });

  it('wrong credentials are an error naming the call, the secret never shown', async () => {
    const result = await workspace.nxAsync(['run', 'ebsfaults-only:bake', '--skip-nx-cache', '--force', '--output-style=static'], {
      env: ec2Env(fake, { AWS_SECRET_ACCESS_KEY: 'wrong-secret-canary' }),
    });
    expect(result.status).not.toBe(0);
    expect(result.output).toMatch(/EC2 (DescribeImages|ImportKeyPair) failed: \w+/);
    expect(result.output).not.toContain('wrong-secret-canary');
    // The fake logs the refused signature; nothing else may be wrong.
    await expectFailedCleanly([expect.objectContaining({ status: 401, problems: [expect.stringMatching(/^AuthFailure/)] })]);
  });
});
