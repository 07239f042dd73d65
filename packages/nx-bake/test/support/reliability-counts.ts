import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The reliability suite's counters. Tests append one JSON line per record to a file under the system temp
 * folder, named after the run id that jest's globalSetup (reliability-summary.cjs) puts in the environment;
 * globalTeardown adds them up, prints the summary, and fails the run when a leak or a secret hit was counted.
 * Record from any test:
 *
 *   recordCounts({ interruptsInjected: 1 });
 *   expect(recordLeaks(await leftovers())).toEqual([]);   // counts them, and the test still fails on them
 */
export const COUNT_NAMES = ['interruptsInjected', 'leaksFound', 'faultsInjected', 'badInputsTried', 'secretHits'] as const;
export type CountName = (typeof COUNT_NAMES)[number];
export type Counts = Record<CountName, number>;

/** Set by globalSetup; a run without it (a single file through another config) writes to an `adhoc` file. */
export const RUN_ID_VARIABLE = 'NX_BAKE_RELIABILITY_RUN';

export function countsFile(runId = process.env[RUN_ID_VARIABLE] ?? 'adhoc'): string {
  return join(tmpdir(), `bake-reliability-counts-${runId}.jsonl`);
}

export function recordCounts(counts: Partial<Counts>, test = currentTest()): void {
  for (const [name, value] of Object.entries(counts)) {
    if (!(COUNT_NAMES as readonly string[]).includes(name)) throw new Error(`unknown reliability count ${name}`);
    if (!Number.isInteger(value) || (value as number) < 0) throw new Error(`reliability count ${name} must be a whole number ≥ 0, got ${value}`);
  }
  appendFileSync(countsFile(), `${JSON.stringify({ test, ...counts })}\n`);
}

/** Counts what a leak check found (so the summary shows it) and hands it back for the test's own assertion. */
export function recordLeaks<T>(leaks: T[], test = currentTest()): T[] {
  recordCounts({ leaksFound: leaks.length }, test);
  return leaks;
}

/** Counts secret hits the same way. */
export function recordSecretHits<T>(hits: T[], test = currentTest()): T[] {
  recordCounts({ secretHits: hits.length }, test);
  return hits;
}

export function readCounts(file = countsFile()): Counts {
  const totals = Object.fromEntries(COUNT_NAMES.map((name) => [name, 0])) as Counts;
  if (!existsSync(file)) return totals;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const record = JSON.parse(line) as Partial<Counts>;
    for (const name of COUNT_NAMES) totals[name] += record[name] ?? 0;
  }
  return totals;
}

function currentTest(): string {
  try {
    return expect.getState().currentTestName ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
