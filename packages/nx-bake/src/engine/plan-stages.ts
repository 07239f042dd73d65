import type { StageManifest } from '../artifacts/manifest';
import { loadPipelineFile } from '../pipeline/load';
import { CollectingVault, holdsVaultPlaceholder, vaultPlaceholder } from '../pipeline/vault-reference';
import { gitCommit } from '../util/git';
import type { BakeOutcome } from './bake-stage';
import { changedParts } from './fingerprint';
import type { Stage } from '../pipeline/types';
import { artifactQuery, fingerprintOf, prepareStage, previousIsCurrent, type PreparedStage, type StageFacts, type StageInputs } from './prepare-stage';
import { collectFromFiles } from './stage-secrets';
import { BaseNotBakedError } from './resolve-base';
import { baseArtifactQuery } from './trusted-base';

export interface PlanEntry {
  pipeline: string;
  stage: string;
  outcome: BakeOutcome;
  reasons: string[];
  /** Unknown when the base will be built first. */
  fingerprint?: string;
  /** What the stage reads from Vault at bake time, as `<from vault: path#key>` (plan never calls Vault). */
  vault?: string[];
}

/**
 * What `bake` would do with each stage, without building: `cached` (the recorded manifest is current),
 * `adopted` (the provider holds an artifact of the fingerprint) or `built`, and why. Stages are given
 * parents first; a child of a stage that will be built is built too.
 */
export async function planStages(stages: StageInputs[]): Promise<PlanEntry[]> {
  const facts: Omit<StageFacts, 'vault'> = { gitCommit: stages[0] ? gitCommit(stages[0].workspaceRoot) : 'unknown', buildTime: new Date(), runId: 'plan' };
  const predicted = new Map<string, { entry: PlanEntry; manifest?: StageManifest }>();
  const entries: PlanEntry[] = [];
  for (const inputs of stages) {
    const { entry, manifest } = await planOne(inputs, facts, predicted);
    predicted.set(`${entry.pipeline}/${entry.stage}`, { entry, manifest });
    entries.push(entry);
  }
  return entries;
}

async function planOne(
  inputs: StageInputs,
  facts: Omit<StageFacts, 'vault'>,
  predicted: Map<string, { entry: PlanEntry; manifest?: StageManifest }>,
): Promise<{ entry: PlanEntry; manifest?: StageManifest }> {
  const pipeline = loadPipelineFile(inputs.pipelineFile, { workspaceRoot: inputs.workspaceRoot });
  const from = pipeline.stages.find((stage) => stage.name === inputs.stage)?.from;
  const parentKey = from?.kind === 'stage' ? `${from.pipeline}/${from.stage}` : undefined;
  const parent = parentKey ? predicted.get(parentKey) : undefined;
  const entryOf = (outcome: BakeOutcome, reasons: string[], fingerprint?: string): PlanEntry => ({ pipeline: pipeline.name, stage: inputs.stage, outcome, reasons, fingerprint });
  if (parent?.entry.outcome === 'built') return { entry: entryOf('built', [`base ${parentKey} will be built`]) };

  // Vault is never called: a reference renders as its placeholder, and is listed (values are no part of a fingerprint).
  const vault = new CollectingVault();
  let prepared;
  try {
    prepared = prepareStage(inputs, { ...facts, vault }, parent?.manifest);
  } catch (error) {
    if (error instanceof BaseNotBakedError) return { entry: entryOf('built', [error.message]) };
    throw error;
  }
  collectFromFiles(prepared);
  const withVault = (planned: { entry: PlanEntry; manifest?: StageManifest }) =>
    vault.references.length ? { ...planned, entry: { ...planned.entry, vault: vault.references.map(vaultPlaceholder) } } : planned;
  return withVault(await planPrepared(prepared, inputs, from, parentKey, parent, entryOf));
}

type EntryOf = (outcome: BakeOutcome, reasons: string[], fingerprint?: string) => PlanEntry;

async function planPrepared(
  prepared: PreparedStage,
  inputs: StageInputs,
  from: Stage['from'] | undefined,
  parentKey: string | undefined,
  parent: { entry: PlanEntry; manifest?: StageManifest } | undefined,
  entryOf: EntryOf,
): Promise<{ entry: PlanEntry; manifest?: StageManifest }> {
  const pipeline = prepared.pipeline;
  const fingerprint = fingerprintOf(prepared, inputs);
  // A provider's credentials from Vault are placeholders here: the provider is not asked with them.
  const unaskable = prepared.builders.filter((builder) => holdsVaultPlaceholder(builder.config)).map((builder) => builder.name);
  if (unaskable.length) {
    return { entry: entryOf('built', [`not checked at the provider: the settings of ${unaskable.join(', ')} come from Vault, which plan does not read`], fingerprint.value) };
  }
  if (!parent && prepared.base.manifest && from?.kind === 'stage') {
    for (const builder of prepared.builders) {
      if (!(await builder.builder.verifyArtifact(builder.baseImage, baseArtifactQuery(builder, from, prepared.base.manifest)))) {
        return { entry: entryOf('built', [`base ${parentKey} artifact ${builder.baseImage} is gone`]) };
      }
    }
  }
  if (prepared.previous && (await previousIsCurrent(prepared, fingerprint.value))) {
    return { entry: entryOf('cached', ['manifest is current'], fingerprint.value), manifest: prepared.previous };
  }
  const adopted: StageManifest['builds'] = [];
  for (const builder of prepared.builders) {
    const found = await builder.builder.findArtifact({ ...artifactQuery(prepared, builder, fingerprint.value), lookOnly: true });
    if (!found) return { entry: entryOf('built', changedParts(prepared.previous?.fingerprint_inputs, fingerprint.parts), fingerprint.value) };
    adopted.push({ name: builder.name, builder_type: builder.config.type, build_time: 0, files: null, artifact_id: found.id, packer_run_uuid: 'plan', custom_data: found.customData });
  }
  const manifest: StageManifest = { ...placeholderManifest, builds: adopted, pipeline: pipeline.name, stage: inputs.stage, fingerprint: fingerprint.value };
  return { entry: entryOf('adopted', ['the provider holds an artifact of this fingerprint'], fingerprint.value), manifest };
}

/** The parts of a predicted parent manifest that a child's plan does not read. */
const placeholderManifest: StageManifest = {
  builds: [],
  last_run_uuid: 'plan',
  pipeline: '',
  stage: '',
  fingerprint: '',
  fingerprint_inputs: {},
  outcome: 'built',
  base: { kind: 'image', ref: '', artifacts: {} },
  duration_seconds: 0,
};
