import { channelReferences, pointChannel, rollBackChannel, type ChannelEntry, type Channels } from './channels';

const entry = (id: string): ChannelEntry => ({ artifacts: { local: id }, fingerprint: `fp-${id}`, promoted_at: '2026-11-23T00:00:00.000Z', lineage: [] });

describe('channels', () => {
  it('keeps the entry a promotion replaces as the first to roll back to', () => {
    const channels: Channels = {};
    pointChannel(channels, 'app', 'production', entry('one'));
    pointChannel(channels, 'app', 'production', entry('two'));
    pointChannel(channels, 'app', 'production', entry('three'));
    expect(channels.app.production.current.artifacts.local).toBe('three');
    expect(channels.app.production.history.map((item) => item.artifacts.local)).toEqual(['two', 'one']);
    rollBackChannel(channels, 'app', 'production', '2026-11-24T00:00:00.000Z');
    expect(channels.app.production.current).toMatchObject({ artifacts: { local: 'two' }, promoted_at: '2026-11-24T00:00:00.000Z' });
    expect(channels.app.production.history.map((item) => item.artifacts.local)).toEqual(['one']);
  });

  it('refuses to roll back a channel that does not exist or has no history', () => {
    const channels: Channels = {};
    expect(() => rollBackChannel(channels, 'app', 'production', 'now')).toThrow('does not exist');
    pointChannel(channels, 'app', 'production', entry('one'));
    expect(() => rollBackChannel(channels, 'app', 'production', 'now')).toThrow('no previous entry');
  });

  it('pins the current artifact and the rollback target, not older history', () => {
    const channels: Channels = {};
    for (const id of ['one', 'two', 'three']) pointChannel(channels, 'app', 'staging', entry(id));
    expect([...channelReferences(channels).keys()].sort()).toEqual(['three', 'two']);
  });
});
