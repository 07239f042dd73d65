import type { CreateNodesResult, ProjectConfiguration } from '@nx/devkit';
import { basename, dirname } from 'node:path';
import { loadPipelineFile } from '../pipeline/load';
import { stageFolderDiagnostics } from '../pipeline/stage-folders';
import type { Pipeline } from '../pipeline/types';
import { stageProjectName, targetNames, type NxBakePluginOptions, type StageMetadata } from './names';
import { stageBakeTarget } from './stage-targets';

/**
 * The projects of one pipeline file: one per pipeline (its `bake` runs every stage in order) and one per
 * stage (its root is the stage's own folder, so its files are its inputs). `complete` is false for a
 * broken pipeline, which gets a project of its own so that `validate` can report its problems.
 */
export function inferPipelineProjects(
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
