import { sleep } from '../util/sleep';

/**
 * Fault injection for the reliability suite, and nothing else: with NX_BAKE_TEST_PAUSE_BEFORE=<point> (a step
 * name such as `commit-image`, or `manifest`), the bake logs `paused before <point>` and waits there (at most
 * ten minutes) until it is interrupted. Some points of a bake (committing an image, writing the manifest)
 * last milliseconds, too short for a test to deliver SIGINT/SIGTERM inside them; this holds them open so
 * "interrupted at every step" is tested at every step, not just at the slow ones. This is the only place
 * the variable is read. Unset (always, outside the tests) it costs one comparison.
 */
export const TEST_PAUSE_VARIABLE = 'NX_BAKE_TEST_PAUSE_BEFORE';

export async function pauseForTests(point: string, signal: AbortSignal, say: (message: string) => void): Promise<void> {
  if (!process.env[TEST_PAUSE_VARIABLE] || process.env[TEST_PAUSE_VARIABLE] !== point) return;
  say(`paused before ${point} (${TEST_PAUSE_VARIABLE})`);
  await sleep(600_000, signal);
}
