import type { ExecutorContext } from '@nx/devkit';
import { dirname } from 'node:path';
import type { LifecycleInputs } from '../lifecycle/configured-builders';
import { Revocations } from '../artifacts/revocations';
import { loadPipelineFile } from '../pipeline/load';
import type { Pipeline } from '../pipeline/types';
import { asList } from './option-lists';
import { pipelineFiles } from './pipeline-files';

/** Options every lifecycle executor (gc, promote, channels, revoke) takes. */
export interface LifecycleExecutorOptions {
  pipeline: string;
  var?: string | string[];
  varFile?: string | string[];
  only?: string | string[];
}

export interface LifecycleContext {
  pipeline: Pipeline;
  inputs: LifecycleInputs;
  /** Folder of every pipeline of the workspace. */
  pipelineDirs: string[];
  pipelineDirOf(name: string): string | undefined;
  /** Revocations of every pipeline: an artifact of one may be the base of another's. */
  revocations(): Revocations;
  say(line: string): void;
}

export function lifecycleContext(options: LifecycleExecutorOptions, context: ExecutorContext): LifecycleContext {
  const pipeline = loadPipelineFile(options.pipeline, { workspaceRoot: context.root });
  const files = { ...pipelineFiles(context), [pipeline.name]: pipeline.file };
  const pipelineDirs = [...new Set(Object.values(files).map((file) => dirname(file)))];
  return {
    pipeline,
    inputs: { workspaceRoot: context.root, vars: asList(options.var), varFiles: asList(options.varFile), only: asList(options.only, true) },
    pipelineDirs,
    pipelineDirOf: (name) => (files[name] ? dirname(files[name]) : undefined),
    revocations: () => Revocations.load(context.root, pipelineDirs),
    say: (line) => console.log(line),
  };
}
