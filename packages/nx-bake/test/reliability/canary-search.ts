import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { docker } from '../support/docker';
import { walk } from './leaks';

/**
 * The search for canary secrets in everything a bake leaves: each canary, and the forms it could hide in
 * (base64, hex), in any text or file. A hit is one line saying where (never the canary itself).
 */
export class CanarySearch {
  readonly hits: string[] = [];
  private readonly needles: { text: string; what: string }[];

  constructor(canaries: string[]) {
    this.needles = canaries.flatMap((value) => [
      { text: value, what: 'a canary' },
      { text: Buffer.from(value).toString('base64').slice(0, 24), what: 'an encoded canary' },
      { text: Buffer.from(value).toString('hex'), what: 'an encoded canary' },
    ]);
  }

  search(where: string, content: Buffer | string): void {
    const text = typeof content === 'string' ? content : content.toString('latin1');
    for (const needle of this.needles) if (text.includes(needle.text)) this.hits.push(`${where} holds ${needle.what}`);
  }

  /**
   * Every file of the workspace but node_modules: dist/, .nx/ (workspace data, run records), .git, the rest;
   * Nx's cache and task database, which Nx 24 keeps per workspace under ~/.nx/<workspace id>/ (they must
   * hold the bake: the search would prove nothing otherwise); and every file of the bakes' temp folder.
   */
  searchFiles(workspaceRoot: string, tmp: string): void {
    for (const folder of ['dist', '.nx/workspace-data', '.git']) {
      if (!existsSync(join(workspaceRoot, folder))) throw new Error(`${folder} is missing: the search would prove nothing there`);
    }
    this.searchTree('', workspaceRoot, (path) => !path.startsWith('node_modules'));
    const nxData = require('nx/src/utils/cache-directory') as { sharedDataDirectory(root: string, kind: 'cache' | 'workspace-data'): string };
    const cache = nxData.sharedDataDirectory(workspaceRoot, 'cache');
    if (!walk(cache).some((path) => statSync(join(cache, path)).isFile())) throw new Error(`Nx's cache ${cache} holds no file: the bake was not cached`);
    for (const dir of new Set([cache, nxData.sharedDataDirectory(workspaceRoot, 'workspace-data')])) {
      if (!dir.startsWith(`${workspaceRoot}/`)) this.searchTree(`${dir}/`, dir);
    }
    this.searchTree('temp file ', tmp);
  }

  private searchTree(label: string, dir: string, keep: (path: string) => boolean = () => true): void {
    for (const path of walk(dir)) {
      if (keep(path) && statSync(join(dir, path)).isFile()) this.search(`${label}${path}`, readFileSync(join(dir, path)));
    }
  }

  /** A Docker image's config (labels, env, command) and its history, as the CLI and the API give them. */
  async searchImage(image: string): Promise<void> {
    this.search('the image config', JSON.stringify(await docker.getImage(image).inspect()));
    this.search('the image history', spawnSync('docker', ['history', '--no-trunc', image], { encoding: 'utf8' }).stdout);
    this.search('the image history (API)', JSON.stringify(await docker.getImage(image).history()));
  }
}
