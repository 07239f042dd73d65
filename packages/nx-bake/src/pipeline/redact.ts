/**
 * Redaction of secrets (the values of sensitive variables) from log lines and recorded data. Each
 * secret is replaced by `<sensitive>`, and so are the forms it takes when a tool re-encodes it on its
 * way to a log: JSON-escaped, URL-encoded (%XX and form `+` spaces), and base64 (standard and URL-safe,
 * with and without padding, also as part of a longer base64 text such as a Basic auth header: there the
 * up to 2 bytes of the secret that share a base64 group with other bytes stay visible).
 *
 * Secrets shorter than 4 characters are ignored: replacing every "1" or "no" in the output would shred
 * the logs and reveal the secret by its holes anyway; do not make such a value sensitive-critical.
 */
import type { Pipeline } from './types';
import type { ResolvedVariables } from './variables';

export const REDACTED = '<sensitive>';
export const MIN_SECRET_LENGTH = 4;

/** Every form of `secret` worth looking for. */
function encodings(secret: string): string[] {
  const forms = new Set<string>([secret]);
  forms.add(JSON.stringify(secret).slice(1, -1));
  forms.add(encodeURIComponent(secret));
  forms.add(encodeURIComponent(secret).replace(/%20/g, '+'));
  forms.add(encodeURI(secret));
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  forms.add(base64);
  forms.add(base64.replace(/=+$/, ''));
  const base64url = Buffer.from(secret, 'utf8').toString('base64url');
  forms.add(base64url);
  forms.add(base64url.replace(/-/g, '+').replace(/_/g, '/'));
  // Inside a longer base64 text (e.g. `user:secret` in a Basic auth header) the secret starts at any of
  // the 3 byte offsets of a group: the whole groups that only its bytes make up are the same every time.
  for (let offset = 0; offset < 3; offset++) {
    const bytes = Buffer.concat([Buffer.alloc(offset), Buffer.from(secret, 'utf8')]);
    const whole = Math.floor(bytes.length / 3) * 4;
    for (const encoded of [bytes.toString('base64'), bytes.toString('base64url')]) {
      const middle = encoded.slice(offset === 0 ? 0 : 4, whole);
      if (middle.length >= 8) forms.add(middle);
    }
  }
  return [...forms].filter((form) => form.length >= MIN_SECRET_LENGTH);
}

export class Redactor {
  private readonly secrets = new Set<string>();
  private patterns: string[] = [];

  constructor(secrets: Iterable<string> = []) {
    for (const secret of secrets) this.add(secret);
  }

  /** Adds a secret (ignored when shorter than 4 characters). */
  add(secret: string): void {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH || this.secrets.has(secret)) return;
    this.secrets.add(secret);
    // Longest first, so that a secret containing another is replaced whole.
    this.patterns = [...new Set([...this.patterns, ...encodings(secret)])].sort((a, b) => b.length - a.length);
  }

  get size(): number {
    return this.secrets.size;
  }

  redact(text: string): string {
    let out = text;
    for (const pattern of this.patterns) if (out.includes(pattern)) out = out.split(pattern).join(REDACTED);
    return out;
  }

  /** A deep copy of `value` with every string (map keys included) redacted. */
  redactValue<T>(value: T): T {
    return this.redactDeep(value) as T;
  }

  private redactDeep(value: unknown): unknown {
    if (typeof value === 'string') return this.redact(value);
    if (Array.isArray(value)) return value.map((item) => this.redactDeep(item));
    if (value instanceof Date) return new Date(value.getTime());
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.redact(key), this.redactDeep(item)]));
    }
    return value;
  }
}

/** The strings a sensitive value can show up as: itself (scalars), its leaves, and its JSON (lists/maps). */
export function secretsOf(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  const leaves = Array.isArray(value) ? value.flatMap(secretsOf) : Object.values(value as object).flatMap(secretsOf);
  return [JSON.stringify(value), ...leaves];
}

/** A Redactor for the pipeline's sensitive variables (their resolved values, and their defaults). */
export function redactorFor(pipeline: Pipeline, variables: ResolvedVariables): Redactor {
  const redactor = new Redactor();
  for (const name of variables.sensitive) {
    secretsOf(variables.values[name]).forEach((secret) => redactor.add(secret));
    secretsOf(pipeline.variables[name]?.default).forEach((secret) => redactor.add(secret));
  }
  return redactor;
}
