/** Strict lookups: a render sees the context through wrappers that throw, naming it, on any name it does not hold. */
import * as nunjucks from 'nunjucks';
import type { VaultResolver } from '../vault-reference';
import type { TemplateContext } from './context';
import { globals, PACKER_FUNCTIONS } from './functions';
import { envHint, RAW_HINT, UndefinedName } from './undefined-name';

export interface FrameLike {
  lookup(name: string): unknown;
}
type FrameClass = new (parent?: FrameLike, isolateWrites?: boolean) => FrameLike;
const Frame = (nunjucks.runtime as unknown as { Frame: FrameClass }).Frame;

/** The root frame of every render: names outside the context (and the globals) are errors. */
export class StrictRootFrame extends Frame {
  constructor(private readonly values: Record<string, unknown>) {
    super();
  }

  override lookup(name: string): unknown {
    if (Object.hasOwn(this.values, name)) return strict(this.values[name], name);
    if (Object.hasOwn(PACKER_FUNCTIONS, name) && PACKER_FUNCTIONS[name].bare) return bareFunction(PACKER_FUNCTIONS[name].call, this.values);
    if (name in globals) return undefined; // Nunjucks then finds the global itself.
    throw new UndefinedName(name, RAW_HINT);
  }
}

/** The function, callable as usual, that also reads as its value when output or filtered without a call. */
function bareFunction(fn: (...args: unknown[]) => unknown, values: Record<string, unknown>): unknown {
  const self = { ctx: values };
  const bare = (...args: unknown[]): unknown => fn.apply(self, args);
  let value: string | undefined;
  bare.toString = () => (value ??= String(fn.call(self)));
  return bare;
}

const FUNCTION_MEMBERS = new Set(['apply', 'call', 'bind', 'toString', 'valueOf', 'constructor']);
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

/** Wraps context values so that reading a member that does not exist throws, naming it. */
function strict(value: unknown, name: string): unknown {
  if (typeof value === 'function') {
    return new Proxy(value, {
      get(target, prop, receiver) {
        if (typeof prop === 'symbol') return Reflect.get(target, prop, receiver);
        if (Object.hasOwn(target, prop)) return strict(Reflect.get(target, prop, receiver), `${name}.${prop}`);
        if (FUNCTION_MEMBERS.has(prop)) return Reflect.get(target, prop, receiver);
        throw new UndefinedName(`${name}.${prop}`, name === 'env' ? envHint(prop) : '');
      },
    });
  }
  if (Array.isArray(value)) {
    return new Proxy(value, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && /^(0|[1-9][0-9]*)$/.test(prop)) {
          if (Number(prop) >= target.length) throw new UndefinedName(`${name}[${prop}]`);
          return strict(target[Number(prop)], `${name}[${prop}]`);
        }
        return Reflect.get(target, prop, receiver);
      },
    });
  }
  if (isPlainObject(value)) {
    return new Proxy(value, {
      get(target, prop, receiver) {
        if (typeof prop === 'symbol') return Reflect.get(target, prop, receiver);
        if (Object.hasOwn(target, prop)) return strict(Reflect.get(target, prop, receiver), `${name}.${prop}`);
        // Object.prototype members; `length`, which Nunjucks' for-loops read on maps; `toJSON` (`dump`).
        if (prop in Object.prototype || prop === 'length' || prop === 'toJSON') return Reflect.get(target, prop, receiver);
        throw new UndefinedName(`${name}.${prop}`);
      },
    });
  }
  return value;
}

/** `env` in a render: callable (`env("NAME")`) and readable (`env.NAME`), both limited to the allow-list. */
function envFunction(values: Record<string, string>): (name: unknown) => string {
  const fn = (name: unknown): string => {
    const key = String(name);
    if (!Object.hasOwn(values, key)) throw new UndefinedName(`env.${key}`, envHint(key));
    return values[key];
  };
  // Own properties of `env` are exactly the allowed names (so `env.name` is not the function's name).
  for (const own of Object.getOwnPropertyNames(fn)) delete (fn as unknown as Record<string, unknown>)[own];
  for (const [key, value] of Object.entries(values)) {
    Object.defineProperty(fn, key, { value, enumerable: true, configurable: true, writable: false });
  }
  return fn;
}

/**
 * `vault(path, key)` in a render: the path as given (Packer's), through the context's resolver. Without one
 * (the lifecycle commands render builder settings only), reading Vault is refused rather than faked.
 */
function vaultFunction(resolver: VaultResolver | undefined): (path: unknown, key: unknown) => unknown {
  return (path, key) => {
    if (typeof path !== 'string' || path.trim() === '' || typeof key !== 'string' || key === '') {
      throw new Error('vault(path, key) takes two strings: the secret\'s path, e.g. "secret/data/app", and its key');
    }
    if (!resolver) throw new Error(`vault("${path}", "${key}") is read by bake only (this command does not read Vault)`);
    return resolver.read({ kind: 'path', path: path.trim().replace(/^\/+|\/+$/g, ''), key });
  };
}

/** What a render sees: the context, with `env` and `vault` made callable. */
export function renderContext(context: TemplateContext): Record<string, unknown> {
  return { ...context, env: envFunction(context.env ?? {}), vault: vaultFunction(context.vault) };
}
