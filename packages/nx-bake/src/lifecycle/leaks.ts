import { rmSync } from 'node:fs';
import type { BuildResource } from '../builders/builder';
import { removeStaleStageLocks } from '../engine/stage-lock';
import { forgetRun, isRunAlive, readRunRecords, type RunRecord } from '../engine/run-journal';
import type { Pipeline } from '../pipeline/types';
import type { ConfiguredBuilder } from '../engine/stage-builders';
import { configuredBuilders, type LifecycleInputs } from './configured-builders';

export interface SweepOptions extends LifecycleInputs {
  pipeline: Pipeline;
  /** A resource of an unknown run (another machine, a cleared journal) is leaked only once this old. */
  olderThanMs: number;
  dryRun?: boolean;
  now?: Date;
  say(line: string): void;
}

export interface LeakedResource extends BuildResource {
  builderName: string;
  /** Known for what a run journal recorded: the builder may since have been renamed. */
  builderType?: string;
  why: string;
}

export interface SweepReport {
  found: LeakedResource[];
  removed: LeakedResource[];
  failed: { resource: LeakedResource; error: string }[];
}

/**
 * Finds what killed bakes left behind and removes it. A run whose journal is on this machine and whose
 * process is gone is dead for sure: everything it recorded (containers, droplets, SSH keys, temp dirs) and
 * everything carrying its run label goes. Resources of this pipeline's runs nobody here knows go once
 * `olderThan` old; those of a running bake, and other pipelines' builds, are never touched.
 */
export async function sweepLeaks(options: SweepOptions): Promise<SweepReport> {
  const { say } = options;
  const now = (options.now ?? new Date()).getTime();
  const records = readRunRecords(options.workspaceRoot);
  const liveness = new Map(records.map((record) => [record.runId, isRunAlive(record)]));
  const builders = configuredBuilders(options.pipeline, options);
  const found = new Map<string, LeakedResource>();
  // Two builders on one account list the same droplets: one entry per resource.
  const add = (resource: LeakedResource) => found.set(`${resource.kind}:${resource.id}`, found.get(`${resource.kind}:${resource.id}`) ?? resource);

  const deadRuns = records.filter((record) => liveness.get(record.runId) === false && record.pipeline === options.pipeline.name);
  for (const record of deadRuns) {
    for (const resource of record.resources) add({ ...resource, runId: record.runId, why: `its run ${record.runId} (pid ${record.pid}) was killed` });
  }
  for (const { name, builder, config } of builders) {
    for (const resource of await builder.listBuildResources(config)) {
      const alive = resource.runId ? liveness.get(resource.runId) : undefined;
      if (alive === true) continue;
      // Another pipeline's build (on a shared engine or account) is that pipeline's sweep to judge.
      if (resource.pipeline && resource.pipeline !== options.pipeline.name) continue;
      if (alive === false) add({ ...resource, builderName: name, why: `its run ${resource.runId} was killed` });
      else if (resource.createdAt && now - resource.createdAt.getTime() >= options.olderThanMs) {
        add({ ...resource, builderName: name, why: `no running bake here knows its run ${resource.runId ?? '(none)'}, created ${resource.createdAt.toISOString()}` });
      }
    }
  }

  const report: SweepReport = { found: [...found.values()], removed: [], failed: [] };
  say(`gc --leaked ${options.pipeline.name}: ${report.found.length} leaked resource${report.found.length === 1 ? '' : 's'}${options.dryRun ? ' (dry run)' : ''}`);
  for (const resource of report.found) {
    say(`  ${resource.builderName} ${resource.kind} ${resource.id}: ${options.dryRun ? 'would remove' : 'removing'} (${resource.why})`);
    if (options.dryRun) continue;
    try {
      await removeResource(resource, builders);
      report.removed.push(resource);
    } catch (error) {
      report.failed.push({ resource, error: (error as Error).message });
      say(`  could not remove ${resource.kind} ${resource.id}: ${(error as Error).message}`);
    }
  }
  if (!options.dryRun) {
    forgetFinishedRuns(options.workspaceRoot, deadRuns, report);
    for (const lock of removeStaleStageLocks(options.workspaceRoot)) say(`  removed the stale stage lock ${lock}`);
  }
  return report;
}

async function removeResource(resource: LeakedResource, builders: ConfiguredBuilder[]): Promise<void> {
  if (resource.kind === 'temp-dir') {
    rmSync(resource.id, { recursive: true, force: true });
    return;
  }
  const owner = builders.find((entry) => entry.name === resource.builderName) ?? builders.find((entry) => entry.builder.type === resource.builderType);
  if (!owner) throw new Error(`no builder named ${resource.builderName} is configured here (try --only ${resource.builderName})`);
  await owner.builder.deleteBuildResource(resource, owner.config);
}

/** A dead run's journal goes once everything it recorded is gone. */
function forgetFinishedRuns(workspaceRoot: string, deadRuns: RunRecord[], report: SweepReport): void {
  const failed = new Set(report.failed.map((entry) => entry.resource.runId));
  for (const record of deadRuns) if (!failed.has(record.runId)) forgetRun(workspaceRoot, record.runId);
}
