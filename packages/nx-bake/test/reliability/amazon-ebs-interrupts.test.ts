/**
 * Ctrl-C and SIGKILL during an amazon-ebs bake against the fake EC2: an interrupt at any step leaves no
 * instance, key pair, temporary group, AMI or local leftover; a SIGKILL leaves them, and `gc --leaked` finds
 * them by the run's tags and journal and removes them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeEc2, type FakeEc2 } from '../../../fake-ec2/src';
import { startBake } from '../support/bake-process';
import { ec2Pipeline } from '../support/ec2-pipeline';
import { ec2Env, ec2Leaks } from '../support/fake-ec2-fixture';
import { recordCounts, recordLeaks } from '../support/reliability-counts';
import { createWorkspace, type TestWorkspace } from '../support/workspace';
import { localLeaks } from './leaks';

/** From the signal until every process of the bake has exited (cleanup included). Generous: 2 shared cores. */
const EXIT_BOUND_MS = 60_000;
const HELD_SHELL = `      - type: shell
        inline: ["echo shell-started", "sleep {{ var.shell_sleep }}"]`;

describe('interrupting an amazon-ebs bake', () => {
  let fake: FakeEc2;
  let workspace: TestWorkspace;
  let tmp: string;
  // Holds and timeouts are variables: the test sets them per bake without changing the workspace's files.
  const pipeline = () =>
    ec2Pipeline({
      name: 'relebs',
      sshPort: fake.sshPort,
      variables: 'shell_sleep: { type: string, default: "0" }\nstate_timeout: { type: string, default: "10m" }',
      provisioners: HELD_SHELL,
      builderFields: 'state_timeout: "{{ var.state_timeout }}"',
    });
  const env = (extra: NodeJS.ProcessEnv = {}) => ec2Env(fake, { TMPDIR: tmp, PYTHONUNBUFFERED: '1', ...extra });
  const start = (extra: NodeJS.ProcessEnv = {}) => startBake(workspace, ['run', 'relebs-only:bake', '--skip-nx-cache', '--output-style=stream'], env(extra));

  beforeAll(async () => {
    fake = await startFakeEc2({ statusDelayMs: 200, imageDelayMs: 200 });
    workspace = createWorkspace({ name: 'rel-ebs', files: { 'pipelines/relebs/pipeline.yaml': pipeline(), 'pipelines/relebs/only/README.md': 'only\n' } });
    tmp = mkdtempSync(join(tmpdir(), 'rel-ebs-tmp-'));
  });
  afterAll(async () => {
    await fake?.stop();
    workspace?.remove();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await fake.reset();
  });

  const expectNothingLeft = async () => {
    expect(recordLeaks([...(await localLeaks({ workspace, tmp, pipeline: 'relebs' })), ...(await ec2Leaks(fake))])).toEqual([]);
    expect(fake.violations()).toEqual([]);
  };

  it.each([
    ['provisioning', /\| shell-started/, () => undefined, { BAKE_VAR_shell_sleep: '120' }],
    ['waiting for the status checks', /launched instance i-[0-9a-f]+/, (f: FakeEc2) => f.faults.neverHealthy(1), {}],
    ['waiting for the AMI', /creating AMI ami-[0-9a-f]+/, () => undefined, {}],
  ] as const)('SIGINT while %s: nothing left', async (_step, marker, faults, extra) => {
    faults(fake);
    const run = start(extra);
    const { code, elapsedMs } = await run.interruptAt(marker, 'SIGINT', EXIT_BOUND_MS);
    recordCounts({ interruptsInjected: 1 });
    expect(code).not.toBe(0);
    expect(elapsedMs).toBeLessThan(EXIT_BOUND_MS);
    await expectNothingLeft();
  });

  it('SIGKILL while provisioning leaves the instance, key pair and group; gc --leaked removes them', async () => {
    const run = start({ BAKE_VAR_shell_sleep: '300' });
    const { code } = await run.interruptAt(/\| shell-started/, 'SIGKILL', 30_000);
    recordCounts({ interruptsInjected: 1 });
    expect(code).not.toBe(0);
    // The kill really left things behind: otherwise this test would prove nothing.
    const left = await ec2Leaks(fake);
    expect(left).toEqual(expect.arrayContaining([expect.stringMatching(/^instance i-/), expect.stringMatching(/^key pair nx-bake-relebs-only-/), expect.stringMatching(/^security group sg-/)]));
    const sweep = await workspace.nxAsync(['run', 'relebs:gc', '--leaked', '--output-style=static'], { env: env() });
    if (sweep.status !== 0) throw new Error(`gc --leaked failed:\n${sweep.output.slice(-4000)}`);
    expect(sweep.stdout).toMatch(/instance i-[0-9a-f]+: removing/);
    await expectNothingLeft();
  });
});
