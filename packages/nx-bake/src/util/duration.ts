const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses a Go/Packer-style duration (`500ms`, `10s`, `2m`, `1h30m`, `1.5s`) into milliseconds.
 * A bare `0` is allowed, as in Go; any other number needs a unit so `10` is never ambiguous.
 */
export function parseDuration(text: string): number {
  const input = text.trim();
  if (input === '0') return 0;
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = part.exec(input); match; match = part.exec(input)) {
    total += Number(match[1]) * UNIT_MS[match[2]];
    consumed = part.lastIndex;
  }
  if (consumed === 0 || consumed !== input.length) {
    throw new Error(`invalid duration "${text}": expected a number with a unit (ms, s, m, h), e.g. 500ms, 10s, 2m or 1h30m`);
  }
  return Math.round(total);
}
