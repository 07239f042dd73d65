import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { BuildResource, ResourceJournal } from '../builders/builder';
import { writeFileAtomic } from '../util/atomic-write';
import { isProcessAlive } from '../util/process-alive';

/** A resource in a run's journal, with the builder that made it (to find the credentials to remove it). */
export interface JournalEntry extends BuildResource {
  builderName: string;
  builderType: string;
}

/** What a running bake has created and not yet removed. A killed bake leaves its journal behind. */
export interface RunRecord {
  runId: string;
  pid: number;
  hostname: string;
  startedAt: string;
  pipeline: string;
  stage: string;
  resources: JournalEntry[];
}

/** In the workspace (a sweep needs its pipelines' credentials anyway), where `nx reset` does not clear it. */
export function journalDir(workspaceRoot: string): string {
  return join(workspaceRoot, '.nx', 'nx-bake', 'runs');
}

/**
 * The journal of one bake, rewritten (atomically) on every change, so that a SIGKILL at any moment leaves a
 * record of exactly what is out there. Deleted when the bake ends, whatever the outcome: then its
 * cleanups have run (unless something it published could not be undone).
 */
export class RunJournal {
  private readonly record: RunRecord;
  private readonly path: string;

  constructor(workspaceRoot: string, runId: string, pipeline: string, stage: string) {
    this.record = { runId, pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString(), pipeline, stage, resources: [] };
    this.path = join(journalDir(workspaceRoot), `${runId}.json`);
    this.save();
  }

  forBuilder(builderName: string, builderType: string): ResourceJournal {
    return {
      created: (resource) => {
        this.record.resources.push({ ...resource, builderName, builderType });
        this.save();
      },
      removed: (resource) => {
        this.record.resources = this.record.resources.filter((entry) => !(entry.kind === resource.kind && entry.id === resource.id && entry.builderName === builderName));
        this.save();
      },
    };
  }

  /** What the builds published that no manifest records yet (pushed registry tags). */
  published(): JournalEntry[] {
    return this.record.resources.filter((entry) => entry.published);
  }

  /** The manifest is about to record what was published: from now on it is the artifact, not a leftover. */
  forgetPublished(): void {
    this.record.resources = this.record.resources.filter((entry) => !entry.published);
    this.save();
  }

  /** The bake ended; its cleanups have run. A published resource that could not be undone keeps the journal, for `gc --leaked`. */
  close(): void {
    if (this.published().length) return;
    rmSync(this.path, { force: true });
  }

  private save(): void {
    writeFileAtomic(this.path, JSON.stringify(this.record));
  }
}

export function readRunRecords(workspaceRoot: string): RunRecord[] {
  const dir = journalDir(workspaceRoot);
  if (!existsSync(dir)) return [];
  const records: RunRecord[] = [];
  for (const name of readdirSync(dir).filter((entry) => entry.endsWith('.json'))) {
    try {
      records.push(JSON.parse(readFileSync(join(dir, name), 'utf8')) as RunRecord);
    } catch {
      // A journal is replaced by rename, never half-written; an unreadable one is not ours to guess at.
    }
  }
  return records;
}

export function forgetRun(workspaceRoot: string, runId: string): void {
  rmSync(join(journalDir(workspaceRoot), `${runId}.json`), { force: true });
}

/** Whether the bake that wrote the record is still running; undefined when it ran on another machine. */
export function isRunAlive(record: RunRecord): boolean | undefined {
  return isProcessAlive({ host: record.hostname, pid: record.pid });
}
