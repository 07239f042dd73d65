/**
 * Vault's response envelope, where the published OpenAPI document is thin.
 *
 * The document in shared/specs/ is what hashicorp/vault-client-typescript is generated from: it describes
 * most responses as a bare "200 OK", and where it has a schema (KV v2 reads) that schema is the envelope's
 * `data` member, which the generated client unwraps. Vault's API documentation gives the envelope every
 * answer is wrapped in (`request_id`, `lease_id`, `renewable`, `lease_duration`, `data`, `wrap_info`,
 * `warnings`, `auth`, `mount_type`) and its error body (`{ "errors": [...] }`, any 4xx/5xx). This module adds
 * exactly that to an in-memory copy of the document, so the fake's answers are checked against what Vault
 * really sends; the file in shared/specs/ is never changed. Every addition is listed in ADDITIONS.
 */
import { isObject, type JsonObject, type OpenApiDoc } from '../../../fake-digitalocean/src/contract/openapi';

const ref = (name: string): JsonObject => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonObject): JsonObject => ({ 'application/json': { schema } });

/** The envelope, its `data` (and `auth`) narrowed by the operation. */
function envelope(members: { data?: JsonObject; auth?: boolean; lease?: boolean }): JsonObject {
  const properties: JsonObject = {};
  const required = ['request_id', 'lease_id', 'renewable', 'lease_duration'];
  if (members.data) {
    properties.data = members.data;
    required.push('data');
  }
  if (members.auth) {
    properties.auth = ref('VaultAuth');
    required.push('auth');
  }
  // A leased secret (database credentials) is only useful with its lease: a non-empty lease_id.
  if (members.lease) properties.lease_id = { type: 'string', minLength: 1 };
  return { allOf: [ref('VaultResponse'), { type: 'object', properties, required }] };
}

/** Components this module adds, from Vault's API documentation ("Response format", auth methods, sys/health). */
const SCHEMAS: Record<string, JsonObject> = {
  VaultResponse: {
    type: 'object',
    additionalProperties: false,
    properties: {
      request_id: { type: 'string' },
      lease_id: { type: 'string' },
      renewable: { type: 'boolean' },
      lease_duration: { type: 'integer', minimum: 0 },
      data: { type: 'object', nullable: true },
      wrap_info: { type: 'object', nullable: true },
      warnings: { type: 'array', nullable: true, items: { type: 'string' } },
      auth: { type: 'object', nullable: true }, // narrowed to VaultAuth where an operation answers one
      mount_type: { type: 'string' },
    },
  },
  VaultAuth: {
    type: 'object',
    required: ['client_token', 'accessor', 'policies', 'lease_duration', 'renewable'],
    properties: {
      client_token: { type: 'string', minLength: 1 },
      accessor: { type: 'string', minLength: 1 },
      policies: { type: 'array', items: { type: 'string' } },
      token_policies: { type: 'array', items: { type: 'string' } },
      metadata: { type: 'object', nullable: true, additionalProperties: { type: 'string' } },
      lease_duration: { type: 'integer', minimum: 0 },
      renewable: { type: 'boolean' },
      entity_id: { type: 'string' },
      token_type: { enum: ['service', 'batch'] },
      orphan: { type: 'boolean' },
      num_uses: { type: 'integer' },
    },
  },
  VaultErrors: {
    type: 'object',
    additionalProperties: false,
    required: ['errors'],
    properties: { errors: { type: 'array', items: { type: 'string' } } },
  },
  VaultTokenLookup: {
    type: 'object',
    required: ['accessor', 'policies', 'ttl', 'renewable'],
    properties: {
      accessor: { type: 'string' },
      creation_time: { type: 'integer' },
      creation_ttl: { type: 'integer' },
      display_name: { type: 'string' },
      expire_time: { type: 'string', format: 'date-time', nullable: true },
      explicit_max_ttl: { type: 'integer' },
      id: { type: 'string' },
      issue_time: { type: 'string', format: 'date-time' },
      meta: { type: 'object', nullable: true },
      num_uses: { type: 'integer' },
      orphan: { type: 'boolean' },
      path: { type: 'string' },
      policies: { type: 'array', items: { type: 'string' } },
      renewable: { type: 'boolean' },
      ttl: { type: 'integer', minimum: 0 },
      type: { enum: ['service', 'batch'] },
    },
  },
  VaultDatabaseCredentials: {
    type: 'object',
    required: ['username', 'password'],
    properties: { username: { type: 'string', minLength: 1 }, password: { type: 'string', minLength: 1 } },
  },
  VaultHealth: {
    type: 'object',
    required: ['initialized', 'sealed', 'standby'],
    properties: {
      initialized: { type: 'boolean' },
      sealed: { type: 'boolean' },
      standby: { type: 'boolean' },
      performance_standby: { type: 'boolean' },
      replication_performance_mode: { type: 'string' },
      replication_dr_mode: { type: 'string' },
      server_time_utc: { type: 'integer' },
      version: { type: 'string' },
      cluster_name: { type: 'string' },
      cluster_id: { type: 'string' },
    },
  },
};

interface Addition {
  /** Status → the response body's schema (`null`: a response without a body). */
  responses: Record<string, JsonObject | null>;
  why: string;
}

/** Per operation: the responses given a body schema (or added), and why. Every operation also gets `default`: VaultErrors. */
export const ADDITIONS: Record<string, Addition> = {
  'token-look-up-self': { responses: { '200': envelope({ data: ref('VaultTokenLookup') }) }, why: 'documented as "200 OK" only' },
  'token-look-up-self2': { responses: { '200': envelope({ data: ref('VaultTokenLookup') }) }, why: 'documented as "200 OK" only' },
  'token-renew-self': { responses: { '200': envelope({ auth: true }) }, why: 'the renewed token comes back in auth' },
  'token-revoke-self': { responses: { '204': null }, why: 'Vault answers 204 No Content (the document says 200)' },
  'app-role-login': { responses: { '200': envelope({ auth: true }) }, why: 'a login answers auth.client_token' },
  'jwt-login': { responses: { '200': envelope({ auth: true }) }, why: 'a login answers auth.client_token' },
  'read-health-status': {
    responses: Object.fromEntries(['200', '429', '472', '501', '503'].map((status) => [status, ref('VaultHealth')])),
    why: 'every health status answers the health body',
  },
  'kv-v1-read': { responses: { '200': envelope({ data: { type: 'object' } }) }, why: 'the secret is the envelope data' },
  'kv-v2-read': { responses: { '200': envelope({ data: ref('KvV2ReadResponse') }) }, why: "the document's schema is the envelope data" },
  'kv-v2-write': { responses: { '200': envelope({ data: ref('KvV2WriteResponse') }) }, why: "the document's schema is the envelope data" },
  'kv-v2-read-metadata': { responses: { '200': envelope({ data: ref('KvV2ReadMetadataResponse') }) }, why: "the document's schema is the envelope data" },
  'kv-v2-read-configuration': {
    responses: { '200': envelope({ data: ref('KvV2ReadConfigurationResponse') }) },
    why: "the document's schema is the envelope data",
  },
  'leases-renew-lease': { responses: { '200': envelope({}) }, why: 'Vault answers 200 with the lease (the document says 204)' },
  'database-generate-credentials': {
    responses: { '200': envelope({ data: ref('VaultDatabaseCredentials'), lease: true }) },
    why: 'credentials come with their lease',
  },
};

/** A copy of `doc` with the envelope added; the document itself is not changed. */
export function withEnvelope(doc: OpenApiDoc): OpenApiDoc {
  const copy = structuredClone(doc);
  const schemas = (copy.components.schemas ?? {}) as JsonObject;
  for (const [name, schema] of Object.entries(SCHEMAS)) {
    if (name in schemas) throw new Error(`the Vault document already has a schema ${name}: the envelope would hide it`);
    schemas[name] = schema;
  }
  copy.components.schemas = schemas;
  const seen = new Set<string>();
  for (const item of Object.values(copy.paths)) {
    for (const operation of Object.values(item)) {
      if (!isObject(operation) || typeof operation.operationId !== 'string') continue;
      const responses = operation.responses as JsonObject;
      responses.default = { description: 'Vault error', content: json(ref('VaultErrors')) };
      const addition = ADDITIONS[operation.operationId];
      if (!addition) continue;
      seen.add(operation.operationId);
      for (const [status, schema] of Object.entries(addition.responses)) {
        const declared = isObject(responses[status]) ? (responses[status] as JsonObject) : { description: addition.why };
        responses[status] = schema ? { ...declared, content: json(schema) } : { description: declared.description ?? addition.why };
      }
    }
  }
  const missing = Object.keys(ADDITIONS).filter((id) => !seen.has(id));
  if (missing.length) throw new Error(`the Vault document has no operation ${missing.join(', ')}: the envelope table is out of date`);
  return copy;
}
