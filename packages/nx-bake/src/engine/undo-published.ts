import type { StageLogger } from '../progress/stage-logger';
import type { ConfiguredBuilder } from './stage-builders';
import type { RunJournal } from './run-journal';

/**
 * A bake that ends without writing its manifest must leave nothing another runner could take for its
 * artifact: what its builds published (pushed registry tags) is undone by the builder that made it. What
 * cannot be undone now (an unreachable registry) stays in the journal, and `gc --leaked` tries again.
 */
export async function undoPublished(journal: RunJournal, builders: ConfiguredBuilder[], log: StageLogger): Promise<void> {
  for (const entry of journal.published()) {
    const owner = builders.find((builder) => builder.name === entry.builderName);
    if (!owner) continue;
    try {
      log.info(`${entry.builderName}: no manifest records ${entry.kind} ${entry.id}: undoing it`);
      await owner.builder.deleteBuildResource(entry, owner.config);
      journal.forBuilder(entry.builderName, entry.builderType).removed(entry);
    } catch (error) {
      log.warn(`${entry.builderName}: could not undo ${entry.kind} ${entry.id} (gc --leaked will): ${(error as Error).message}`);
    }
  }
}
