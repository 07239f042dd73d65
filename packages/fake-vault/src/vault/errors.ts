/** A Vault error answer: the status and Vault's `{ "errors": [...] }` body. */
export class VaultError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
  ) {
    super(errors.join('; ') || `HTTP ${status}`);
  }
}

/** What Vault answers for a missing, expired or revoked token, and for a path the token's policies do not allow. */
export const permissionDenied = (): VaultError => new VaultError(403, ['permission denied']);

/** A missing KV secret: Vault answers 404 with an empty error list. */
export const notFound = (): VaultError => new VaultError(404, []);

export const badRequest = (message: string): VaultError => new VaultError(400, [message]);
