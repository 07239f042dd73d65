import type { VaultAnswer } from './answer';
import type { TokenEntry } from './tokens';
import type { VaultState } from './vault';

export interface VaultRequest {
  /** Path under /v1/, without a leading slash: `secret/data/app`. */
  path: string;
  pathParams: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  /** The caller's live token (unauthenticated operations: undefined). */
  token?: TokenEntry;
}

export type Handler = (state: VaultState, request: VaultRequest) => VaultAnswer;
