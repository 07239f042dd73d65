import { dirname } from 'node:path';
import { describeRevocation, Revocations } from '../artifacts/revocations';
import type { Pipeline, Stage } from '../pipeline/types';

/** The revocations that concern a stage: its own pipeline's, and its base stage's pipeline's. */
export function revocationsFor(workspaceRoot: string, pipeline: Pipeline, stage: Stage, pipelineFileOf?: (name: string) => string | undefined): Revocations {
  const dirs = [pipeline.dir];
  if (stage.from.kind === 'stage' && stage.from.pipeline !== pipeline.name) {
    const file = pipelineFileOf?.(stage.from.pipeline);
    if (file) dirs.push(dirname(file));
  }
  return Revocations.load(workspaceRoot, dirs);
}

/** Nothing is ever built on a revoked artifact: the base stage must be baked again first. */
export function assertBaseNotRevoked(baseImages: Record<string, string>, revocations: Revocations, stage: Stage): void {
  const revoked = revocations.find(Object.values(baseImages));
  if (!revoked) return;
  const rebake = stage.from.kind === 'stage' ? `bake ${stage.from.pipeline}/${stage.from.stage} again (its bake replaces a revoked artifact)` : 'choose another base image';
  throw new Error(`refusing to build ${stage.name} on a revoked base: ${describeRevocation(revoked)}; ${rebake}`);
}
