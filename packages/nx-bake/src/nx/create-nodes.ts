import type { CreateNodes, CreateNodesResult } from '@nx/devkit';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NxBakePluginOptions } from './names';
// Not @nx/devkit: it loads most of Nx (~200 ms) into the plugin's worker, on every project graph (bench case 7).
import { createNodesFromFiles, hashArray, readJsonFile, workspaceDataDirectory, writeJsonFile } from './nx-internals';

export const PIPELINE_GLOB = '**/pipeline.{yaml,yml}';

/** Results inferred by another build of the plugin are never reused: the key includes the plugin's own code. */
const CACHE_VERSION = hashArray(
  readdirSync(__dirname)
    .filter((name) => /\.[jt]s$/.test(name))
    .sort()
    .map((name) => readFileSync(join(__dirname, name), 'utf8')),
);

/**
 * One Nx project per pipeline and one per stage (infer-pipeline-projects.ts). Results are cached by file
 * content, as Nx's own plugins do, so a graph of hundreds of pipelines is not re-parsed on every command.
 */
export const createNodes: CreateNodes<NxBakePluginOptions> = [
  PIPELINE_GLOB,
  async (files, options, context) => {
    const cachePath = join(workspaceDataDirectory(context.workspaceRoot), `nx-bake-${hashArray([CACHE_VERSION, JSON.stringify(options ?? {})])}.json`);
    const cache: Record<string, CreateNodesResult> = existsSync(cachePath) ? safeRead(cachePath) : {};
    const used: Record<string, CreateNodesResult> = {};
    try {
      return await createNodesFromFiles(
        (file, opts) => {
          const key = hashArray([file, readFileSync(join(context.workspaceRoot, file), 'utf8')]);
          const cached = cache[key];
          if (cached) {
            used[key] = cached;
            return cached;
          }
          // Loaded on the first file not in the cache: parsing and checking pipelines needs the YAML parser and
          // the checks (~100 ms of modules), which a graph whose every file is cached does without.
          const { inferPipelineProjects } = require('./infer-pipeline-projects') as typeof import('./infer-pipeline-projects');
          const { result, complete } = inferPipelineProjects(file, opts, context.workspaceRoot);
          // A broken pipeline may be mended by a file other than its own (a stage folder): never cache it.
          if (complete) used[key] = result;
          return result;
        },
        files,
        options,
        context,
      );
    } finally {
      writeJsonFile(cachePath, used);
    }
  },
];

export const createNodesV2 = createNodes;

function safeRead(path: string): Record<string, CreateNodesResult> {
  try {
    return readJsonFile(path);
  } catch {
    return {};
  }
}
