// Where a bake's time goes, from nx-bake's own plain progress lines (CI mode): each line carries an ISO
// timestamp and its stage, and every builder step logs `<step> ...` and `<step> done in Xs`.
const LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) \[([^\]]+)\](?: WARN| \|)? (.*)$/;

/**
 * Per stage: its steps' durations (s) and its first and last line; between stages: the gaps (s), which
 * hold what happens outside the builder steps (Nx scheduling and hashing, the executor process starting,
 * loading the plugin, preparing and fingerprinting the stage, the manifest). `startedAt`/`endedAt`: the
 * command's own spawn and exit (ms since the epoch).
 */
export function profileBake(output, startedAt, endedAt) {
  const stages = new Map();
  for (const raw of output.split('\n')) {
    const match = LINE.exec(raw.replace(/\r$/, ''));
    if (!match) continue;
    const [, iso, source, text] = match;
    const time = Date.parse(iso);
    let stage = stages.get(source);
    if (!stage) {
      stage = { first: time, last: time, steps: {}, open: {} };
      stages.set(source, stage);
    }
    stage.last = time;
    const start = /^([a-z][a-z-]*) \.\.\.$/.exec(text);
    if (start) stage.open[start[1]] = time;
    const end = /^([a-z][a-z-]*) (?:done in|failed after) /.exec(text);
    if (end && stage.open[end[1]] !== undefined) {
      stage.steps[end[1]] = Math.round(time - stage.open[end[1]]) / 1000;
      delete stage.open[end[1]];
    }
  }
  const ordered = [...stages.entries()].sort((a, b) => a[1].first - b[1].first);
  const result = { stages: {}, gaps: [] };
  let previousEnd = startedAt;
  let previousName = 'start';
  for (const [name, stage] of ordered) {
    result.stages[name] = { seconds: Math.round(stage.last - stage.first) / 1000, steps: stage.steps };
    if (previousEnd !== undefined) result.gaps.push({ between: `${previousName} → ${name}`, seconds: Math.round(stage.first - previousEnd) / 1000 });
    previousEnd = stage.last;
    previousName = name;
  }
  if (endedAt !== undefined && previousEnd !== undefined) result.gaps.push({ between: `${previousName} → exit`, seconds: Math.round(endedAt - previousEnd) / 1000 });
  return result;
}

/**
 * Each stage's outcome: from the `nx-bake summary` block when it is there, else from the stage's own
 * `nx-bake: <pipeline>/<stage> <outcome>` line or Nx's `> nx run <pipeline>-<stage>:bake  [local cache]`.
 * (Nx 24 sometimes skips plugins' postTasksExecution after a cached run, and with the daemon runs it in the
 * daemon: then there is no summary.) `summary` says whether the block was printed.
 */
export function parseOutcomes(output, stages) {
  const clean = output.replace(/\x1b\[[0-9;]*m/g, '');
  const outcomes = {};
  for (const stage of stages) {
    const project = stage.replace('/', '-');
    // A task Nx restored replays its old output, own outcome line included: the cache marker wins.
    const own = new RegExp(`^nx-bake: ${stage} (built|adopted|cached)\\b`, 'm').exec(clean);
    if (own) outcomes[stage] = own[1];
    if (new RegExp(`^> nx run ${project}:bake .*\\[(local cache|remote cache|existing outputs match the cache[^\\]]*)\\]`, 'm').test(clean)) outcomes[stage] = 'nx-cache';
  }
  const summary = parseSummary(clean);
  return { outcomes: { ...outcomes, ...summary }, summary: Object.keys(summary).length > 0 };
}

/** `  images/os-base: built (...)` lines of the `nx-bake summary` block. */
export function parseSummary(output) {
  const start = output.lastIndexOf('\nnx-bake summary\n');
  if (start < 0) return {};
  const outcomes = {};
  for (const line of output.slice(start).split('\n').slice(2)) {
    const match = /^ {2}(\S+): (built|adopted|cached|failed)(?: \((.*)\))?$/.exec(line);
    if (!match) break;
    outcomes[match[1]] = match[3]?.startsWith('Nx ') ? 'nx-cache' : match[2];
  }
  return outcomes;
}
