import type { StoredArtifact } from '../builders/builder';
import { planRetention } from './retention';

const now = new Date('2026-11-23T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 3600 * 1000);
const artifact = (id: string, stage: string, age: number, base?: string): StoredArtifact => ({ id, pipeline: 'images', stage, fingerprint: id, base, createdAt: daysAgo(age) });

function deleted(artifacts: StoredArtifact[], policy: { count?: number; days?: number } | undefined, pinned: Record<string, string> = {}) {
  return planRetention({ artifacts, policyOf: () => policy, pinned: new Map(Object.entries(pinned)), now })
    .filter((decision) => decision.delete)
    .map((decision) => decision.artifact.id)
    .sort();
}

describe('planRetention', () => {
  const five = [artifact('a1', 'app', 5), artifact('a2', 'app', 4), artifact('a3', 'app', 3), artifact('a4', 'app', 2), artifact('a5', 'app', 1)];

  it('keeps the newest N', () => {
    expect(deleted(five, { count: 2 })).toEqual(['a1', 'a2', 'a3']);
  });

  it('keeps everything younger than D days', () => {
    expect(deleted(five, { days: 3.5 })).toEqual(['a1', 'a2']);
  });

  it('with both limits, deletes only what both let go', () => {
    expect(deleted(five, { count: 1, days: 2.5 })).toEqual(['a1', 'a2', 'a3']);
    expect(deleted(five, { count: 4, days: 2.5 })).toEqual(['a1']);
  });

  it('deletes nothing of a stage without a policy', () => {
    expect(deleted(five, undefined)).toEqual([]);
  });

  it('never deletes a pinned artifact, and says who pins it', () => {
    const decisions = planRetention({ artifacts: five, policyOf: () => ({ count: 1 }), pinned: new Map([['a2', 'channel app/production']]), now });
    expect(decisions.find((decision) => decision.artifact.id === 'a2')).toMatchObject({ delete: false, reason: 'referenced by channel app/production' });
    expect(decisions.filter((decision) => decision.delete).map((decision) => decision.artifact.id).sort()).toEqual(['a1', 'a3', 'a4']);
  });

  it('keeps a base while a child that stays was built on it, and lets it go with its last child', () => {
    const artifacts = [
      artifact('b1', 'base', 9),
      artifact('b2', 'base', 8),
      artifact('b3', 'base', 1),
      artifact('c1', 'app', 9, 'b1'),
      artifact('c2', 'app', 8, 'b2'),
      artifact('c3', 'app', 1, 'b3'),
      // A child in another pipeline, with no policy of its own: it always stays.
      { ...artifact('other', 'web', 5, 'b1'), pipeline: 'web' },
    ];
    const decisions = planRetention({ artifacts, policyOf: (pipeline) => (pipeline === 'images' ? { count: 1 } : undefined), pinned: new Map(), now });
    const byId = Object.fromEntries(decisions.map((decision) => [decision.artifact.id, decision]));
    expect(byId.b1).toMatchObject({ delete: false, reason: 'base of web/web other, which stays' });
    expect(byId.c1.delete).toBe(true);
    expect(byId.b2.delete).toBe(true);
    expect(byId.c2.delete).toBe(true);
    expect(byId.b3.delete).toBe(false);
  });
});
