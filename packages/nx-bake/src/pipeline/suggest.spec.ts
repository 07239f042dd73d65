import { closest, didYouMean, levenshtein } from './suggest';

describe('did you mean', () => {
  it('measures edit distance', () => {
    expect(levenshtein('inlin', 'inline')).toBe(1);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
  });

  it('suggests the closest candidate when it is a likely typo', () => {
    expect(closest('destnation', ['destination', 'direction', 'source'])).toBe('destination');
    expect(closest('Shell', ['shell', 'file'])).toBe('shell');
    expect(closest('xyz', ['inline', 'script'])).toBeUndefined();
    expect(didYouMean('tagz', ['tags', 'bakes'])).toBe(", did you mean 'tags'?");
    expect(didYouMean('completely-different', ['tags'])).toBe('');
  });
});
