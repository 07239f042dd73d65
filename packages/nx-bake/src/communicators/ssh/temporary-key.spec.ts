import { utils } from 'ssh2';
import { generateTemporaryKeyPair } from './temporary-key';

describe('generateTemporaryKeyPair', () => {
  it('only hands out keys that ssh2 itself can read back (its generator sometimes writes one it cannot)', () => {
    // ssh2 alone fails a few keys in a thousand: 2,000 pairs hit one with near certainty.
    const unreadable = Array.from({ length: 2000 }, () => generateTemporaryKeyPair()).filter((pair) => utils.parseKey(pair.privateKey) instanceof Error);
    expect(unreadable).toEqual([]);
  });
});
