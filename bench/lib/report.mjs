// Turns the measurements into the cases of bench/results/latest.json and the table on stdout.
import { median, round, summarize } from './util.mjs';

/** Every case: what it measures, what it compares with, its target. */
const DEFINITIONS = [
  {
    id: '1',
    title: 'cold bake, three-stage example',
    description:
      'nx run images:bake in a fresh temp workspace (no Nx cache, no image of these fingerprints) vs Packer building the same three docker templates (commit: true, same changes, same playbooks and files, ansible provisioner through its SSH proxy adapter) chained by hand through its manifest post-processor, site build included on both sides',
    target: { kind: 'ratio', max: 0.5 },
    ours: ['example', 'cold', 'nx run images:bake (cold)'],
    reference: ['example', 'packer', 'packer build × 3, chained'],
  },
  {
    id: '2a',
    title: 're-bake, nothing changed',
    description: 'nx run images:bake again in the same workspace (every stage an Nx cache hit) vs Packer\'s same chained run (Packer has no cache: it rebuilds all three)',
    target: { kind: 'ratio', max: 0.05 },
    ours: ['example', 'rebake', 'nx run images:bake (no change)'],
    reference: ['example', 'packer', 'packer build × 3, chained'],
  },
  {
    id: '2b',
    title: 're-bake overhead vs a trivial cached target',
    description: 'nx run images:bake with nothing changed vs nx run site:build (a trivial cached target) in the same workspace: the difference of medians, in seconds',
    target: { kind: 'difference_s', max: 0.5 },
    ours: ['example', 'rebake', 'nx run images:bake (no change)'],
    reference: ['example', 'trivial', 'nx run site:build (cached)'],
  },
  {
    id: '2c',
    title: 're-bake with the Nx daemon (info)',
    description: 'as 2a, with NX_DAEMON=true (the daemon started and given the graph before, untimed), as on a developer machine; no target',
    target: null,
    ours: ['example', 'rebakeDaemon', 'nx run images:bake (daemon)'],
    reference: ['example', 'packer', 'packer build × 3, chained'],
  },
  {
    id: '3',
    title: 'app-only change',
    description: 'edit apps/site/src/index.html, commit, nx affected -t bake --base=HEAD~1 --head=HEAD (site build + the app stage; its bases are Nx cache hits) vs Packer\'s full chain',
    target: { kind: 'ratio', max: 0.4 },
    ours: ['example', 'appChange', 'nx affected -t bake'],
    reference: ['example', 'packer', 'packer build × 3, chained'],
  },
  {
    id: '4a',
    title: 'SSH: 2,000-file ~50 MB tree vs Packer file',
    description: 'upload of a 2,000-file ~50 MB tree to a local OpenSSH sshd, connection set-up included: the SSH communicator\'s uploadDirectory (own process) vs Packer\'s file provisioner (null builder, same sshd)',
    target: { kind: 'ratio', max: 0.6 },
    ours: ['ssh', 'tree ours', 'uploadDirectory'],
    reference: ['ssh', 'tree packer', 'packer file provisioner'],
  },
  {
    id: '4b',
    title: 'SSH: 2,000-file ~50 MB tree vs tar | ssh',
    description: 'the same upload vs tar -c | ssh host tar -x with OpenSSH',
    target: { kind: 'ratio', max: 1.1 },
    ours: ['ssh', 'tree ours', 'uploadDirectory'],
    reference: ['ssh', 'tree tar|ssh', 'tar -c | ssh tar -x'],
  },
  {
    id: '5',
    title: 'SSH: one 500 MB file vs scp',
    description: 'one 500 MB file to a local OpenSSH sshd: the SSH communicator\'s upload (SFTP) vs scp (OpenSSH 9 scp also speaks SFTP)',
    target: { kind: 'ratio', max: 1.1 },
    ours: ['ssh', 'file ours', 'upload'],
    reference: ['ssh', 'file scp', 'scp'],
  },
  {
    id: '6',
    title: 'SSH: app-base playbook vs Packer ansible',
    description:
      'the app-base playbook against a fresh container of the base image running OpenSSH sshd on 127.0.0.1 (host network): nx-bake\'s ansible provisioner itself (runProvisioner with the SSH communicator, so its strategy — Mitogen when usable — applies) vs Packer\'s ansible provisioner (null builder, same kind of sshd, use_sftp, ssh-rsa re-enabled for its proxy adapter)',
    target: { kind: 'ratio', max: 0.6 },
    ours: ['ssh', 'ansible ours', 'ansible provisioner over SSH'],
    reference: ['ssh', 'ansible packer', 'packer ansible provisioner'],
  },
  {
    id: '7',
    title: 'graph creation: 300 pipelines × 3 stages',
    description:
      'nx show projects (NX_DAEMON=false, NX_CACHE_PROJECT_GRAPH=false, .nx/workspace-data deleted before each run) in a workspace of 300 pipelines × 3 stages (1,200 projects) vs the same shape as 900 plain project.json projects',
    target: { kind: 'ratio', max: 1.5 },
    ours: ['graph', 'cold.ours', '300 pipelines (1,200 projects)'],
    reference: ['graph', 'cold.reference', '900 project.json'],
  },
  {
    id: '7b',
    title: 'graph creation, nx-bake cache warm (info)',
    description: 'as 7, but .nx/workspace-data kept between runs: nx-bake\'s own inference cache is warm (it does not follow NX_CACHE_PROJECT_GRAPH=false); no target',
    target: null,
    ours: ['graph', 'warmPluginCache.ours', '300 pipelines, plugin cache warm'],
    reference: ['graph', 'warmPluginCache.reference', '900 project.json'],
  },
  {
    id: '8',
    title: 'two independent chains together',
    description:
      'nx run-many -t bake -p images tools (the three-stage example and a two-stage chain, cold, fresh workspace) vs the longer chain alone (case 1\'s cold nx run images:bake, in a workspace with the same two pipelines)',
    target: { kind: 'ratio', max: 1.2 },
    ours: ['example', 'both', 'run-many, both chains'],
    reference: ['example', 'cold', 'images chain alone'],
  },
  {
    id: '9',
    title: 'peak RSS of one stage bake process',
    description:
      'peak RSS (VmHWM, sampled every 100 ms from /proc) of the Nx task process (run-executor.js) of each stage during case 1\'s cold bake; per run the largest stage; ansible-playbook and Docker are other processes',
    target: { kind: 'value_mb', max: 200 },
  },
  {
    id: '10',
    title: 'CI fleet: runner B after an app-only change',
    description:
      "runner B (a fresh clone, an empty second engine, Nx's remote cache and the registry shared with runner A) runs nx affected -t bake after an app-only commit: os-base and app-base restored by Nx, app-base pulled by its recorded digest, app built and pushed; vs docker pull of app-base by that digest on B's emptied engine plus runner A's own nx affected -t bake after another app-only commit (app-base at hand)",
    target: { kind: 'ratio', max: 1.3 },
    ours: ['fleet', 'ours', 'nx affected -t bake on B'],
    reference: ['fleet', 'reference', 'docker pull app-base + affected bake on A'],
  },
  {
    id: '11',
    title: 'docker: 40-task playbook vs Packer ansible',
    description:
      'a one-stage pipeline on the docker builder whose only provisioner is a playbook of 40 small tasks (file, copy, lineinfile, command × 10; no facts, no network), cold nx run tasks:bake in a fresh temp workspace vs Packer\'s docker builder (commit: true) with its ansible provisioner and the same playbook (SSH proxy adapter, use_sftp, ssh-rsa re-enabled); each side\'s image is checked for every file',
    target: { kind: 'ratio', max: 0.2 },
    ours: ['tasks', 'ours', 'nx run tasks:bake (cold)'],
    reference: ['tasks', 'packer', 'packer build, docker + ansible'],
  },
  {
    id: '12',
    title: 'clouds: 3-stage AMI chain vs DigitalOcean (info)',
    description:
      'a three-stage chain of small shell stages, cold nx run chain:bake --only=aws against the fake EC2 vs --only=cloud against the fake DigitalOcean (both with 200 ms state delays and 200 ms polling); no target',
    target: null,
    ours: ['clouds', 'aws', 'amazon-ebs, fake EC2'],
    reference: ['clouds', 'cloud', 'digitalocean, fake DigitalOcean'],
  },
];

const GROUP_CASE = { '2a': '2', '2b': '2', '2c': '2', '4a': '4', '4b': '4', '7b': '7' };

function pick(measured, group, path) {
  const source = { example: measured.example, ssh: measured.ssh?.sides, fleet: measured.fleet, tasks: measured.tasks, clouds: measured.clouds }[group] ?? (group === 'graph' ? measured.graph : undefined);
  if (!source) return undefined;
  if (group === 'example' || group === 'fleet' || group === 'tasks' || group === 'clouds') return { runs: source.measured[path], warmup: source.warm[path] };
  if (group === 'ssh') return { runs: source[path], warmup: [], censoredAt: measured.ssh.censored?.[path] };
  const [kind, side] = path.split('.');
  return { runs: source[kind]?.[side], warmup: [] };
}

const side = (label, values) => ({
  label,
  runs_s: (values.runs ?? []).map((value) => round(value)),
  warmup_s: (values.warmup ?? []).map((value) => round(value)),
  ...renameStats(summarize(values.runs ?? [])),
  ...(values.censoredAt ? { stopped_at_cap_s: values.censoredAt } : {}),
});
const renameStats = ({ median: m, min, max }) => ({ median_s: m, min_s: min, max_s: max });

export function buildCases(measured, { selected, skipped }) {
  const cases = [];
  for (const definition of DEFINITIONS) {
    const caseId = GROUP_CASE[definition.id] ?? definition.id;
    if (!selected.has(caseId)) continue;
    const base = { id: definition.id, title: definition.title, description: definition.description, target: definition.target };
    if (skipped[caseId]) {
      cases.push({ ...base, status: 'not run', reason: skipped[caseId], met: null });
      continue;
    }
    if (definition.id === '9') {
      const perRun = (measured.example?.measured.rss ?? []).map((sample) => {
        const stages = Object.entries(sample.tasks).filter(([task]) => task.endsWith(':bake'));
        return stages.length ? Math.max(...stages.map(([, mb]) => mb)) : null;
      }).filter((value) => value !== null);
      if (!perRun.length) {
        cases.push({ ...base, status: 'not run', reason: 'no task process was sampled', met: null });
        continue;
      }
      const value = median(perRun);
      cases.push({
        ...base,
        status: 'ok',
        ours: { label: 'largest stage task process, MB', runs_mb: perRun, median_mb: value, min_mb: Math.min(...perRun), max_mb: Math.max(...perRun) },
        per_run: measured.example.measured.rss,
        value_mb: value,
        met: value <= definition.target.max,
      });
      continue;
    }
    const ours = pick(measured, ...definition.ours.slice(0, 2));
    const reference = pick(measured, ...definition.reference.slice(0, 2));
    if (!ours?.runs?.length || !reference?.runs?.length) {
      cases.push({ ...base, status: 'not run', reason: 'no successful measurement (see problems)', met: null });
      continue;
    }
    const entry = { ...base, status: 'ok', ours: side(definition.ours[2], ours), reference: side(definition.reference[2], reference) };
    const oursMedian = median(ours.runs);
    const referenceMedian = median(reference.runs);
    entry.ratio = round(oursMedian / referenceMedian);
    // A side stopped at its cap took at least that long: the ratio is then a bound, not a value.
    if (ours.censoredAt && !reference.censoredAt) entry.ratio_is_lower_bound = true;
    if (reference.censoredAt && !ours.censoredAt) entry.ratio_is_upper_bound = true;
    const floor = floorOf(definition.id, measured, referenceMedian);
    if (floor) Object.assign(entry, floor);
    if (definition.target?.kind === 'difference_s') {
      entry.difference_s = round(oursMedian - referenceMedian);
      entry.met = entry.difference_s <= definition.target.max;
    } else if (definition.target?.kind === 'ratio') {
      entry.met = entry.ratio <= definition.target.max;
    } else entry.met = null;
    cases.push(entry);
  }
  return cases;
}

/**
 * Each case's floor: the same work done by the plain tools with the best settings, measured in the same run,
 * over the reference — the best ratio any implementation could reach here doing the work the same way, so a
 * miss can be read. 1: the three stages by hand (docker run, ansible-playbook with Mitogen and
 * ansible_connection=docker, docker cp / docker exec, docker commit, docker rm; the site build too);
 * 2a: Nx's own cached no-op; 4a: OpenSSH's own tar | ssh; 4b and 5: the reference is the plain tool itself
 * (floor 1 by definition); 6: ansible-playbook with Mitogen over ssh, same kind of sshd; 11: case 1's way by
 * hand for the one stage. `floor_s` is the floor's own median.
 */
function floorOf(id, measured, referenceMedian) {
  const over = (values, basis, extra = {}) =>
    values?.length ? { floor_ratio: round(median(values) / referenceMedian), floor_s: round(median(values)), floor_basis: basis, ...extra } : undefined;
  if (id === '1') {
    // Information next to it: ours with nothing but its provisioners' run time.
    const provision = (measured.example?.measured.profiles ?? []).map((profile) =>
      Object.values(profile.stages ?? {}).reduce((sum, stage) => sum + (stage.steps?.provision ?? 0), 0),
    );
    const extra = provision.length ? { provision_steps_ratio: round(median(provision) / referenceMedian), provision_steps_basis: "median of ours' provision steps summed over the three stages / Packer median" } : {};
    return over(
      measured.example?.measured.floor,
      'the site build and the three stages by hand (docker run --network=host, ansible-playbook with Mitogen and ansible_connection=docker and the same vars, docker cp / docker exec for the app stage, docker commit with the same changes, docker rm) / Packer median',
      extra,
    ) ?? (provision.length ? extra : undefined);
  }
  if (id === '2a') return over(measured.example?.measured.trivial, 'nx run site:build, a cached no-op of the same workspace (Nx start-up, graph, hashing) / Packer median');
  if (id === '4a') return over(measured.ssh?.sides?.['tree tar|ssh'], 'tar -c | ssh tar -x median / Packer median');
  if (id === '4b' || id === '5') return { floor_ratio: 1, floor_is_reference: true, floor_basis: 'the reference is the plain tool itself (OpenSSH): floor 1 by definition' };
  if (id === '6') {
    const tasks = (measured.ssh?.ansibleTasks?.ours ?? []).map((run) => run.tasks_s);
    const extra = tasks.length ? { tasks_only_ratio: round(median(tasks) / referenceMedian), tasks_only_basis: "median seconds inside ours' playbook tasks (first TASK to PLAY RECAP) / Packer median" } : {};
    return over(measured.ssh?.sides?.['ansible plain'], 'ansible-playbook with Mitogen over ssh (pipelining, same vars, same kind of sshd container) / Packer median', extra) ?? (tasks.length ? extra : undefined);
  }
  if (id === '11') return over(measured.tasks?.measured.floor, 'docker run --network=host, ansible-playbook with Mitogen and ansible_connection=docker, docker commit, docker rm / Packer median');
  return undefined;
}

const fmt = (value, unit = 's') => (value === null || value === undefined ? '–' : `${value < 10 ? value.toFixed(2) : value.toFixed(1)}${unit}`);
const range = (s, unit = 's') => `${fmt(s.median_s ?? s.median_mb, unit)} (${fmt(s.min_s ?? s.min_mb, unit)}–${fmt(s.max_s ?? s.max_mb, unit)})`;

export function printTable(result) {
  const rows = [['case', 'what', 'ours: median (min–max)', 'reference: median (min–max)', 'ours/ref', 'target', 'met', 'floor']];
  for (const entry of result.cases) {
    const target = !entry.target
      ? 'info'
      : entry.target.kind === 'ratio'
        ? `≤ ${entry.target.max}`
        : entry.target.kind === 'difference_s'
          ? `≤ +${entry.target.max}s`
          : `≤ ${entry.target.max} MB`;
    if (entry.status !== 'ok') {
      rows.push([entry.id, entry.title, entry.reason, '', '', target, '–']);
      continue;
    }
    if (entry.id === '9') {
      rows.push([entry.id, entry.title, range(entry.ours, ' MB'), '', '', target, entry.met ? 'yes' : 'NO']);
      continue;
    }
    const bound = entry.ratio_is_lower_bound ? '≥ ' : entry.ratio_is_upper_bound ? '≤ ' : '';
    const ratio = entry.difference_s !== undefined ? `${entry.difference_s >= 0 ? '+' : ''}${entry.difference_s.toFixed(2)}s` : `${bound}${entry.ratio.toFixed(3)}`;
    const stopped = (s) => (s.stopped_at_cap_s ? ` [stopped at ${s.stopped_at_cap_s}s cap]` : '');
    rows.push([
      entry.id,
      entry.title,
      `${range(entry.ours)} ${entry.ours.label}${stopped(entry.ours)}`,
      `${range(entry.reference)} ${entry.reference.label}${stopped(entry.reference)}`,
      ratio,
      target,
      entry.met === null ? '–' : entry.met ? 'yes' : 'NO',
      entry.floor_is_reference ? '1 (ref = plain tool)' : entry.floor_ratio === undefined ? '' : `${entry.floor_ratio.toFixed(3)} (${fmt(entry.floor_s)})`,
    ]);
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => String(row[column]).length)));
  const line = (row) => row.map((cell, column) => String(cell).padEnd(widths[column])).join(' | ').trimEnd();
  process.stdout.write(`\nnx-bake bench ${result.bench_id} — ${result.settings.runs} measured run(s) after ${result.settings.warmup} warm-up, ${result.environment.cpus} CPUs, ${result.environment.packer}, load average ${result.environment.load_average_at_start} at start, ${result.environment.load_average_at_end} at end\n\n`);
  process.stdout.write(`${line(rows[0])}\n${widths.map((width) => '-'.repeat(width)).join('-|-')}\n`);
  for (const row of rows.slice(1)) process.stdout.write(`${line(row)}\n`);
  if (result.cases.some((entry) => entry.floor_ratio !== undefined)) {
    process.stdout.write(
      `\nfloor: the same work by the plain tools at their best settings, over the reference (its own median in brackets) — 1: site build + the three stages by hand (docker run, ansible-playbook with Mitogen, docker cp/exec, docker commit); 2a: a cached no-op nx run; 4a: tar -c | ssh tar -x; 4b, 5: the reference is the plain tool, floor 1; 6: ansible-playbook with Mitogen over ssh; 11: docker run, ansible-playbook with Mitogen, docker commit.\n`,
    );
  }
}
