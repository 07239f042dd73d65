import type { StoredArtifact } from '../builders/builder';
import type { RetentionPolicy } from '../pipeline/types';

export interface RetentionDecision {
  artifact: StoredArtifact;
  delete: boolean;
  reason: string;
}

export interface RetentionInputs {
  /** Every artifact the builder sees: children in other pipelines protect their bases too. */
  artifacts: StoredArtifact[];
  /** The policy of a stage, or undefined (nothing of that stage is deleted). */
  policyOf(pipeline: string, stage: string): RetentionPolicy | undefined;
  /** Artifacts a current manifest or a channel refers to, with who refers to them. */
  pinned: Map<string, string>;
  now: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Decides, for every artifact, whether gc deletes it: beyond its stage's policy, not pinned, and not the
 * base of an artifact that stays. A child deleted in the same pass does not protect its base.
 */
export function planRetention(inputs: RetentionInputs): RetentionDecision[] {
  const reasons = new Map<string, string>();
  const candidates = new Set<string>();
  const byStage = new Map<string, StoredArtifact[]>();
  for (const artifact of inputs.artifacts) {
    const key = `${artifact.pipeline}/${artifact.stage}`;
    byStage.set(key, [...(byStage.get(key) ?? []), artifact]);
  }
  for (const artifacts of byStage.values()) {
    const policy = inputs.policyOf(artifacts[0].pipeline, artifacts[0].stage);
    const newestFirst = [...artifacts].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    newestFirst.forEach((artifact, index) => {
      const kept = policy ? keptByPolicy(policy, index, inputs.now.getTime() - artifact.createdAt.getTime()) : 'the stage has no retain policy';
      const pinnedBy = inputs.pinned.get(artifact.id);
      if (kept) reasons.set(artifact.id, kept);
      else if (pinnedBy) reasons.set(artifact.id, `referenced by ${pinnedBy}`);
      else candidates.add(artifact.id);
    });
  }
  const children = new Map<string, StoredArtifact[]>();
  for (const artifact of inputs.artifacts) if (artifact.base) children.set(artifact.base, [...(children.get(artifact.base) ?? []), artifact]);
  for (let changed = true; changed; ) {
    changed = false;
    for (const id of candidates) {
      const keptChild = children.get(id)?.find((child) => !candidates.has(child.id));
      if (keptChild) {
        candidates.delete(id);
        reasons.set(id, `base of ${keptChild.pipeline}/${keptChild.stage} ${keptChild.id}, which stays`);
        changed = true;
      }
    }
  }
  return inputs.artifacts.map((artifact) =>
    candidates.has(artifact.id) ? { artifact, delete: true, reason: 'beyond the retain policy' } : { artifact, delete: false, reason: reasons.get(artifact.id)! },
  );
}

function keptByPolicy(policy: RetentionPolicy, newerCount: number, ageMs: number): string | undefined {
  if (policy.count !== undefined && newerCount < policy.count) return `one of the ${policy.count} newest`;
  if (policy.days !== undefined && ageMs < policy.days * DAY_MS) return `younger than ${policy.days} days`;
  return undefined;
}
