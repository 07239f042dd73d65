/**
 * A failed Vault request, as a bake reports it: the request (method and API path) and Vault's HTTP status
 * with its own error messages, or why no answer came. Never a token: none is part of a path, a status or
 * Vault's messages, and the session's redactor covers the rest.
 */
export class VaultRequestError extends Error {
  constructor(
    /** `GET /v1/secret/data/app` */
    readonly request: string,
    readonly status: number | undefined,
    readonly vaultErrors: string[],
    /** Without a status: why no answer came (connection refused, timeout, TLS). */
    readonly failure?: string,
  ) {
    super(status === undefined ? `${request} failed: ${failure}` : `${request} answered HTTP ${status}${describeErrors(status, vaultErrors)}`);
  }
}

function describeErrors(status: number, errors: string[]): string {
  const text = errors.filter(Boolean).join('; ');
  if (text) return `: ${text}`;
  if (status === 404) return ': nothing at this path';
  return '';
}
