// Jest globalSetup and globalTeardown for the reliability counters (see reliability-counts.ts, which
// writes the same file format). Plain CommonJS: the root jest config has no TypeScript transform.
const { randomUUID } = require('node:crypto');
const { existsSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const RUN_ID_VARIABLE = 'NX_BAKE_RELIABILITY_RUN';
const NAMES = [
  ['interruptsInjected', 'interrupts injected'],
  ['leaksFound', 'leaks found (must be 0)'],
  ['faultsInjected', 'faults injected'],
  ['badInputsTried', 'bad inputs tried'],
  ['secretHits', 'secret hits (must be 0)'],
];
const file = (runId) => join(tmpdir(), `bake-reliability-counts-${runId}.jsonl`);

async function setup() {
  process.env[RUN_ID_VARIABLE] = randomUUID();
}

async function teardown() {
  const path = file(process.env[RUN_ID_VARIABLE]);
  // No reliability test ran (e.g. unit tests only): nothing to sum up.
  if (!existsSync(path)) return;
  const totals = Object.fromEntries(NAMES.map(([name]) => [name, 0]));
  const offenders = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const record = JSON.parse(line);
    for (const [name] of NAMES) totals[name] += record[name] || 0;
    if (record.leaksFound || record.secretHits) offenders.push(`${record.test}: ${record.leaksFound || 0} leak(s), ${record.secretHits || 0} secret hit(s)`);
  }
  rmSync(path, { force: true });
  const width = Math.max(...NAMES.map(([, label]) => label.length));
  const lines = NAMES.map(([name, label]) => `  ${label.padEnd(width)}  ${totals[name]}`);
  process.stdout.write(`\nReliability summary\n${lines.join('\n')}\n`);
  if (offenders.length) {
    throw new Error(`the reliability suite found leaks or secrets:\n  ${offenders.join('\n  ')}`);
  }
}

module.exports = { setup, teardown };
