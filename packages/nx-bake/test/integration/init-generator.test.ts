import { readFileSync, rmSync, statSync } from 'node:fs';
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
    // The workspace ignored both folders already (as `dist` and `.nx`): nothing is added.
    expect(readFileSync(join(workspace.root, '.gitignore'), 'utf8')).toBe('node_modules\ndist\n.nx\n');
  });

  it('adds .nx/ and dist/ to .gitignore once, creating it when there is none', () => {
    const gitignore = join(workspace.root, '.gitignore');
    workspace.write('.gitignore', 'node_modules\n/dist');
    expect(workspace.nx(['g', 'nx-bake:init', '--no-interactive']).status).toBe(0);
    expect(readFileSync(gitignore, 'utf8')).toBe('node_modules\n/dist\n.nx/\n');

    rmSync(gitignore);
    expect(workspace.nx(['g', 'nx-bake:init', '--no-interactive']).status).toBe(0);
    expect(workspace.nx(['g', 'nx-bake:init', '--no-interactive']).status).toBe(0);
    expect(readFileSync(gitignore, 'utf8')).toBe('.nx/\ndist/\n');
  });
});
