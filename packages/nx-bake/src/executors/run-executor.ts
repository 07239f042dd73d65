import { describeError } from '../progress/describe-error';

/**
 * Every executor's outcome in Nx's shape: `{ success }`, with a failure's message (never a stack, unless
 * NX_BAKE_DEBUG) on stderr. `work` returns false for a failure it has already reported itself.
 */
export async function runExecutor(work: () => Promise<boolean | void>): Promise<{ success: boolean }> {
  try {
    return { success: (await work()) !== false };
  } catch (error) {
    process.stderr.write(`${describeError(error)}\n`);
    return { success: false };
  }
}
