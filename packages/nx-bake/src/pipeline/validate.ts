/**
 * Everything `nx run <pipeline>:validate` checks, reported at once: the file itself (syntax, schema,
 * references, cycles, missing files), references to and from the other pipelines, `bakes` naming Nx
 * projects that do not exist, variables (required, types, var files, `--var`), and templates (each
 * stage rendered with placeholder build facts, so undefined names are found; `vars_template` files too).
 * Vault is never called: its values are `<from vault: path#key>` placeholders.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { diagnostic, PipelineError, sortDiagnostics, type Diagnostic } from './diagnostics';
import { crossPipelineDiagnostics, parsePipelineFile, type ParsedPipelineFile } from './load';
import { positionOf } from './positions';
import { stageFolderDiagnostics } from './stage-folders';
import { didYouMean } from './suggest';
import { isTemplate, renderStage, renderTemplateFile, templateContext } from './template';
import type { Pipeline } from './types';
import { resolveVariables } from './variables';
import { kvReference, placeholderVault, vaultPlaceholder } from './vault-reference';

export interface ValidatePipelineOptions {
  workspaceRoot: string;
  /** The pipeline to validate (relative to the workspace root). */
  pipelineFile: string;
  /** The workspace's other pipelines, for `from: { pipeline }` references (their own problems are not reported). */
  otherPipelineFiles?: string[];
  /** Names of the workspace's Nx projects, for `bakes`; not checked when absent. */
  knownProjects?: string[];
  vars?: string[] | Record<string, string>;
  varFiles?: string[];
  env?: NodeJS.ProcessEnv;
  /** Report stages without files in their folder (they cannot be Nx projects). */
  requireStageFolders?: boolean;
}

export function validatePipeline(options: ValidatePipelineOptions): Pipeline {
  return validateParsedPipeline(parsePipelineFile(options.pipelineFile, { workspaceRoot: options.workspaceRoot }), options);
}

/** The same, for a file its caller has parsed already (to read it before: a huge file is parsed once). */
export function validateParsedPipeline(target: ParsedPipelineFile, options: ValidatePipelineOptions): Pipeline {
  const { workspaceRoot } = options;
  const others = (options.otherPipelineFiles ?? []).map((file) => parsePipelineFile(file, { workspaceRoot }));
  const diagnostics: Diagnostic[] = [
    ...target.diagnostics,
    ...crossPipelineDiagnostics([target, ...others]).filter((entry) => entry.file === target.file),
  ];
  const pipeline = target.pipeline;
  if (pipeline) {
    if (options.requireStageFolders) diagnostics.push(...stageFolderDiagnostics(pipeline, workspaceRoot));
    if (options.knownProjects) {
      const known = options.knownProjects;
      pipeline.stages.forEach((stage, i) =>
        stage.bakes.forEach((project, k) => {
          if (!known.includes(project)) {
            diagnostics.push(diagnostic(positionOf(pipeline, ['stages', i, 'bakes', k]), `unknown Nx project '${project}' in bakes${didYouMean(project, known)}`));
          }
        }),
      );
    }
    let values: Record<string, unknown>;
    try {
      values = resolveVariables(pipeline, { vars: options.vars, varFiles: options.varFiles, env: options.env, workspaceRoot }).values;
    } catch (error) {
      if (!(error instanceof PipelineError)) throw error;
      diagnostics.push(...error.diagnostics);
      // Go on with placeholders, so templates are still checked for undefined names.
      values = Object.fromEntries(
        Object.entries(pipeline.variables).map(([name, definition]) => [name, definition.vault ? vaultPlaceholder(kvReference(definition.vault)) : (definition.default ?? '')]),
      );
    }
    diagnostics.push(...templateDiagnostics(pipeline, values, options));
  }
  if (diagnostics.length > 0) throw new PipelineError(sortDiagnostics(diagnostics, [target.file]));
  return pipeline!;
}

function templateDiagnostics(pipeline: Pipeline, values: Record<string, unknown>, options: ValidatePipelineOptions): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // A stage renders once per builder: an error in what they share is reported once.
  const seen = new Set<string>();
  const collect = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (!(error instanceof PipelineError)) throw error;
      for (const found of error.diagnostics) {
        const key = JSON.stringify(found);
        if (!seen.has(key)) diagnostics.push(found);
        seen.add(key);
      }
    }
  };
  for (const stage of pipeline.stages) {
    // Rendered once for each builder, as a bake renders it (`builder.name` differs).
    for (const builder of stage.builders.length > 0 ? stage.builders : [undefined]) {
      const context = templateContext({
        pipeline,
        stage,
        builder,
        variables: values,
        baseArtifactId: 'validate-base-image',
        gitCommit: '0000000000000000000000000000000000000000',
        buildTime: new Date(),
        runId: 'validate',
        env: options.env,
        workspaceRoot: options.workspaceRoot,
        vault: placeholderVault,
      });
      collect(() => renderStage(pipeline, stage, context));
      for (const provisioner of stage.provisioners) {
        if (provisioner.type !== 'ansible' || !provisioner.vars_template || isTemplate(provisioner.vars_template)) continue;
        const file = resolve(options.workspaceRoot, pipeline.dir, provisioner.vars_template);
        if (existsSync(file)) collect(() => renderTemplateFile(file, context, { workspaceRoot: options.workspaceRoot }));
      }
    }
  }
  return diagnostics;
}
