import { BUILDER_COMMUNICATORS, BUILDER_FIELDS, isBuilderField, type BuilderType } from '../pipeline/known-types';
import { didYouMean } from '../pipeline/suggest';
import type { BuilderConfig } from '../pipeline/types';
import { parseDuration } from '../util/duration';

type Scalar = string | number | boolean;

/**
 * Typed access to a builder's raw configuration: every builder validates its own fields with these, so a
 * bad value is always an Error naming the builder and the field. Unknown fields are refused (the
 * pipeline schema leaves builder configs open, since builders are pluggable).
 */
export class ConfigFields {
  constructor(
    private readonly raw: BuilderConfig,
    private readonly builderName: string,
    private readonly type: BuilderType,
  ) {
    if (raw.type !== type) this.fail('type', `must be "${type}", got ${JSON.stringify(raw.type)}`);
    // The one table of fields (known-types.ts), which `validate` checks too.
    const known = [...BUILDER_FIELDS[type], 'communicator'];
    for (const field of Object.keys(raw)) {
      if (!isBuilderField(type, field)) this.fail(field, `is not a ${type} builder field${didYouMean(field, known)} (known: ${known.join(', ')})`);
    }
    // Packer's `communicator`: accepted when it names the one this builder uses (there is no other).
    const communicators = BUILDER_COMMUNICATORS[type];
    if (raw.communicator !== undefined && !communicators.includes(raw.communicator as string)) {
      this.fail('communicator', `must be ${communicators.map((name) => `"${name}"`).join(' or ')}, got ${JSON.stringify(raw.communicator)}`);
    }
  }

  fail(field: string, problem: string): never {
    throw new Error(`builder "${this.builderName}" (${this.type}): "${field}" ${problem}`);
  }

  value(field: string): unknown {
    return this.raw[field];
  }

  optionalString(field: string): string | undefined {
    const value = this.raw[field];
    if (value === undefined || value === null || value === '') return undefined;
    return typeof value === 'string' ? value : this.fail(field, `must be a string, got ${typeof value}`);
  }

  string(field: string): string {
    return this.optionalString(field) ?? this.fail(field, 'is required');
  }

  bool(field: string, fallback = false): boolean {
    const value = this.raw[field] ?? fallback;
    return typeof value === 'boolean' ? value : this.fail(field, `must be true or false, got ${JSON.stringify(value)}`);
  }

  optionalNumber(field: string): number | undefined {
    const value = this.raw[field];
    if (value === undefined || value === null) return undefined;
    return typeof value === 'number' && Number.isFinite(value) ? value : this.fail(field, `must be a number, got ${JSON.stringify(value)}`);
  }

  /** A Go/Packer duration (`30s`, `5m`), in milliseconds. */
  duration(field: string, fallback: string): number {
    const text = this.optionalString(field) ?? fallback;
    try {
      return parseDuration(text);
    } catch {
      return this.fail(field, `"${text}" is not a duration like 30s, 5m or 1h`);
    }
  }

  stringMap(field: string, keyPattern?: RegExp): Record<string, string> {
    const value = this.raw[field] ?? {};
    if (typeof value !== 'object' || Array.isArray(value)) return this.fail(field, 'must be a map of names to values');
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, entry]) => {
        if (keyPattern && !keyPattern.test(key)) this.fail(`${field}.${key}`, 'is not a valid name');
        if (!['string', 'number', 'boolean'].includes(typeof entry)) this.fail(`${field}.${key}`, 'must be a string, number or boolean');
        return [key, String(entry as Scalar)];
      }),
    );
  }

  stringList(field: string): string[] {
    const value = this.raw[field] ?? [];
    if (!Array.isArray(value)) return this.fail(field, 'must be a list of strings');
    return value.map((entry, index) => (typeof entry === 'string' ? entry : this.fail(`${field}[${index}]`, 'must be a string')));
  }
}
