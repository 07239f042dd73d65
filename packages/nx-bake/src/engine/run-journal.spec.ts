import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { journalDir, readRunRecords, RunJournal } from './run-journal';

describe('RunJournal', () => {
  const workspace = () => mkdtempSync(join(tmpdir(), 'nx-bake-journal-'));
  const tag = { kind: 'registry-tag' as const, id: '127.0.0.1:5000/team/app:only', runId: 'r1', published: true };

  it('keeps what a build published until the manifest is about to record it', () => {
    const root = workspace();
    const journal = new RunJournal(root, 'r1', 'p', 's');
    const builder = journal.forBuilder('local', 'docker');
    builder.created({ kind: 'container', id: 'c1' });
    builder.created(tag);
    builder.removed({ kind: 'container', id: 'c1' });
    expect(journal.published()).toEqual([{ ...tag, builderName: 'local', builderType: 'docker' }]);
    expect(readRunRecords(root)[0].resources.map((entry) => entry.kind)).toEqual(['registry-tag']);
    journal.forgetPublished();
    expect(journal.published()).toEqual([]);
    expect(readRunRecords(root)[0].resources).toEqual([]);
    journal.close();
    expect(existsSync(join(journalDir(root), 'r1.json'))).toBe(false);
  });

  it('outlives the bake while something it published could not be undone, for gc --leaked', () => {
    const root = workspace();
    const journal = new RunJournal(root, 'r2', 'p', 's');
    journal.forBuilder('local', 'docker').created(tag);
    journal.close();
    expect(readRunRecords(root).map((record) => record.runId)).toEqual(['r2']);
  });
});
