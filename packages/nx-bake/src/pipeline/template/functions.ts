/**
 * Packer's template functions, in one table: each is registered both as a global and as a filter (as
 * Packer users expect), and the bare ones also read as their value without parentheses.
 */
import { randomUUID } from 'node:crypto';
import * as nunjucks from 'nunjucks';
import { formatGoTime, RFC3339 } from '../isotime';
import { envHint, UndefinedName } from './undefined-name';

/** Lowercase; every character outside [a-z0-9-] becomes `-` (Packer's `clean_resource_name`). */
export function cleanResourceName(value: string): string {
  return Array.from(String(value).toLowerCase(), (ch) => (/[a-z0-9-]/.test(ch) ? ch : '-')).join('');
}

/** What Nunjucks binds `this` to in a global or a filter: the render's context values. */
export interface NunjucksThis {
  ctx?: { build?: { timestamp?: string }; env?: unknown; vault?: unknown };
}

type TemplateFunction = (this: NunjucksThis, ...args: unknown[]) => unknown;

interface PackerFunction {
  /** As a global: `{{ isotime("2006") }}`; also the filter, unless `filter` is given. */
  call: TemplateFunction;
  /** As a filter, where the piped value means something else than the call's first argument. */
  filter?: TemplateFunction;
  /** Packer templates use it without parentheses: `{{ timestamp }}`, `{{ isotime | clean_resource_name }}`. */
  bare?: true;
}

function buildTime(self: NunjucksThis | undefined): Date {
  const stamp = self?.ctx?.build?.timestamp;
  const date = stamp === undefined ? new Date() : new Date(stamp);
  if (Number.isNaN(date.getTime())) throw new Error(`build.timestamp '${stamp}' is not a valid time`);
  return date;
}

function toDate(value: unknown): Date {
  const date = value instanceof Date ? value : typeof value === 'number' ? new Date(value * 1000) : new Date(String(value));
  if (Number.isNaN(date.getTime())) throw new Error(`isotime: '${String(value)}' is not a time`);
  return date;
}

function isotime(this: NunjucksThis, format?: unknown): string {
  return formatGoTime(buildTime(this), format === undefined ? RFC3339 : String(format));
}

export const PACKER_FUNCTIONS: Record<string, PackerFunction> = {
  isotime: {
    call: isotime,
    /** `{{ "2006" | isotime }}` (Packer's pipe: the value is the format) or `{{ time | isotime("2006") }}`. */
    filter(value, format) {
      if (format === undefined) return isotime.call(this, value);
      return formatGoTime(toDate(value), String(format));
    },
    bare: true,
  },
  timestamp: {
    call() {
      return Math.floor(buildTime(this).getTime() / 1000);
    },
    bare: true,
  },
  uuid: { call: () => randomUUID(), bare: true },
  env: {
    call(name) {
      const env = this?.ctx?.env;
      if (typeof env === 'function') return (env as (name: unknown) => string)(name);
      throw new UndefinedName(`env.${String(name)}`, envHint(String(name)));
    },
  },
  clean_resource_name: { call: (value) => cleanResourceName(String(value)) },
  /** `vault("secret/data/app", "key")`, Packer's: reads through the render's resolver (strict.ts makes `vault` callable). */
  vault: {
    call(path, key) {
      const vault = this?.ctx?.vault;
      if (typeof vault === 'function') return (vault as (path: unknown, key: unknown) => unknown)(path, key);
      throw new Error('vault() is not available here');
    },
  },
};

export const environment = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true, dev: true });
for (const [name, fn] of Object.entries(PACKER_FUNCTIONS)) {
  environment.addGlobal(name, fn.call);
  environment.addFilter(name, (fn.filter ?? fn.call) as (...args: unknown[]) => unknown);
}
/** Nunjucks' own globals (`range`, `cycler`, `joiner`) and the functions above. */
export const globals = (environment as unknown as { globals: Record<string, unknown> }).globals;
