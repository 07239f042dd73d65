import { PipelineError } from '../pipeline/diagnostics';

/** NX_BAKE_DEBUG=1 (any value but empty or 0) adds the stack of internal errors; input errors never get one. */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.NX_BAKE_DEBUG;
  return value !== undefined && value !== '' && value !== '0';
}

/** User errors print as their message (file:line:col lines for pipelines), never as a stack trace. */
export function describeError(error: unknown): string {
  if (error instanceof PipelineError) return error.message;
  if (error instanceof Error) return debugEnabled() ? (error.stack ?? error.message) : error.message;
  return String(error);
}
