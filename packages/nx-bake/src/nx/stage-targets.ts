import type { TargetConfiguration } from '@nx/devkit';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { stageOutputDir } from '../pipeline/output-paths';
import { referencedVariables, stageDefinition, stageFiles } from '../pipeline/stage-files';
import type { Pipeline, Stage } from '../pipeline/types';
import { REVOCATIONS_FILE } from '../artifacts/revocations';
import { stageProjectName, type targetNames } from './names';

type Targets = ReturnType<typeof targetNames>;

/**
 * The stage's `bake` target. Its options carry the stage's normalized definition (secrets left out), so
 * Nx's task hash changes exactly when this stage's definition does; files it reads are inputs; the parent
 * stage's manifest (a dependent task output) carries a new base artifact into the hash.
 */
export function stageBakeTarget(pipeline: Pipeline, stage: Stage, workspaceRoot: string, targets: Targets): TargetConfiguration {
  const definition = stageDefinition(stage);
  const variables = referencedVariables(definition).filter((name) => !pipeline.variables[name]?.sensitive);
  const dependsOn: NonNullable<TargetConfiguration['dependsOn']> = [];
  if (stage.from.kind === 'stage') {
    dependsOn.push({ projects: [stageProjectName(stage.from.pipeline, stage.from.stage)], target: targets.bake, params: 'forward' });
  }
  if (stage.bakes.length) dependsOn.push({ projects: stage.bakes, target: 'build' });
  return {
    executor: 'nx-bake:bake',
    cache: true,
    options: {
      pipeline: pipeline.file,
      stage: stage.name,
      definition: {
        ...definition,
        variables: Object.fromEntries(variables.map((name) => [name, pipeline.variables[name]?.default ?? null])),
      },
    },
    inputs: [
      '{projectRoot}/**/*',
      ...fileInputs(stage, pipeline, workspaceRoot),
      // A revocation makes the stage's bake run again (and replace a revoked artifact).
      `{workspaceRoot}/${pipeline.dir === '.' ? '' : `${pipeline.dir}/`}${REVOCATIONS_FILE}`,
      ...variables.map((name) => ({ env: `BAKE_VAR_${name}` })),
      { dependentTasksOutputFiles: '**/*', transitive: false },
    ],
    outputs: [`{workspaceRoot}/${stageOutputDir(pipeline.name, stage.name)}`],
    dependsOn,
    metadata: {
      description: stage.description ?? `Bake the ${stage.name} stage of the ${pipeline.name} pipeline`,
      technologies: ['nx-bake'],
    },
  };
}

/** Files the stage reads outside its own folder. Build outputs (gitignored) reach the hash as dependent task outputs. */
function fileInputs(stage: Stage, pipeline: Pipeline, workspaceRoot: string): string[] {
  return stageFiles(stage, pipeline.dir)
    .filter((path) => path !== stage.root && !path.startsWith(`${stage.root}/`) && !path.startsWith('dist/'))
    .map((path) => {
      const absolute = join(workspaceRoot, path);
      const isDirectory = existsSync(absolute) && statSync(absolute).isDirectory();
      return isDirectory ? `{workspaceRoot}/${path}/**/*` : `{workspaceRoot}/${path}`;
    });
}
