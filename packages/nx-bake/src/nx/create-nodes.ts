import type { CreateNodes, CreateNodesResult, ProjectConfiguration } from '@nx/devkit';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadPipelineFile } from '../pipeline/load';
import { stageFolderDiagnostics } from '../pipeline/stage-folders';
import type { Pipeline } from '../pipeline/types';
import { stageProjectName, targetNames, type NxBakePluginOptions, type StageMetadata } from './names';
// Not @nx/devkit: it loads most of Nx (~200 ms) into the plugin's worker, on every project graph (bench case 7).
import { createNodesFromFiles, hashArray, readJsonFile, workspaceDataDirectory, writeJsonFile } from './nx-internals';
import { stageBakeTarget } from './stage-targets';

export const PIPELINE_GLOB = '**/pipeline.{yaml,yml}';

/** Results inferred by another build of the plugin are never reused: the key includes the plugin's own code. */
const CACHE_VERSION = hashArray(
  readdirSync(__dirname)
    .filter((name) => /\.[jt]s$/.test(name))
    .sort()
    .map((name) => readFileSync(join(__dirname, name), 'utf8')),
);

/**
 * One Nx project per pipeline (its `bake` runs every stage in order) and one per stage (its root is the
 * stage's own folder, so its files are its inputs). Results are cached by file content, as Nx's own
 * plugins do, so a graph of hundreds of pipelines is not re-parsed on every command.
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

function inferPipelineProjects(
  file: string,
  options: NxBakePluginOptions | undefined,
  workspaceRoot: string,
): { result: CreateNodesResult; complete: boolean } {
  const targets = targetNames(options);
  let pipeline: Pipeline;
  try {
    pipeline = loadPipelineFile(file, { workspaceRoot });
    if (stageFolderDiagnostics(pipeline, workspaceRoot).length) throw new Error('a stage has no folder');
  } catch {
    // A broken pipeline still gets its project, so `validate` (and `bake`) can report every problem with
    // file:line:col instead of the whole graph failing on one file.
    return { result: { projects: { [dirname(file)]: brokenPipelineProject(file, targets) } }, complete: false };
  }
  const projects: Record<string, Omit<ProjectConfiguration, 'root'> & { root?: string }> = {};
  const stageProjects = pipeline.stages.map((stage) => stageProjectName(pipeline.name, stage.name));
  projects[pipeline.dir] = {
    name: pipeline.name,
    root: pipeline.dir,
    projectType: 'application',
    tags: ['nx-bake:pipeline'],
    targets: {
      [targets.bake]: {
        executor: 'nx:noop',
        dependsOn: [{ projects: stageProjects, target: targets.bake, params: 'forward' }],
        metadata: { description: `Bake every stage of the ${pipeline.name} pipeline, in order` },
      },
      [targets.validate]: validateTarget(file),
      [targets.plan]: planTarget(file, undefined, pipeline.stages.flatMap((stage) => stage.bakes)),
      ...lifecycleTargets(file, targets),
    },
    metadata: { nxBake: { pipeline: pipeline.name, pipelineFile: file, stages: stageProjects } },
  };
  for (const stage of pipeline.stages) {
    const metadata: StageMetadata = {
      pipeline: pipeline.name,
      stage: stage.name,
      pipelineFile: file,
      baseProject: stage.from.kind === 'stage' ? stageProjectName(stage.from.pipeline, stage.from.stage) : undefined,
      bakes: stage.bakes,
    };
    projects[stage.root] = {
      name: stageProjectName(pipeline.name, stage.name),
      root: stage.root,
      projectType: 'application',
      tags: ['nx-bake:stage', `nx-bake:pipeline:${pipeline.name}`],
      targets: {
        [targets.bake]: stageBakeTarget(pipeline, stage, workspaceRoot, targets),
        [targets.plan]: planTarget(file, stage.name, pipeline.stages.flatMap((entry) => entry.bakes)),
      },
      metadata: { nxBake: metadata },
    };
  }
  return { result: { projects }, complete: true };
}

/** Retention, leak sweeps, channels and revocation: they act on the provider and the repo, never cached. */
function lifecycleTargets(file: string, targets: ReturnType<typeof targetNames>) {
  const target = (executor: string, description: string) => ({ executor: `nx-bake:${executor}`, cache: false, options: { pipeline: file }, metadata: { description } });
  return {
    [targets.gc]: target('gc', "List the images beyond each stage's retain policy (--apply deletes them); --leaked sweeps what killed bakes left"),
    [targets.promote]: target('promote', 'Point a release channel at a stage build: --stage <stage> --channel <name> [--to previous]'),
    [targets.channels]: target('channels', 'Show each channel and whether it is out of date or revoked'),
    [targets.revoke]: target('revoke', 'Revoke an artifact: --artifact <id> [--descendants] [--reason <text>]'),
  };
}

function validateTarget(file: string) {
  return {
    executor: 'nx-bake:validate',
    cache: false,
    options: { pipeline: file },
    metadata: { description: 'Check the pipeline: syntax, schema, references, cycles, files and templates' },
  };
}

/** Plans read the baked-in build outputs, so those are built first: a plan must match the bake that follows. */
function planTarget(file: string, stage: string | undefined, bakes: string[]) {
  return {
    executor: 'nx-bake:plan',
    cache: false,
    options: stage ? { pipeline: file, stage } : { pipeline: file },
    dependsOn: bakes.length ? [{ projects: [...new Set(bakes)], target: 'build' }] : [],
    metadata: { description: 'Show what a bake would do with each stage (cached, adopted or built, and why), without building' },
  };
}

function brokenPipelineProject(file: string, targets: ReturnType<typeof targetNames>) {
  const name = nameFromBrokenFile(file);
  return {
    name,
    root: dirname(file),
    tags: ['nx-bake:pipeline'],
    targets: {
      [targets.validate]: validateTarget(file),
      // Fails with the same diagnostics as validate: baking a broken pipeline must not look like success.
      [targets.bake]: validateTarget(file),
    },
  };
}

function nameFromBrokenFile(file: string): string {
  return basename(dirname(file)) || 'pipeline';
}
