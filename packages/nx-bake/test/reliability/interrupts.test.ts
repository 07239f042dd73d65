/**
 * SIGINT and SIGTERM at every lifecycle step of a Docker and a DigitalOcean bake (issue #6): the bake exits
 * non-zero, every one of its processes is gone within a bounded time, and it leaves no container, droplet,
 * SSH key, snapshot, temp folder, rendered vars file, stage lock, manifest or registry tag behind.
 *
 * How each step is hit: slow steps are held open (a provisioner that sleeps, the fake cloud's delay knobs:
 * never-active droplets, late sshd, slow or stuck actions, slow API requests), and the signal is sent once
 * the step's line appears in the bake's plain output. Steps that last milliseconds (pull, create, connect
 * and commit of a container; writing the manifest) are held with NX_BAKE_TEST_PAUSE_BEFORE (steps/test-pause.ts).
 * Signals go to the bake's whole process group, as Ctrl-C in a terminal or a CI runner's cancel sends them.
 */
import { randomUUID } from 'node:crypto';
import type { FakeDigitalOcean } from '../../../fake-digitalocean/src';
import { useBakeFixture } from '../support/bake-fixture';
import { startBake } from '../support/bake-process';
import { docker, removeByLabel } from '../support/docker';
import { oneStageDoPipeline } from '../support/do-pipeline';
import { dockerLogin, registryTags, removeRepository, REGISTRY, startFleet } from '../support/fleet';
import { recordCounts, recordLeaks } from '../support/reliability-counts';
import { cloudLeaks, localLeaks } from './leaks';
import { BASE_IMAGE } from '../support/base-image';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

// Rarely (2 in ~150 fake-droplet bakes), the fake droplet's SSH connection drops a few ms into the first
// provisioner, before the step under test is reached; the case then proves nothing either way. It is retried
// once, with the first attempt's error logged; the cause (in the fake's container networking, or ours) is open.
jest.retryTimes(1, { logErrorsBeforeRetry: true });
/** From the signal until every process of the bake has exited (cleanup included). Generous: 2 shared cores. */
const EXIT_BOUND_MS = 60_000;

const PROVISIONERS = `      - type: shell
        inline: ["echo shell-started", "sleep {{ var.shell_sleep }}"]
      - type: ansible
        playbook: only/playbook.yml
        vars: { hold: "{{ var.ansible_sleep }}" }`;
const VARIABLES = `shell_sleep: { type: string, default: "0" }
ansible_sleep: { type: string, default: "0" }`;
const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: hold
      ansible.builtin.command: sleep {{ hold }}
`;

interface Case {
  step: string;
  marker: RegExp;
  env?: NodeJS.ProcessEnv;
  /** Fault knobs to set on the fake before the bake (DigitalOcean only). */
  faults?: (fake: FakeDigitalOcean) => void;
  /** Interrupted after the artifact was complete: it stays (a later bake adopts it), but no manifest. */
  artifactMayStay?: boolean;
}

const pause = (step: string): Pick<Case, 'marker' | 'env'> => ({ marker: new RegExp(`paused before ${step}`), env: { NX_BAKE_TEST_PAUSE_BEFORE: step } });
const shellHeld = { marker: /\| shell-started/, env: { BAKE_VAR_shell_sleep: '120' } };
const ansibleHeld = { marker: /TASK \[hold\]/, env: { BAKE_VAR_ansible_sleep: '120' } };

async function interrupt(run: ReturnType<typeof startBake>, testCase: Case, signal: NodeJS.Signals): Promise<{ code: number }> {
  const { code, elapsedMs } = await run.interruptAt(testCase.marker, signal, EXIT_BOUND_MS);
  recordCounts({ interruptsInjected: 1 });
  expect(elapsedMs).toBeLessThan(EXIT_BOUND_MS);
  return { code };
}

describe('SIGINT/SIGTERM at every step of a Docker bake', () => {
  const pipeline = `relint${randomUUID().slice(0, 6)}`;
  const fx = useBakeFixture({
    name: 'rel-int-docker',
    files: {
        [`pipelines/${pipeline}/pipeline.yaml`]: `name: ${pipeline}
variables:
  ${VARIABLES.replace('\n', '\n  ')}
builders:
  local:
    type: docker
    network: host
    repository: nx-bake-reliability/${pipeline}
stages:
  - name: only
    from: { image: ${BASE_IMAGE} }
    provisioners:
${PROVISIONERS}
`,
        [`pipelines/${pipeline}/only/playbook.yml`]: PLAYBOOK,
        // The same stage pushed to the loopback registry: the push step is one more step to interrupt.
        [`pipelines/${pipeline}push/pipeline.yaml`]: `name: ${pipeline}push
builders:
  local: { type: docker, network: host, repository: "${REGISTRY}/nx-bake-reliability/${pipeline}", tag: only, push: true }
stages:
  - name: only
    from: { image: nx-bake/debian:bookworm }
    provisioners:
      - { type: shell, inline: ["echo pushed > /etc/nx-bake-push"] }
`,
        [`pipelines/${pipeline}push/only/README.md`]: 'only\n',
    },
  });
  let credentials: { username: string; password: string } | undefined;
  afterAll(async () => {
    await removeByLabel(`nx-bake.pipeline=${pipeline}`);
    await removeByLabel(`nx-bake.pipeline=${pipeline}push`);
    if (credentials) await removeRepository(`nx-bake-reliability/${pipeline}`, credentials);
  });

  const cases: Case[] = [
    { step: 'pull-image', ...pause('pull-image') },
    { step: 'create-container', ...pause('create-container') },
    { step: 'connect', ...pause('connect') },
    { step: 'provision: shell', ...shellHeld },
    { step: 'provision: ansible', ...ansibleHeld },
    { step: 'stop-container', ...pause('stop-container') },
    { step: 'commit-image', ...pause('commit-image') },
    { step: 'manifest', ...pause('manifest'), artifactMayStay: true },
  ];

  it.each(cases.flatMap((testCase) => SIGNALS.map((signal) => [testCase.step, signal, testCase] as const)))('%s, %s', async (_step, signal, testCase) => {
    const run = startBake(fx.workspace, ['run', `${pipeline}-only:bake`, '--skip-nx-cache', '--output-style=stream'], fx.env({ PYTHONUNBUFFERED: '1', ...testCase.env }));
    const { code } = await interrupt(run, testCase, signal);
    expect(code).not.toBe(0);
    const leaks = await localLeaks({ workspace: fx.workspace, tmp: fx.tmp, pipeline });
    const images = await docker.listImages({ filters: { label: [`nx-bake.pipeline=${pipeline}`] } });
    if (!testCase.artifactMayStay) leaks.push(...images.map((image) => `image ${image.Id}`));
    else if (images.length > 1) leaks.push(`${images.length} images for one fingerprint`);
    expect(recordLeaks(leaks)).toEqual([]);
    await removeByLabel(`nx-bake.pipeline=${pipeline}`);
  });

  // Held at its start (a push to a loopback registry is over before a signal lands): the committed image
  // stays for the next bake to adopt and push, and the registry holds nothing of the interrupted build.
  it.each(SIGNALS)('push-image, %s', async (signal) => {
    credentials ??= startFleet();
    const env = fx.env({ PYTHONUNBUFFERED: '1', DOCKER_CONFIG: dockerLogin(credentials), ...pause('push-image').env });
    const run = startBake(fx.workspace, ['run', `${pipeline}push-only:bake`, '--skip-nx-cache', '--output-style=stream'], env);
    const { code } = await interrupt(run, { step: 'push-image', ...pause('push-image') }, signal);
    expect(code).not.toBe(0);
    const leaks = await localLeaks({ workspace: fx.workspace, tmp: fx.tmp, pipeline: `${pipeline}push` });
    const images = await docker.listImages({ filters: { label: [`nx-bake.pipeline=${pipeline}push`] } });
    if (images.length > 1) leaks.push(`${images.length} images for one fingerprint`);
    leaks.push(...(await registryTags(`nx-bake-reliability/${pipeline}`, credentials)).map((tag) => `registry tag ${tag}`));
    expect(recordLeaks(leaks)).toEqual([]);
    await removeByLabel(`nx-bake.pipeline=${pipeline}push`);
  });
});

describe('SIGINT/SIGTERM at every step of a DigitalOcean bake', () => {
  const fx = useBakeFixture({
    name: 'rel-int-do',
    cloud: true,
    files: {
      'pipelines/reldo/pipeline.yaml': oneStageDoPipeline({ name: 'reldo', variables: VARIABLES, provisioners: PROVISIONERS }),
      'pipelines/reldo/only/playbook.yml': PLAYBOOK,
    },
  });
  beforeEach(async () => {
    await fx.fake.reset();
  });

  // A held API request is not cut short by the interrupt (the cloud may act on it anyway: a droplet created
  // by a request the client stopped listening to would leak); it returns after a few seconds, then cleanup runs.
  const cases: Case[] = [
    { step: 'create-ssh-key', marker: /create-ssh-key \.\.\./, faults: (f) => f.faults.slowRequests(4000, { path: '^/v2/account/keys$', method: 'POST' }) },
    { step: 'create-droplet: create', marker: /create-droplet \.\.\./, faults: (f) => f.faults.slowRequests(4000, { path: '^/v2/droplets$', method: 'POST' }) },
    { step: 'create-droplet: wait for active', marker: /created droplet \d+/, faults: (f) => f.faults.neverActive(1) },
    { step: 'connect', marker: /connect \.\.\./, faults: (f) => f.faults.lateSsh(120_000, 1) },
    { step: 'provision: shell', ...shellHeld },
    { step: 'provision: ansible', ...ansibleHeld },
    { step: 'shutdown', marker: /shutdown \.\.\./, faults: (f) => f.faults.slowActions(120_000, { type: 'shutdown' }) },
    { step: 'snapshot', marker: /snapshot \.\.\./, faults: (f) => f.faults.stuckActions({ type: 'snapshot' }) },
    { step: 'snapshot: tagging', marker: /snapshot \d+ \(.*\) created/, faults: (f) => f.faults.slowRequests(4000, { path: '^/v2/tags$', method: 'POST' }) },
    { step: 'manifest', ...pause('manifest'), artifactMayStay: true },
  ];

  it.each(cases.flatMap((testCase) => SIGNALS.map((signal) => [testCase.step, signal, testCase] as const)))('%s, %s', async (_step, signal, testCase) => {
    testCase.faults?.(fx.fake);
    if (testCase.faults) recordCounts({ faultsInjected: 1 });
    const run = startBake(fx.workspace, ['run', 'reldo-only:bake', '--skip-nx-cache', '--output-style=stream'], fx.env({ PYTHONUNBUFFERED: '1', ...testCase.env }));
    const { code } = await interrupt(run, testCase, signal);
    expect(code).not.toBe(0);
    const leaks = [...(await localLeaks({ workspace: fx.workspace, tmp: fx.tmp, pipeline: 'reldo' })), ...(await cloudLeaks(fx.fake, { allowSnapshots: testCase.artifactMayStay ? 1 : 0 }))];
    expect(recordLeaks(leaks)).toEqual([]);
    expect(fx.fake.violations()).toEqual([]);
  });
});
