/**
 * Bad input never makes `nx-bake validate` crash, hang or talk nonsense: every entry of the broken-input
 * corpus (`test/fixtures/broken-corpus`, made by `make-broken-corpus.ts`) is run through the built CLI,
 * which must exit 1 with `file:line:col: message` lines only (at least one in the broken file, inside
 * its bounds), no stack trace, no `undefined` / `[object Object]`, no sensitive value, in under 1 s.
 *
 * Needs the build (`npm run test:reliability` builds first).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordCounts } from '../support/reliability-counts';
import { CANARY, cliArgs, corpusEntries, expectedFile, PIPELINE_KINDS, REPO_ROOT, VAR_KINDS, type CorpusEntry } from './corpus-format';

const CLI = join(REPO_ROOT, 'packages', 'nx-bake', 'dist', 'cli', 'main.js');
const CONCURRENCY = 2;
const TIME_LIMIT_MS = 1000;
/** Messages are cut to about 1000 characters (see `formatDiagnostic`). */
const MAX_MESSAGE_LENGTH = 1100;

interface Run {
  code: number | null;
  /** The wall time of a first run that went over the limit, when the entry was run again. */
  firstMs?: number;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The environment of every run: no BAKE_VAR_* (they would set variables), no debug output. */
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BAKE_VAR_') && name !== 'NX_BAKE_DEBUG'));

function runCli(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // A hang is a failure of its own, not a stuck test run.
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        ms: Number(process.hrtime.bigint() - start) / 1e6,
      });
    });
  });
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

const STACK_LINE = /^\s+at .+(\(.*:\d+:\d+\)|:\d+:\d+)\s*$/m;
/** `undefined` as a value (not the model's "undefined variable ..." / "an undefined value" wording). */
const UNDEFINED = /\bundefined\b(?! (variable|value)\b)/;
const DIAGNOSTIC = /^(.+?):(\d+):(\d+): (\S.*)$/;

const abbreviate = (text: string): string => (text.length > 1500 ? `${text.slice(0, 1200)}\n…(${text.length} chars)…\n${text.slice(-200)}` : text);

/** Everything wrong with one run of a corpus entry (empty: all good). */
function problemsOf(entry: CorpusEntry, run: Run): string[] {
  const problems: string[] = [];
  if (run.code !== 1) problems.push(`exit code ${run.code}${run.signal ? ` (signal ${run.signal})` : ''}, expected 1`);
  if (run.ms >= TIME_LIMIT_MS) problems.push(`took ${Math.round(run.firstMs ?? run.ms)} ms, then ${Math.round(run.ms)} ms alone (limit ${TIME_LIMIT_MS} ms)`);
  if (run.stdout !== '') problems.push(`printed to stdout: ${abbreviate(run.stdout)}`);
  const output = run.stdout + run.stderr;
  if (STACK_LINE.test(output)) problems.push('printed a stack trace');
  // In the messages, not the file names (`.../123-undefined-name/pipeline.yaml`).
  const messages = output.split('\n').map((line) => DIAGNOSTIC.exec(line)?.[4] ?? line);
  const undefinedValue = messages.find((message) => UNDEFINED.test(message));
  if (undefinedValue !== undefined) problems.push(`printed 'undefined': ${undefinedValue.slice(0, 300)}`);
  if (output.includes('[object Object]')) problems.push("printed '[object Object]'");
  // What the user wrote is quoted with its invisible characters escaped, and huge values abbreviated.
  const raw = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u.exec(output.replace(/\n/g, ''));
  if (raw) problems.push(`printed a raw control or invisible character U+${raw[0].codePointAt(0)!.toString(16).padStart(4, '0')}`);
  const long = messages.find((message) => message.length > MAX_MESSAGE_LENGTH);
  if (long !== undefined) problems.push(`printed a message of ${long.length} characters`);
  for (const canary of entry.case.canaries) if (output.includes(canary)) problems.push(`printed the sensitive value '${canary}'`);

  const lines = run.stderr.split('\n').filter((line) => line !== '');
  if (lines.length === 0) problems.push('printed nothing to stderr');
  const notDiagnostics = lines.filter((line) => !DIAGNOSTIC.test(line));
  if (notDiagnostics.length) problems.push(`stderr lines that are not file:line:col: message: ${abbreviate(notDiagnostics.slice(0, 3).join('\n'))}`);

  const file = expectedFile(entry);
  const inFile = lines.filter((line) => line.startsWith(file) && /^:\d+:\d+: \S/.test(line.slice(file.length)));
  if (inFile.length === 0) problems.push(`no problem reported as ${file}:line:col`);
  const bounds = positionBounds(entry, file);
  for (const line of inFile) {
    const [, lineText, colText] = /^:(\d+):(\d+): /.exec(line.slice(file.length))!;
    const [lineNo, col] = [Number(lineText), Number(colText)];
    if (!bounds(lineNo, col)) problems.push(`position ${lineNo}:${col} outside ${file}: ${abbreviate(line)}`);
  }
  return problems;
}

/** Whether line:col is in the file (1-based; the column may be one past the end of its line). */
function positionBounds(entry: CorpusEntry, file: string): (line: number, col: number) => boolean {
  if (file === '--var') return (line, col) => line === 1 && col >= 1 && col <= Math.max(1, entry.case.vars.length);
  const path = join(REPO_ROOT, file);
  if (!existsSync(path)) return (line, col) => line === 1 && col === 1; // "cannot read": the start of the file
  const lines = readFileSync(path, 'utf8').split('\n');
  return (line, col) => line >= 1 && line <= lines.length && col >= 1 && col <= lines[line - 1].length + 1;
}

const entries = corpusEntries();
const pipelineEntries = entries.filter((entry) => !entry.name.startsWith('vars/'));
const varEntries = entries.filter((entry) => entry.name.startsWith('vars/'));
const results = new Map<string, Run>();

describe('nx-bake validate on bad input', () => {
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
    await pool(entries, CONCURRENCY, async (entry) => {
      results.set(entry.name, await runCli(cliArgs(entry)));
    });
    // A run over the limit gets one more try, alone: a moment of load on the machine is not a slow CLI;
    // one that is slow every time fails.
    for (const entry of entries) {
      const first = results.get(entry.name)!;
      if (first.ms >= TIME_LIMIT_MS) results.set(entry.name, { ...(await runCli(cliArgs(entry))), firstMs: first.ms });
    }
  }, 30 * 60_000);

  afterAll(() => {
    const runs = [...results.entries()].sort((a, b) => b[1].ms - a[1].ms);
    const total = runs.reduce((sum, [, run]) => sum + run.ms, 0);
    const slowest = runs.length ? `; slowest ${runs.slice(0, 3).map(([name, run]) => `${name} ${Math.round(run.ms)} ms`).join(', ')}` : '';
    const retried = runs.filter(([, run]) => run.firstMs !== undefined).length;
    recordCounts({ badInputsTried: results.size });
    process.stdout.write(
      `bad inputs tried: ${results.size} (${pipelineEntries.length} broken pipelines, ${varEntries.length} bad --var/var files); ` +
        `mean ${Math.round(total / Math.max(1, runs.length))} ms${slowest}${retried ? `; ${retried} run again after going over ${TIME_LIMIT_MS} ms` : ''}\n`,
    );
  });

  it('has at least 200 broken pipelines, every kind well represented', () => {
    expect(pipelineEntries.length).toBeGreaterThanOrEqual(200);
    const count = (kind: string) => entries.filter((entry) => entry.case.kind === kind).length;
    for (const kind of PIPELINE_KINDS) expect([kind, count(kind) >= 10]).toEqual([kind, true]);
    for (const kind of VAR_KINDS) expect([kind, count(kind) >= 5]).toEqual([kind, true]);
    for (const entry of entries) expect(entry.name.endsWith(`-${entry.case.kind}`)).toBe(true);
    // The canary checks mean something: the var cases hand the CLI a sensitive value.
    expect(varEntries.filter((entry) => entry.case.canaries.includes(CANARY)).length).toBe(varEntries.length);
    expect(pipelineEntries.filter((entry) => entry.case.canaries.length > 0).length).toBeGreaterThan(50);
  });

  it.each(entries.map((entry) => [entry.name, entry] as const))('%s', (_, entry) => {
    const run = results.get(entry.name);
    expect(run).toBeDefined();
    const problems = problemsOf(entry, run!);
    if (problems.length) problems.push(`to reproduce: node packages/nx-bake/dist/cli/main.js ${cliArgs(entry).join(' ')}`, `mutation: ${entry.case.mutation}`, `stderr: ${abbreviate(run!.stderr)}`);
    expect(problems).toEqual([]);
  });
});

describe('nx-bake validate, the other outcomes', () => {
  it.each([
    ['pipelines/images/pipeline.yaml', 'images', 3],
    ['packages/nx-bake/test/fixtures/pipelines/valid/pipeline.yaml', 'valid', 2],
  ])('a valid pipeline (%s): one line on stdout, exit 0', async (file, name, stages) => {
    const run = await runCli(['validate', file]);
    expect({ code: run.code, stdout: run.stdout, stderr: run.stderr }).toEqual({
      code: 0,
      stdout: `${file}: pipeline ${name} is valid (${stages} stages)\n`,
      stderr: '',
    });
  });

  it.each([
    [[], 'missing the command'],
    [['validate'], 'missing the pipeline file'],
    [['bake', 'x.yaml'], "unknown command 'bake'"],
    [['validate', 'pipelines/images/pipeline.yaml', `token=${CANARY}`], 'expected one pipeline file'],
    [['validate', 'pipelines/images/pipeline.yaml', `--vra=token=${CANARY}`], "unknown option '--vra'"],
    [['validate', 'pipelines/images/pipeline.yaml', '--var'], '--var needs a value'],
    [['validate', 'pipelines/images/pipeline.yaml', '--workspace-root', 'no/such/folder'], 'no such folder'],
  ])('bad usage %j: exit 2 with the usage', async (args, message) => {
    const run = await runCli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('Usage: nx-bake validate <pipeline.yaml>');
    expect(run.stdout + run.stderr).not.toContain(CANARY);
  });

  it('reports paths relative to the current folder and var files as given, with --workspace-root', async () => {
    const entry = varEntries.find((candidate) => candidate.case.expectFile !== '--var' && existsSync(join(REPO_ROOT, candidate.dir, candidate.case.expectFile)));
    expect(entry).toBeDefined();
    const run = await runCli([...cliArgs(entry!), '--workspace-root', entry!.dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^${expectedFile(entry!).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `, 'm'));
  });
});
