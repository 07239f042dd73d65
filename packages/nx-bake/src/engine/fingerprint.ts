import { join } from 'node:path';
import type { Pipeline, Stage } from '../pipeline/types';
import { canonicalJson, hashPath, hashText } from '../util/hash-files';
import { referencedVariables, stageDefinition, stageFiles, withoutNested } from '../pipeline/stage-files';

export interface FingerprintInputs {
  pipeline: Pipeline;
  stage: Stage;
  workspaceRoot: string;
  /** Resolved variable values; sensitive ones are never part of the fingerprint. */
  variables: Record<string, unknown>;
  sensitive: string[];
  /** Identity of the base: the upstream artifact IDs by builder, or the external image reference(s). */
  base: Record<string, string>;
  /** Build outputs of the Nx projects baked in, relative to the workspace root. */
  bakedOutputs: string[];
}

export interface Fingerprint {
  value: string;
  /** A hash per input, recorded so a later plan can say which input changed. */
  parts: Record<string, string>;
}

/**
 * What makes two builds of a stage the same: its definition as written (templates unrendered, so build
 * timestamps and run IDs stay out), the non-secret variables it refers to, every file it reads, the
 * baked-in build outputs and its base. No absolute path enters it: the same inputs give the same
 * fingerprint on any machine.
 */
export function fingerprintStage(inputs: FingerprintInputs): Fingerprint {
  const { stage, pipeline } = inputs;
  const definition = stageDefinition(stage);
  const parts: Record<string, string> = {
    definition: hashText(canonicalJson(definition)),
    base: hashText(canonicalJson(inputs.base)),
  };
  for (const name of referencedVariables(definition)) {
    if (inputs.sensitive.includes(name)) continue;
    parts[`var:${name}`] = hashText(canonicalJson(inputs.variables[name] ?? null));
  }
  for (const path of withoutNested([...stageFiles(stage, pipeline.dir), ...inputs.bakedOutputs])) {
    parts[`file:${path}`] = hashPath(join(inputs.workspaceRoot, path));
  }
  return { value: hashText(canonicalJson(parts)).slice(0, 32), parts };
}

/** Names of the inputs whose hash differs between two fingerprints: why a rebuild was needed. */
export function changedParts(previous: Record<string, string> | undefined, current: Record<string, string>): string[] {
  if (!previous) return ['no previous build'];
  const names = new Set([...Object.keys(previous), ...Object.keys(current)]);
  return [...names].filter((name) => previous[name] !== current[name]).sort();
}
