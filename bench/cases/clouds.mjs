// Case 12 (issue #16, information): the same three-stage chain baked as AMIs against the fake EC2 and as
// snapshots against the fake DigitalOcean, cold, each in a fresh temp workspace. Both fakes' instances are
// containers with sshd on their own loopback address; the stages run small shell scripts (no network), so
// what differs is each builder's own steps and each API's waits (both fakes with the same short delays).
import { freePort } from '../lib/sshd.mjs';
import { startFake } from '../lib/fakes.mjs';
import { parseOutcomes } from '../lib/profile.mjs';
import { logPath, nxEnv, say, timed } from '../lib/util.mjs';
import { createWorkspace } from '../lib/workspace.mjs';

export const CLOUD_CASES = ['12'];

const STAGES = ['base', 'middle', 'top'];
const DO_TOKEN = 'dop_v1_bench_clouds';
const EC2_KEY = { id: 'AKIAFAKEEC2TESTKEY01', secret: 'fake-ec2-secret-access-key' };

const PIPELINE = `name: chain
variables:
  do_token: { type: string, sensitive: true }
  # Each run's own value: a fresh fingerprint, so neither builder adopts the previous run's images.
  run: { type: string }
builders:
  aws:
    type: amazon-ebs
    region: us-east-1
    instance_type: t3.micro
    source_ami_filter: { filters: { name: "debian-12-amd64-*" }, owners: ["136693071363"], most_recent: true }
    ssh_username: root
    poll_interval: 200ms
  cloud:
    type: digitalocean
    api_token: "{{ var.do_token }}"
    region: nyc3
    size: s-1vcpu-1gb
    poll_interval: 200ms
stages:
${STAGES.map(
  (stage, index) => `  - name: ${stage}
    from: ${index === 0 ? '{ image: { aws: debian-12, cloud: debian-12-x64 } }' : `{ stage: ${STAGES[index - 1]} }`}
    provisioners:
      - { type: shell, inline: ["echo ${stage} {{ var.run }} >> /etc/bench-chain", "grep -c . /etc/bench-chain"] }
`,
).join('')}`;

export async function runCloudCase({ workDir, runs, warmup, cleanup }) {
  const measured = { aws: [], cloud: [] };
  const warm = { aws: [], cloud: [] };
  const problems = [];
  const delays = ['--active-delay-ms', '200', '--action-delay-ms', '200'];
  const [digitalOcean, ec2] = await Promise.all([
    startFake('digitalocean', { port: await freePort(), args: ['--token', DO_TOKEN, ...delays], logFile: logPath(workDir, 'fake-digitalocean'), cleanup }),
    startFake('ec2', { port: await freePort(), args: ['--status-delay-ms', '200', '--image-delay-ms', '200'], logFile: logPath(workDir, 'fake-ec2'), cleanup }),
  ]);
  const env = nxEnv({
    BAKE_VAR_do_token: DO_TOKEN,
    DIGITALOCEAN_API_URL: digitalOcean.url,
    AWS_ENDPOINT_URL_EC2: ec2.url,
    AWS_ACCESS_KEY_ID: EC2_KEY.id,
    AWS_SECRET_ACCESS_KEY: EC2_KEY.secret,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  });
  try {
    for (let i = 0; i < warmup + runs; i++) {
      const isWarmup = i < warmup;
      const tag = isWarmup ? `warm-up ${i + 1}` : `run ${i - warmup + 1}/${runs}`;
      for (const builder of i % 2 ? ['cloud', 'aws'] : ['aws', 'cloud']) {
        say(`clouds ${tag}: ${builder}, three stages cold`);
        const log = logPath(workDir, `clouds-${builder}-${i}`);
        const ws = createWorkspace(workDir, { name: `clouds-${builder}-${i}`, files: { 'pipelines/chain/pipeline.yaml': PIPELINE, ...Object.fromEntries(STAGES.map((stage) => [`pipelines/chain/${stage}/.gitkeep`, ''])) } });
        try {
          const run = await timed(ws.nxBin, ['run', 'chain:bake', `--only=${builder}`, '--output-style=static'], { cwd: ws.root, env: { ...env, BAKE_VAR_run: String(i) }, logFile: log, label: `${builder}: cold bake` });
          const outcomes = parseOutcomes(run.output, STAGES.map((stage) => `chain/${stage}`)).outcomes;
          const built = STAGES.every((stage) => outcomes[`chain/${stage}`] === 'built');
          if (run.status !== 0 || !built) {
            problems.push(`case 12 ${builder} (${tag}) failed: exit ${run.status ?? run.signal}, outcomes ${JSON.stringify(outcomes)}; log: ${log}`);
            continue;
          }
          (isWarmup ? warm : measured)[builder].push(run.seconds);
        } finally {
          ws.remove();
        }
      }
    }
  } finally {
    await Promise.all([digitalOcean.stop(), ec2.stop()]);
  }
  return { measured, warm, problems };
}
