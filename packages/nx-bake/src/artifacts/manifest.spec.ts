import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manifestPath } from '../pipeline/output-paths';
import { readManifest, toManifestBuild, writeManifest, type StageManifest } from './manifest';

describe('stage manifests', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'manifest-spec-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const manifest = (): StageManifest => ({
    builds: [toManifestBuild({ builderName: 'local', builderType: 'docker', id: 'sha256:abc', files: [], customData: { tag: 'r:t' } }, 'run-1', new Date(1_700_000_000_500))],
    last_run_uuid: 'run-1',
    pipeline: 'images',
    stage: 'app',
    fingerprint: 'f'.repeat(32),
    fingerprint_inputs: { definition: 'x' },
    outcome: 'built',
    base: { kind: 'image', ref: 'debian', artifacts: { local: 'debian' } },
    duration_seconds: 1,
  });

  it("has Packer's manifest shape", () => {
    expect(manifest().builds[0]).toEqual({
      name: 'local',
      builder_type: 'docker',
      build_time: 1_700_000_000,
      files: null,
      artifact_id: 'sha256:abc',
      packer_run_uuid: 'run-1',
      custom_data: { tag: 'r:t' },
    });
  });

  it('is written whole through a temp file, leaving no temp file behind', () => {
    const path = manifestPath(root, 'images', 'app');
    writeManifest(path, manifest());
    expect(readManifest(path)).toEqual(manifest());
    expect(readdirSync(join(root, 'dist/images/images/app'))).toEqual(['manifest.json']);
    expect(readFileSync(path, 'utf8').endsWith('}\n')).toBe(true);
  });

  it('is absent rather than invalid', () => {
    expect(readManifest(join(root, 'nope.json'))).toBeUndefined();
    expect(existsSync(join(root, 'nope.json'))).toBe(false);
  });
});
