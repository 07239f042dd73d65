/**
 * References to secrets in HashiCorp Vault, as the pipeline model knows them: what a template's
 * `vault(path, key)` or a variable's `vault:` names, and the resolver that gives their values. The model
 * never talks to Vault: the engine reads every reference of a stage before it builds (src/secrets) and
 * hands a resolver of those values to the templates; `validate` and `plan` get `placeholderVault`, so a
 * reference renders as `<from vault: path#key>` and Vault is never called.
 */
import type { VaultVariableSource } from './types';

/**
 * `path`: `vault(path, key)` as in Packer, the API path as given (`secret/data/app`), the value at
 * `data.data[key]` (KV v2) or `data[key]` (KV v1 and other engines). `kv`: a variable's `vault:`, a KV
 * secret by mount and path; its KV version is `version`, else detected from the mount.
 */
export type VaultReference = { kind: 'path'; path: string; key: string } | { kind: 'kv'; mount: string; path: string; key: string; version?: 1 | 2 };

/** A variable's `vault:` as a reference (the mount defaults to `secret`, a Vault dev server's KV v2). */
export function kvReference(source: VaultVariableSource): VaultReference {
  return { kind: 'kv', mount: source.mount ?? 'secret', path: source.path, key: source.key, ...(source.version ? { version: source.version } : {}) };
}

export interface VaultResolver {
  /** The value of one key of a secret (a string, usually). */
  read(reference: VaultReference): unknown;
  /** What must be redacted from then on: every value read, and the credentials that read them. */
  secrets?(): Iterable<string>;
}

/** `secret/data/app#deploy_token` (`vault()`), `secret/app#deploy_token` (a KV variable: mount, then path). */
export function describeVaultReference(reference: VaultReference): string {
  const path = reference.kind === 'kv' ? `${reference.mount}/${reference.path}` : reference.path;
  return `${path}#${reference.key}`;
}

/** One string per distinct reference (a Map key). */
export function vaultReferenceKey(reference: VaultReference): string {
  return reference.kind === 'kv' ? `kv ${reference.mount} ${reference.path} ${reference.version ?? ''} ${reference.key}` : `path ${reference.path} ${reference.key}`;
}

export const vaultPlaceholder = (reference: VaultReference): string => `<from vault: ${describeVaultReference(reference)}>`;

const PLACEHOLDER = /^<from vault: [^>]*>$/;

/** Whether a value is a placeholder (it is not converted to its variable's type, and never sent anywhere). */
export const isVaultPlaceholder = (value: unknown): boolean => typeof value === 'string' && PLACEHOLDER.test(value);

/** Whether a rendered value (a builder config) holds a placeholder anywhere: what `plan` must not send to a provider. */
export function holdsVaultPlaceholder(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('<from vault: ');
  if (Array.isArray(value)) return value.some(holdsVaultPlaceholder);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(holdsVaultPlaceholder);
  return false;
}

/** What `validate` and `plan` read: `<from vault: path#key>`, without calling Vault. */
export const placeholderVault: VaultResolver = { read: vaultPlaceholder };

/** A placeholder resolver that keeps every reference asked for: how the engine finds what a stage reads from Vault. */
export class CollectingVault implements VaultResolver {
  private readonly found = new Map<string, VaultReference>();

  read(reference: VaultReference): string {
    this.found.set(vaultReferenceKey(reference), reference);
    return vaultPlaceholder(reference);
  }

  get references(): VaultReference[] {
    return [...this.found.values()];
  }
}
