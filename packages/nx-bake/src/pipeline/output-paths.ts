import { join } from 'node:path';

/** Where bakes leave what they made, relative to the workspace root: a folder per stage, `<pipeline>/<stage>`. */
export const IMAGES_DIR = 'dist/images';

/** A stage's output folder, relative to the workspace root: its bake target's Nx output, holding its manifest. */
export function stageOutputDir(pipeline: string, stage: string): string {
  return `${IMAGES_DIR}/${pipeline}/${stage}`;
}

export function imagesDir(workspaceRoot: string): string {
  return join(workspaceRoot, IMAGES_DIR);
}

export function manifestPath(workspaceRoot: string, pipeline: string, stage: string): string {
  return join(workspaceRoot, stageOutputDir(pipeline, stage), 'manifest.json');
}
