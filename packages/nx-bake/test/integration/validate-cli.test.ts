import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorkspace, repoRoot, type TestWorkspace } from '../support/workspace';

const EXAMPLE = readFileSync(join(repoRoot, 'pipelines', 'images', 'pipeline.yaml'), 'utf8');
const FILE = 'pipelines/images/pipeline.yaml';

/** `line:col` of the first `text` on a line starting (after indentation) with `prefix`, in the example. */
function positionOf(prefix: string, text: string): string {
  const lines = EXAMPLE.split('\n');
  const index = lines.findIndex((line) => line.trimStart().startsWith(prefix));
  return `${index + 1}:${lines[index].indexOf(text, lines[index].indexOf(prefix)) + 1}`;
}

/** The workspace's `npx nx-bake` (the bin npm links), run from `cwd`. */
function nxBake(cwd: string, bin: string, args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BAKE_VAR_')));
  const result = spawnSync(bin, args, { cwd, env: { ...env, CI: 'true', NX_NO_CLOUD: 'true' }, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `nx-bake validate` in an Nx workspace checks what `nx run <pipeline>:validate` checks, `bakes` included. */
describe('nx-bake validate (the CLI) in an Nx workspace', () => {
  let workspace: TestWorkspace;
  let bin: string;
  const validate = () => nxBake(workspace.root, bin, ['validate', FILE]);

  beforeAll(() => {
    workspace = createWorkspace({ copy: ['pipelines', 'apps'], name: 'validate-cli' });
    bin = join(workspace.root, 'node_modules', '.bin', 'nx-bake');
  });
  afterAll(() => workspace.remove());

  it('checks bakes against the projects of the workspace, computing the graph when Nx has none cached', () => {
    expect(validate()).toEqual({ status: 0, stdout: `${FILE}: pipeline images is valid (3 stages)\n`, stderr: '' });
    workspace.write(FILE, EXAMPLE.replace('bakes: [site]', 'bakes: [sitee]'));
    const result = validate();
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`${FILE}:${positionOf('bakes:', 'site')}: unknown Nx project 'sitee' in bakes, did you mean 'site'?\n`);
  });

  it("trusts Nx's cached graph when it holds every name", () => {
    // A name only the cache knows: accepted without computing the graph again.
    const cacheFile = join(workspace.root, '.nx', 'workspace-data', 'project-graph.json');
    const cached = JSON.parse(readFileSync(cacheFile, 'utf8'));
    cached.nodes['only-in-cache'] = { ...cached.nodes.site, name: 'only-in-cache' };
    writeFileSync(cacheFile, JSON.stringify(cached));
    workspace.write(FILE, EXAMPLE.replace('bakes: [site]', 'bakes: [only-in-cache]'));
    expect(validate()).toMatchObject({ status: 0, stderr: '' });
  });

  it('finds a project added since Nx last cached its graph', () => {
    workspace.write('apps/api/project.json', JSON.stringify({ name: 'api', targets: { build: { executor: 'nx:noop' } } }));
    workspace.write(FILE, EXAMPLE.replace('bakes: [site]', 'bakes: [site, api]'));
    expect(validate()).toMatchObject({ status: 0, stderr: '' });
  });

  it('reports an unknown builder type at its position, with a suggestion, as Nx does', () => {
    workspace.write(FILE, EXAMPLE.replace('type: docker', 'type: dockr'));
    const line = `${FILE}:${positionOf('type: docker', 'docker')}: unknown builder type 'dockr' (expected one of 'docker', 'digitalocean', 'amazon-ebs'), did you mean 'docker'?`;
    const cli = validate();
    expect(cli).toEqual({ status: 1, stdout: '', stderr: `${line}\n` });
    const nx = workspace.nx(['run', 'images:validate']);
    expect(nx.status).not.toBe(0);
    expect(nx.output).toContain(line);
  });
});

describe('nx-bake validate outside an Nx workspace', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'validate-cli-plain-'));
    cpSync(join(repoRoot, 'pipelines', 'images'), join(dir, 'images'), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says that bakes was not checked', () => {
    const result = nxBake(dir, join(repoRoot, 'node_modules', '.bin', 'nx-bake'), ['validate', 'images/pipeline.yaml']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('images/pipeline.yaml: pipeline images is valid (3 stages)\n');
    expect(result.stderr).toBe(`nx-bake: note: 'bakes' names Nx projects (site): they are checked only in an Nx workspace (no nx.json in ${dir})\n`);
  });
});
