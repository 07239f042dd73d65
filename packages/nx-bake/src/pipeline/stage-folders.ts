import { existsSync, readdirSync, statSync } from 'node:fs';
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

function holdsAFile(path: string): boolean {
  if (!existsSync(path)) return false;
  if (!statSync(path).isDirectory()) return false;
  return readdirSync(path).some((name) => !statSync(join(path, name)).isDirectory() || holdsAFile(join(path, name)));
}
