import { PipelineError } from '../pipeline/diagnostics';

/** User errors print as their message (file:line:col lines for pipelines), never as a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof PipelineError) return error.message;
  if (error instanceof Error) return process.env.NX_BAKE_DEBUG ? (error.stack ?? error.message) : error.message;
  return String(error);
}
