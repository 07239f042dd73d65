import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { diagnostic, type Diagnostic } from './diagnostics';
import { positionOf } from './positions';
import type { Pipeline } from './types';

/**
 * Each stage is an Nx project rooted in its own folder, and Nx only knows a project that owns a file:
 * a stage whose folder is missing or empty could not be run or hashed, so it is reported here.
 */
export function stageFolderDiagnostics(pipeline: Pipeline, workspaceRoot: string): Diagnostic[] {
  return pipeline.stages.flatMap((stage, index) =>
    holdsAFile(join(workspaceRoot, stage.root))
      ? []
      : [
          diagnostic(
            positionOf(pipeline, ['stages', index, 'name']),
            `stage '${stage.name}' has no files in its folder ${stage.root}/: create it (it is the stage's Nx project; its files are the stage's inputs — a .gitkeep will do)`,
          ),
        ],
  );
}

/** Two system calls for a folder of files (its stat and its listing): the graph of 900 stages asks this of each. */
function holdsAFile(path: string): boolean {
  if (!isDirectory(path)) return false;
  return readdirSync(path, { withFileTypes: true }).some((entry) => {
    const entryPath = join(path, entry.name);
    // A link is judged by what it points at, as statSync does.
    const folder = entry.isSymbolicLink() ? statSync(entryPath).isDirectory() : entry.isDirectory();
    return !folder || holdsAFile(entryPath);
  });
}

/** existsSync and statSync in one call: false for a path that cannot be read, as existsSync says. */
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
