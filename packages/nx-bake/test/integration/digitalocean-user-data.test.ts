import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBakeFixture } from '../support/bake-fixture';
import { oneStageDoPipeline } from '../support/do-pipeline';

/**
 * `user_data_file` on the DigitalOcean builder, against the fake cloud, whose droplets boot systemd and run
 * cloud-init from a NoCloud seed: the cloud-config's write_files and runcmd are in the snapshot, the file is
 * part of the stage's fingerprint, `{{ }}` reach cloud-init verbatim unless `user_data_template: true`, and
 * `user_data` with `user_data_file` is a validate error at its position.
 */
const PIPELINE = 'userdata';
const FILE = `pipelines/${PIPELINE}/pipeline.yaml`;
const cloudConfig = (marker: string) => `#cloud-config
write_files:
  - path: /etc/nx-bake-user-data
    content: "${marker} {{ var.x }}"
runcmd:
  - echo "runcmd says ${marker}"
`;
const pipelineYaml = (builderFields: string) =>
  oneStageDoPipeline({
    name: PIPELINE,
    variables: 'x: { type: string, default: "x-rendered" }',
    builderFields: `user_data_file: cloud-init.yaml\n${builderFields}`,
    provisioners: `      - type: shell
        inline: ["test -f /etc/nx-bake-user-data"]`,
  });

describe('DigitalOcean builder: user_data_file (against the fake cloud)', () => {
  const fx = useBakeFixture({
    name: 'do-user-data',
    cloud: true,
    files: { [FILE]: pipelineYaml(''), [`pipelines/${PIPELINE}/only/.gitkeep`]: '', [`pipelines/${PIPELINE}/cloud-init.yaml`]: cloudConfig('first') },
  });
  const manifest = () => JSON.parse(readFileSync(join(fx.workspace.root, 'dist/images', PIPELINE, 'only/manifest.json'), 'utf8'));
  const bake = async () => {
    const result = await fx.workspace.nxAsync(['run', `${PIPELINE}-only:bake`, '--skip-nx-cache', '--output-style=static'], { env: fx.env() });
    if (result.status !== 0) throw new Error(`bake failed:\n${result.output.slice(-6000)}`);
    return result.output;
  };
  /** A file of the snapshot's image in the fake (its Docker image), read without booting it. */
  const inSnapshot = (path: string) => {
    const id = Number(manifest().builds[0].artifact_id.split(':')[1]);
    const snapshot = fx.fake.state().snapshots.find((s) => s.id === id);
    if (!snapshot) throw new Error(`snapshot ${id} is not in the fake`);
    return execFileSync('docker', ['run', '--rm', '--network=none', '--entrypoint', 'cat', snapshot.localImage, path], { encoding: 'utf8' });
  };
  const fingerprints: string[] = [];

  it("bakes the cloud-config's write_files and runcmd into the snapshot, {{ }} verbatim", async () => {
    const output = await bake();
    expect(output).toMatch(/userdata\/only: built/);
    expect(inSnapshot('/etc/nx-bake-user-data')).toBe('first {{ var.x }}');
    expect(inSnapshot('/var/log/cloud-init-output.log')).toContain('runcmd says first');
    expect(fx.fake.state().droplets).toEqual([]);
    fingerprints.push(manifest().fingerprint);
  });

  it('bakes again when the file changes: it is part of the fingerprint', async () => {
    fx.workspace.write(`pipelines/${PIPELINE}/cloud-init.yaml`, cloudConfig('second'));
    const output = await bake();
    expect(output).toMatch(/userdata\/only: built/);
    fingerprints.push(manifest().fingerprint);
    expect(fingerprints[1]).not.toBe(fingerprints[0]);
    expect(inSnapshot('/etc/nx-bake-user-data')).toBe('second {{ var.x }}');
  });

  it('renders the file with user_data_template: true', async () => {
    fx.workspace.write(FILE, pipelineYaml('user_data_template: true'));
    await bake();
    expect(inSnapshot('/etc/nx-bake-user-data')).toBe('second x-rendered');
    expect(inSnapshot('/var/log/cloud-init-output.log')).toContain('runcmd says second');
    expect(fx.fake.violations()).toEqual([]);
  });

  it('reports user_data with user_data_file at file:line:col, and creates no droplet', async () => {
    const yaml = pipelineYaml('user_data: "#cloud-config\\n{}\\n"');
    fx.workspace.write(FILE, yaml);
    const dropletsBefore = fx.fake.state().droplets.length;
    const result = await fx.workspace.nxAsync(['run', `${PIPELINE}:validate`, '--skip-nx-cache', '--output-style=static'], { env: fx.env() });
    expect(result.status).not.toBe(0);
    const lines = yaml.split('\n');
    const line = lines.findIndex((text) => text.trimStart().startsWith('user_data_file:'));
    const col = lines[line].indexOf('user_data_file') + 1;
    expect(result.output).toContain(`${FILE}:${line + 1}:${col}: 'user_data_file' and 'user_data' cannot both be set: give one`);
    expect(fx.fake.state().droplets).toHaveLength(dropletsBefore);
  });
});
