/** The pipeline model: loading and checking pipeline files, variables, templates, redaction, the stage graph. */
export { formatDiagnostic, PipelineError, type Diagnostic } from './diagnostics';
export { childrenOf, findCycle, findCycles, parentOf, stageOrder, type StageRef } from './graph';
export { formatGoTime } from './isotime';
export { loadPipelineFile, loadPipelines, type LoadOptions } from './load';
export { positionOf } from './positions';
export { Redactor, redactorFor, REDACTED } from './redact';
export { PIPELINE_SCHEMA_PATH } from './schema';
export {
  cleanResourceName,
  renderStage,
  renderTemplateFile,
  renderValue,
  templateContext,
  templateSyntaxError,
  type TemplateContext,
  type TemplateContextOptions,
} from './template';
export type * from './types';
export { validatePipeline, type ValidatePipelineOptions } from './validate';
export { resolveVariables, type ResolvedVariables, type VariableSources } from './variables';
