import { formatGoTime, RFC3339 } from './isotime';

describe('formatGoTime (Go reference layouts, UTC)', () => {
  const morning = new Date('2024-03-05T07:08:09.120Z');
  const evening = new Date('2023-12-31T23:59:58.000Z');

  it('formats RFC3339 by default', () => {
    expect(formatGoTime(morning)).toBe('2024-03-05T07:08:09Z');
    expect(formatGoTime(morning, RFC3339)).toBe('2024-03-05T07:08:09Z');
  });

  it('knows the numeric tokens, padded and not', () => {
    expect(formatGoTime(morning, '2006 06 01 1 02 2 _2 15 03 3 04 4 05 5')).toBe('2024 24 03 3 05 5  5 07 07 7 08 8 09 9');
    expect(formatGoTime(evening, '2006-01-02 15:04:05 03PM 3pm')).toBe('2023-12-31 23:59:58 11PM 11pm');
    expect(formatGoTime(morning, '002 __2')).toBe('065  65');
  });

  it('knows month and day names, and zones (always UTC)', () => {
    expect(formatGoTime(morning, 'Mon Monday Jan January MST')).toBe('Tue Tuesday Mar March UTC');
    expect(formatGoTime(morning, 'Z07:00 Z0700 Z07 -07:00 -0700 -07')).toBe('Z Z Z +00:00 +0000 +00');
  });

  it('formats fractional seconds, fixed (.000) or trimmed (.999)', () => {
    expect(formatGoTime(morning, '05.000')).toBe('09.120');
    expect(formatGoTime(morning, '05.000000')).toBe('09.120000');
    expect(formatGoTime(morning, '05.999')).toBe('09.12');
    expect(formatGoTime(evening, '05.999')).toBe('58');
    expect(formatGoTime(morning, '05,000')).toBe('09,120');
  });

  it('copies everything else, including words that merely start like a token', () => {
    expect(formatGoTime(morning, 'build-2006.01.02 Month Jane')).toBe('build-2024.03.05 Month Jane');
    // As in Go, `.0` before a non-digit is a tenth of a second, and a lone `1` is the month.
    expect(formatGoTime(morning, 'v.0.1')).toBe('v.1.3');
  });
});
