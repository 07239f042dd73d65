/** "Did you mean" suggestions for misspelled names. */

export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** Longest pair of names compared (their lengths multiplied): 1000 characters each. */
const MAX_COMPARISON = 1_000_000;

/** The candidate closest to `input`, if it is close enough to be a likely typo (distance ≤ max(1, len/3)). */
export function closest(input: string, candidates: Iterable<string>): string | undefined {
  const limit = Math.max(1, Math.floor(Math.max(input.length, 1) / 3));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    if (candidate === input) continue;
    // The distance is at least the difference in length: skip what cannot be close enough. And the
    // cost is the product of the lengths: names too long for that (e.g. a 1 MB value) get no suggestion.
    if (Math.abs(candidate.length - input.length) > limit || candidate.length * input.length > MAX_COMPARISON) continue;
    const distance = candidate.toLowerCase() === input.toLowerCase() ? 0.5 : levenshtein(input, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

/** `, did you mean 'x'?` or the empty string. */
export function didYouMean(input: string, candidates: Iterable<string>): string {
  const match = closest(input, candidates);
  return match === undefined ? '' : `, did you mean '${match}'?`;
}
