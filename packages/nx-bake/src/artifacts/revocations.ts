import { join } from 'node:path';
import { readYamlFile, writeYamlFile } from '../util/yaml-file';

export interface Revocation {
  artifact: string;
  pipeline?: string;
  stage?: string;
  reason?: string;
  revoked_at: string;
  /** Set when the artifact was revoked because an ancestor was (`--descendants`). */
  descendant_of?: string;
}

interface RevocationsFile {
  revoked: Revocation[];
}

export const REVOCATIONS_FILE = 'revocations.yaml';

const HEADER = `Artifacts nobody may build on or promote, written by \`nx run <pipeline>:revoke\`.
Committed with the pipeline: review revocations in pull requests, their history is git's.`;

export function revocationsPath(workspaceRoot: string, pipelineDir: string): string {
  return join(workspaceRoot, pipelineDir, REVOCATIONS_FILE);
}

/** Revoked artifacts of one or more pipelines, by artifact ID. */
export class Revocations {
  private readonly byArtifact = new Map<string, Revocation>();

  static load(workspaceRoot: string, pipelineDirs: string[]): Revocations {
    const revocations = new Revocations();
    for (const dir of new Set(pipelineDirs)) {
      for (const entry of readYamlFile<RevocationsFile>(revocationsPath(workspaceRoot, dir), { revoked: [] }).revoked ?? []) {
        revocations.byArtifact.set(entry.artifact, entry);
      }
    }
    return revocations;
  }

  get(artifact: string): Revocation | undefined {
    return this.byArtifact.get(artifact);
  }

  /** The first of the IDs that is revoked, if any. */
  find(artifacts: Iterable<string>): Revocation | undefined {
    for (const id of artifacts) {
      const found = this.byArtifact.get(id);
      if (found) return found;
    }
    return undefined;
  }
}

export function describeRevocation(revocation: Revocation): string {
  const why = revocation.reason ? `: ${revocation.reason}` : revocation.descendant_of ? `: built on revoked ${revocation.descendant_of}` : '';
  return `${revocation.artifact} was revoked on ${revocation.revoked_at}${why}`;
}

/** Adds revocations to a pipeline's file; returns those that were not already there. */
export function recordRevocations(workspaceRoot: string, pipelineDir: string, entries: Revocation[]): Revocation[] {
  const path = revocationsPath(workspaceRoot, pipelineDir);
  const file = readYamlFile<RevocationsFile>(path, { revoked: [] });
  file.revoked ??= [];
  const known = new Set(file.revoked.map((entry) => entry.artifact));
  const added = entries.filter((entry) => !known.has(entry.artifact));
  if (added.length) writeYamlFile(path, HEADER, { revoked: [...file.revoked, ...added] });
  return added;
}
