import type { BakeOutcome } from '../engine/bake-stage';

/**
 * The one line a stage's bake prints about what it did. The end-of-run summary reads it back out of
 * each task's output, so its shape is parsed by `parseOutcomeLine`.
 */
export function outcomeLine(stage: string, outcome: BakeOutcome, reasons: string[]): string {
  return `nx-bake: ${stage} ${outcome}${reasons.length ? ` (${reasons.join('; ')})` : ''}`;
}

export function parseOutcomeLine(output: string): { stage: string; outcome: BakeOutcome; reasons: string } | undefined {
  const match = /^nx-bake: (\S+) (cached|adopted|built)(?: \((.*)\))?$/m.exec(output.replace(/\r/g, ''));
  return match ? { stage: match[1], outcome: match[2] as BakeOutcome, reasons: match[3] ?? '' } : undefined;
}
