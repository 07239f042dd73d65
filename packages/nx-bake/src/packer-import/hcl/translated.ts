/**
 * What an HCL expression translates to, before it is written out: kept structured so that a list stays a
 * list, a string built from parts splices into the string around it, and a Nunjucks expression is
 * parenthesized only where it is an operand.
 */
import { interpolation, literalText, stringLiteral } from '../nunjucks-text';
import type { TemplateValue } from '../template';

/** A string: literal text and Nunjucks expressions, in order. */
export type StringPart = { text: string } | { expression: string; operand: boolean };

export type Translated =
  | { kind: 'string'; parts: StringPart[] }
  | { kind: 'scalar'; value: number | boolean | null }
  | { kind: 'list'; items: Translated[] }
  | { kind: 'map'; entries: [string, Translated][] }
  /** `operand`: safe beside an operator or before a filter without parentheses. */
  | { kind: 'expression'; code: string; operand: boolean };

export const text = (value: string): Translated => ({ kind: 'string', parts: [{ text: value }] });
export const expression = (code: string, operand = true): Translated => ({ kind: 'expression', code, operand });
export const EMPTY_STRING = text('');

/** The literal text of a string without expressions; undefined for anything else. */
export function staticText(value: Translated): string | undefined {
  if (value.kind !== 'string' || value.parts.some((part) => 'expression' in part)) return undefined;
  return value.parts.map((part) => ('text' in part ? part.text : '')).join('');
}

/** Adjacent texts joined, empty ones dropped: one raw block per literal run. */
function mergedParts(parts: StringPart[]): StringPart[] {
  const merged: StringPart[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if ('text' in part && part.text === '') continue;
    if ('text' in part && last && 'text' in last) merged[merged.length - 1] = { text: last.text + part.text };
    else merged.push(part);
  }
  return merged;
}

/** The value written into the pipeline: strings as Nunjucks templates, lists and maps as such. */
export function toTemplateValue(value: Translated): TemplateValue {
  switch (value.kind) {
    case 'string':
      return mergedParts(value.parts)
        .map((part) => ('text' in part ? literalText(part.text) : interpolation(part.expression)))
        .join('');
    case 'scalar':
      return value.value;
    case 'list':
      return value.items.map(toTemplateValue);
    case 'map':
      return Object.fromEntries(value.entries.map(([key, item]) => [key, toTemplateValue(item)]));
    case 'expression':
      return interpolation(value.code);
  }
}

/** The value as one Nunjucks expression. */
export function toExpression(value: Translated): { code: string; operand: boolean } {
  switch (value.kind) {
    case 'string': {
      const parts = mergedParts(value.parts);
      if (parts.length === 0) return { code: '""', operand: true };
      // A template of one interpolation is that expression's value (HCL does not convert it to a string).
      if (parts.length === 1) return 'text' in parts[0] ? { code: stringLiteral(parts[0].text), operand: true } : { code: parts[0].expression, operand: parts[0].operand };
      const operands = parts.map((part) => ('text' in part ? stringLiteral(part.text) : part.operand ? part.expression : `(${part.expression})`));
      return { code: operands.join(' ~ '), operand: false };
    }
    case 'scalar':
      return { code: value.value === null ? 'none' : String(value.value), operand: true };
    case 'list':
      return { code: `[${value.items.map((item) => toExpression(item).code).join(', ')}]`, operand: true };
    case 'map':
      return { code: `{ ${value.entries.map(([key, item]) => `${stringLiteral(key)}: ${toExpression(item).code}`).join(', ')} }`, operand: true };
    case 'expression':
      return { code: value.code, operand: value.operand };
  }
}

/** The value as a Nunjucks expression that can stand beside an operator or take a filter. */
export function operand(value: Translated): string {
  const { code, operand: safe } = toExpression(value);
  return safe ? code : `(${code})`;
}

/** The value as parts of a string it is interpolated into (`"a-${local.name}"`): strings splice in. */
export function stringParts(value: Translated): StringPart[] {
  switch (value.kind) {
    case 'string':
      return value.parts;
    case 'scalar':
      return [{ text: value.value === null ? '' : String(value.value) }];
    default: {
      const { code, operand: safe } = toExpression(value);
      return [{ expression: code, operand: safe }];
    }
  }
}
