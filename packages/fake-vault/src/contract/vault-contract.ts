/**
 * The Vault OpenAPI subset as a contract, checked by fake-digitalocean's contract checker (the same ajv
 * set-up and checks; only the document and a few formats differ), with Vault's response envelope added.
 */
import { readFileSync } from 'node:fs';
import type { Format } from 'ajv';
import { Contract } from '../../../fake-digitalocean/src/contract/contract';
import type { OpenApiDoc } from '../../../fake-digitalocean/src/contract/openapi';
import type { OperationMatch, OperationSpec } from '../../../fake-digitalocean/src/contract/operations';
import { findSharedSpec } from '../../../fake-digitalocean/src/contract/spec-path';
import { withEnvelope } from './envelope';

export const VAULT_SPEC_FILE = 'vault-subset.openapi.json';

/** `NX_BAKE_VAULT_SPEC` when set, else `shared/specs/vault-subset.openapi.json` found walking up from here. */
export function resolveVaultSpecPath(from: string = __dirname, env: NodeJS.ProcessEnv = process.env): string {
  return findSharedSpec(VAULT_SPEC_FILE, 'NX_BAKE_VAULT_SPEC', from, env);
}

/** Go durations ("768h", "1h30m", "0s") or whole seconds, as Vault accepts them. */
const GO_DURATION = /^(\d+|(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+)$/;

/** The formats of Vault's document that ajv-formats does not have (or means otherwise: `duration` is not ISO 8601 here). */
export const VAULT_FORMATS: Record<string, Format> = {
  map: true, // on objects, where ajv's formats do not apply: known, so that strict mode accepts it
  duration: { type: 'string', validate: (value: string) => GO_DURATION.test(value) },
  lowercase: { type: 'string', validate: (value: string) => value === value.toLowerCase() },
};

export class VaultContract {
  readonly contract: Contract;
  private readonly byId = new Map<string, OperationSpec>();

  constructor(doc: OpenApiDoc, source = '(in memory)') {
    this.contract = new Contract(withEnvelope(doc), source, { formats: VAULT_FORMATS });
    for (const operation of this.contract.operations) this.byId.set(operation.operationId, operation);
  }

  static load(specPath: string = resolveVaultSpecPath()): VaultContract {
    const contract = new VaultContract(JSON.parse(readFileSync(specPath, 'utf8')) as OpenApiDoc, specPath);
    contract.contract.compileAll();
    return contract;
  }

  get operations(): OperationSpec[] {
    return this.contract.operations;
  }

  /**
   * The operation of a request the fake routed itself (Vault routes by its mount table: `/auth/approle/login`
   * and `/auth/jwt/login` fit both login templates). The path the operation's template gives with these
   * parameters must be the path requested, else the route and the contract disagree.
   */
  operation(operationId: string, pathParams: Record<string, string>, pathname: string): OperationMatch {
    const operation = this.byId.get(operationId);
    if (!operation) throw new Error(`the contract has no operation ${operationId}`);
    const built = operation.template.replace(/\{([^}]+)\}/g, (_, name: string) => {
      if (!(name in pathParams)) throw new Error(`${operationId}: no value for path parameter ${name}`);
      return pathParams[name];
    });
    if (built !== pathname) throw new Error(`${operationId}: ${pathname} is not ${operation.template} (it gives ${built})`);
    return { operation, pathParams };
  }
}
