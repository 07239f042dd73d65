/**
 * Reading secrets from HashiCorp Vault for a bake (the engine loads this folder only when a stage refers
 * to Vault). See vault-settings.ts for the environment it reads, kv-read.ts for how a reference becomes an
 * API read, vault-session.ts for the once-per-process reads, renewals and revocations.
 */
import { VaultSession } from './vault-session';
import { vaultSettings } from './vault-settings';

export { VaultSession, VaultValues } from './vault-session';

/** A session for the environment's Vault; settings are checked here (VAULT_ADDR, the auth method's variables). */
export function openVaultSession(env: NodeJS.ProcessEnv, say: (message: string) => void): VaultSession {
  try {
    return new VaultSession(vaultSettings(env), say);
  } catch (error) {
    throw new Error(`vault: ${(error as Error).message}`);
  }
}
