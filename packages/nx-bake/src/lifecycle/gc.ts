import type { Pipeline } from '../pipeline/types';
import { configuredBuilders, type LifecycleInputs } from './configured-builders';
import { pinnedArtifacts } from './references';
import { planRetention, type RetentionDecision } from './retention';

export interface GcOptions extends LifecycleInputs {
  pipeline: Pipeline;
  /** Folders of every pipeline in the workspace: their channels pin artifacts too. */
  pipelineDirs: string[];
  apply: boolean;
  now?: Date;
  say(line: string): void;
}

export interface GcDecision extends RetentionDecision {
  builderName: string;
}

export interface GcReport {
  decisions: GcDecision[];
  deleted: string[];
  failed: { id: string; error: string }[];
}

/** Applies each stage's `retain` policy to the pipeline's artifacts, per builder: a dry run unless `apply`. */
export async function collectGarbage(options: GcOptions): Promise<GcReport> {
  const { pipeline, say } = options;
  const pinned = pinnedArtifacts(options.workspaceRoot, options.pipelineDirs);
  const report: GcReport = { decisions: [], deleted: [], failed: [] };
  const policies = new Map(pipeline.stages.map((stage) => [stage.name, stage.retain]));
  say(`gc ${pipeline.name}: ${options.apply ? 'deleting' : 'dry run (nothing is deleted; --apply deletes)'}`);
  for (const { name, builder, config } of configuredBuilders(pipeline, options)) {
    const decisions = planRetention({
      artifacts: await builder.listArtifacts(config),
      policyOf: (owner, stage) => (owner === pipeline.name ? policies.get(stage) : undefined),
      pinned,
      now: options.now ?? new Date(),
    }).filter((decision) => decision.artifact.pipeline === pipeline.name);
    // Newest first: a child goes before the base it was built on.
    decisions.sort((a, b) => a.artifact.stage.localeCompare(b.artifact.stage) || b.artifact.createdAt.getTime() - a.artifact.createdAt.getTime());
    for (const decision of decisions) {
      const { artifact } = decision;
      say(`  ${name} ${artifact.stage} ${artifact.id}${artifact.name ? ` (${artifact.name})` : ''} ${artifact.createdAt.toISOString()}: ${decision.delete ? (options.apply ? 'deleting' : 'would delete') : 'keep'} (${decision.reason})`);
      report.decisions.push({ ...decision, builderName: name });
    }
    if (!options.apply) continue;
    for (const decision of [...decisions].filter((entry) => entry.delete).sort((a, b) => b.artifact.createdAt.getTime() - a.artifact.createdAt.getTime())) {
      try {
        await builder.deleteArtifact(decision.artifact.id, config);
        report.deleted.push(decision.artifact.id);
      } catch (error) {
        report.failed.push({ id: decision.artifact.id, error: (error as Error).message });
        say(`  ${name}: could not delete ${decision.artifact.id}: ${(error as Error).message}`);
      }
    }
  }
  const doomed = report.decisions.filter((decision) => decision.delete).length;
  say(
    options.apply
      ? `gc ${pipeline.name}: deleted ${report.deleted.length} of ${report.decisions.length} artifacts${report.failed.length ? `, ${report.failed.length} failed` : ''}`
      : `gc ${pipeline.name}: would delete ${doomed} of ${report.decisions.length} artifacts`,
  );
  return report;
}
