import { parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['2m', 120_000],
    ['1h30m', 5_400_000],
    ['1m30s250ms', 90_250],
    ['1.5s', 1_500],
    ['0', 0],
    [' 3s ', 3_000],
  ])('parses %s', (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });

  it.each(['', '10', 's', '10x', '1h 30m', '-1s', '10s5', 'abc'])('rejects %p', (text) => {
    expect(() => parseDuration(text)).toThrow(/invalid duration/);
  });
});
