export { startFakeVault } from './fake';
export type { FakeVault, FakeVaultOptions, FakeVaultSnapshot } from './fake';
export type { LoggedRequest } from './request-log';
export { VaultContract, resolveVaultSpecPath, VAULT_SPEC_FILE } from './contract/vault-contract';
export { BAKE_POLICY, VaultState } from './vault/vault';
export type { Policies, PolicyRule } from './vault/policy';
export type { JwtConfig, JwtRole } from './vault/jwt';
export { jwtSigningKey, mintJwt } from './testing/mint-jwt';
