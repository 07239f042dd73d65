import { resolve } from 'node:path';
import { sourceOf } from '../positions';
import type { Pipeline, Stage, StageBuilder } from '../types';
import type { VaultResolver } from '../vault-reference';

export interface TemplateContext {
  var: Record<string, unknown>;
  pipeline: { name: string };
  stage?: { name: string };
  /** The builder of this build (a stage with several builders builds once with each). */
  builder?: { name: string; type: string };
  /** The base image of the stage: the upstream stage's artifact ID or the external image reference. */
  base?: { artifact_id: string };
  git?: { commit: string };
  /** `timestamp` is an ISO-8601 string; `isotime()` and `timestamp()` derive from it. */
  build: { timestamp: string; run_id: string };
  /** Only the environment variables listed in the pipeline's `env:`. */
  env: Record<string, string>;
  /** Absolute folder of the pipeline file. */
  template_dir: string;
  /** What `vault(path, key)` reads; without it, a template calling `vault()` is an error. */
  vault?: VaultResolver;
}

export interface TemplateContextOptions {
  pipeline: Pipeline;
  /** Resolved variable values (see `resolveVariables`). */
  variables: Record<string, unknown>;
  stage?: Stage | string;
  /** Without it, `builder.name` and `builder.type` are undefined (an error when a template uses them). */
  builder?: StageBuilder;
  /** Without it, `base.artifact_id` is undefined (an error when a template uses it). */
  baseArtifactId?: string;
  /** Without it, `git.commit` is undefined (an error when a template uses it). */
  gitCommit?: string;
  /** The build's time: `build.timestamp`, and the one value of `isotime()`/`timestamp()` in this build. */
  buildTime: Date | string;
  runId: string;
  /** Defaults to `process.env`; only the names in `pipeline.env` are taken. */
  env?: NodeJS.ProcessEnv;
  /** For `template_dir`; defaults to the workspace root the pipeline was loaded from (else the cwd). */
  workspaceRoot?: string;
  /** For `vault(path, key)`: the engine's values read before the build, or `placeholderVault` (validate, plan). */
  vault?: VaultResolver;
}

/** The template context of one build of one stage (or of the pipeline, without `stage`). */
export function templateContext(options: TemplateContextOptions): TemplateContext {
  const { pipeline } = options;
  const processEnv = options.env ?? process.env;
  const env: Record<string, string> = {};
  for (const name of pipeline.env) env[name] = processEnv[name] ?? '';
  const time = options.buildTime;
  const workspaceRoot = options.workspaceRoot ?? sourceOf(pipeline)?.workspaceRoot ?? process.cwd();
  const context: TemplateContext = {
    var: { ...options.variables },
    pipeline: { name: pipeline.name },
    build: { timestamp: typeof time === 'string' ? new Date(time).toISOString() : time.toISOString(), run_id: options.runId },
    env,
    template_dir: resolve(workspaceRoot, pipeline.dir),
  };
  if (options.stage !== undefined) {
    context.stage = { name: typeof options.stage === 'string' ? options.stage : options.stage.name };
  }
  if (options.builder !== undefined) context.builder = { name: options.builder.name, type: options.builder.config.type };
  if (options.baseArtifactId !== undefined) context.base = { artifact_id: options.baseArtifactId };
  if (options.gitCommit !== undefined) context.git = { commit: options.gitCommit };
  if (options.vault !== undefined) context.vault = options.vault;
  return context;
}
