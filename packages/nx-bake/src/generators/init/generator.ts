import type { Tree } from '@nx/devkit';
import { posix } from 'node:path';
// Through nx-internals: the workspace may have nx without @nx/devkit.
import { readNxJson, updateNxJson } from '../../nx/nx-internals';
import { addToGitignore } from './gitignore';
import { STARTER_SCRIPT, starterPipeline } from './starter-pipeline';

export interface InitGeneratorOptions {
  name?: string;
  directory?: string;
  baseImage?: string;
  skipPipeline?: boolean;
}

/** Registers the plugin in nx.json (once), ignores `.nx/` and `dist/`, and writes a starter pipeline (unless one is there). */
export default async function initGenerator(tree: Tree, options: InitGeneratorOptions): Promise<void> {
  const nxJson = readNxJson(tree) ?? {};
  const plugins = nxJson.plugins ?? [];
  const registered = plugins.some((entry) => (typeof entry === 'string' ? entry : entry.plugin) === 'nx-bake');
  if (!registered) {
    nxJson.plugins = [...plugins, { plugin: 'nx-bake', options: {} }];
    updateNxJson(tree, nxJson);
  }
  addToGitignore(tree);
  if (options.skipPipeline) return;
  const name = options.name ?? 'images';
  const directory = options.directory ?? `pipelines/${name}`;
  const file = posix.join(directory, 'pipeline.yaml');
  if (tree.exists(file)) return;
  const schemaPath = posix.relative(directory, 'node_modules/nx-bake/schema/pipeline.schema.json');
  tree.write(file, starterPipeline(name, options.baseImage ?? 'debian:bookworm', schemaPath));
  tree.write(posix.join(directory, 'base', 'setup.sh'), STARTER_SCRIPT, { mode: '755' });
}
