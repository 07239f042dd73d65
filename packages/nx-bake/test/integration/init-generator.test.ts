import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createWorkspace, type TestWorkspace } from '../support/workspace';

describe('nx g nx-bake:init', () => {
  let workspace: TestWorkspace;

  beforeAll(() => {
    workspace = createWorkspace({ name: 'init', files: { 'nx.json': JSON.stringify({ neverConnectToCloud: true, analytics: false }) } });
  });
  afterAll(() => workspace.remove());

  it('registers the plugin once and writes a starter pipeline that validates', () => {
    const first = workspace.nx(['g', 'nx-bake:init', '--no-interactive']);
    expect(first.status).toBe(0);
    workspace.nx(['g', 'nx-bake:init', '--no-interactive']);
    const nxJson = JSON.parse(readFileSync(join(workspace.root, 'nx.json'), 'utf8'));
    expect(nxJson.plugins).toEqual([{ plugin: 'nx-bake', options: {} }]);
    const pipeline = readFileSync(join(workspace.root, 'pipelines/images/pipeline.yaml'), 'utf8');
    expect(pipeline).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/node_modules\/nx-bake\/schema\/pipeline\.schema\.json$/m);
    expect(statSync(join(workspace.root, 'pipelines/images/base/setup.sh')).mode & 0o111).not.toBe(0);
    expect(JSON.parse(workspace.nx(['show', 'projects', '--json']).stdout).sort()).toEqual(['images', 'images-base']);
    const validate = workspace.nx(['run', 'images:validate']);
    expect(validate.output).toContain('pipeline images is valid (1 stage)');
    expect(validate.status).toBe(0);
  });
});
