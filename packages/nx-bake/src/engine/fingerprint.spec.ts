import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPipelineFile } from '../pipeline/load';
import { changedParts, fingerprintStage } from './fingerprint';

const pipelineYaml = `name: demo
variables:
  greeting: { default: hello }
  token: { sensitive: true, default: old-token }
builders:
  local: { type: docker }
stages:
  - name: one
    from: { image: debian }
    provisioners:
      - type: shell
        script: one/setup.sh
        environment_vars: ["GREETING={{ var.greeting }}", "TOKEN={{ var.token }}"]
`;

describe('fingerprintStage', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'fingerprint-spec-'));
    mkdirSync(join(root, 'p/one'), { recursive: true });
    writeFileSync(join(root, 'p/pipeline.yaml'), pipelineYaml);
    writeFileSync(join(root, 'p/one/setup.sh'), 'echo one\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const fingerprint = (workspaceRoot = root, variables: Record<string, unknown> = { greeting: 'hello', token: 'old-token' }, base: Record<string, string> = { local: 'debian' }) => {
    const pipeline = loadPipelineFile('p/pipeline.yaml', { workspaceRoot });
    return fingerprintStage({ pipeline, stage: pipeline.stages[0], workspaceRoot, variables, sensitive: ['token'], base, bakedOutputs: [] });
  };

  it('is the same for the same inputs in another folder (no absolute paths)', () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'fingerprint-spec-copy-'));
    cpSync(root, elsewhere, { recursive: true });
    expect(fingerprint(elsewhere).value).toBe(fingerprint().value);
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it('ignores sensitive values', () => {
    expect(fingerprint(root, { greeting: 'hello', token: 'rotated' }).value).toBe(fingerprint().value);
  });

  it('changes with a file, a variable or the base, and names what changed', () => {
    const before = fingerprint();
    writeFileSync(join(root, 'p/one/setup.sh'), 'echo changed\n');
    const afterFile = fingerprint();
    expect(afterFile.value).not.toBe(before.value);
    expect(changedParts(before.parts, afterFile.parts)).toEqual(['file:p/one']);
    expect(changedParts(afterFile.parts, fingerprint(root, { greeting: 'hi', token: 'x' }).parts)).toEqual(['var:greeting']);
    expect(changedParts(afterFile.parts, fingerprint(root, undefined, { local: 'debian:13' }).parts)).toEqual(['base']);
  });

  it("reads a builder's user_data_file as an input of the stage", () => {
    mkdirSync(join(root, 'p/cloud-init'));
    writeFileSync(join(root, 'p/cloud-init/user-data.yaml'), '#cloud-config\n{}\n');
    writeFileSync(
      join(root, 'p/pipeline.yaml'),
      pipelineYaml.replace('  local: { type: docker }', '  local: { type: docker }\n  cloud: { type: digitalocean, region: nyc3, size: s-1vcpu-1gb, user_data_file: cloud-init/user-data.yaml }'),
    );
    const before = fingerprint(root, undefined, { local: 'debian', cloud: 'debian-12-x64' });
    expect(Object.keys(before.parts)).toContain('file:p/cloud-init/user-data.yaml');
    writeFileSync(join(root, 'p/cloud-init/user-data.yaml'), '#cloud-config\nruncmd: [true]\n');
    expect(changedParts(before.parts, fingerprint(root, undefined, { local: 'debian', cloud: 'debian-12-x64' }).parts)).toEqual(['file:p/cloud-init/user-data.yaml']);
  });
});

