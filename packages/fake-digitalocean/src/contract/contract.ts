import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { createAjv, type AjvOptions } from './ajv';
import { OpenApiDoc } from './openapi';
import { indexOperations, matchOperation, OperationMatch, OperationSpec } from './operations';
import { resolveSpecPath } from './spec-path';

const DOC_ID = 'digitalocean-v2-subset';

export interface RequestFacts {
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

export interface ResponseFacts {
  status: number;
  headers: OutgoingHttpHeaders;
  rawBody: string;
}

/**
 * The OpenAPI document as a contract: finds the operation of a request and lists every way a
 * request or a response departs from what that operation declares. An empty list means it conforms.
 */
export class Contract {
  readonly operations: OperationSpec[];
  private readonly exact: Ajv; // bodies: no coercion, a string id is not an integer id
  private readonly coercing: Ajv; // parameters and headers arrive as strings
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(readonly doc: OpenApiDoc, readonly source = '(in memory)', options: Pick<AjvOptions, 'formats'> = {}) {
    this.exact = createAjv({ ...options, coerceTypes: false });
    this.coercing = createAjv({ ...options, coerceTypes: true });
    for (const ajv of [this.exact, this.coercing]) {
      // Refs point into the document, so ajv compiles its root: its OpenAPI keys must be known keywords.
      for (const key of Object.keys(doc)) if (!ajv.getKeyword(key)) ajv.addKeyword({ keyword: key });
      ajv.addSchema(doc as object, DOC_ID);
    }
    this.operations = indexOperations(doc, DOC_ID);
  }

  static load(specPath: string = resolveSpecPath()): Contract {
    return new Contract(JSON.parse(readFileSync(specPath, 'utf8')) as OpenApiDoc, specPath);
  }

  match(method: string, pathname: string): OperationMatch | undefined {
    return matchOperation(this.operations, method, pathname);
  }

  /** Compiles every schema the operations refer to, so a broken reference fails at start, not mid-test. */
  compileAll(): void {
    for (const op of this.operations) {
      for (const p of op.parameters) this.validator(this.coercing, p.schema);
      if (op.requestBody?.jsonSchema) this.validator(this.exact, op.requestBody.jsonSchema);
      for (const r of op.responses.values()) {
        if (r.jsonSchema) this.validator(this.exact, r.jsonSchema);
        for (const h of r.headers) this.validator(this.coercing, h.schema);
      }
    }
  }

  checkRequest({ operation, pathParams }: OperationMatch, req: RequestFacts): string[] {
    const problems: string[] = [];
    if (operation.secured && !/^Bearer\s+\S+/i.test(String(req.headers.authorization ?? ''))) {
      problems.push('security: the operation requires an `Authorization: Bearer <token>` header');
    }
    for (const p of operation.parameters) {
      const value = parameterValue(p.in, p.name, pathParams, req);
      if (value === undefined) {
        if (p.required) problems.push(`${p.in} parameter ${p.name}: required but missing`);
        continue;
      }
      if (p.in === 'query' && req.query.getAll(p.name).length > 1) {
        problems.push(`query parameter ${p.name}: given more than once`);
      }
      problems.push(...this.check(this.coercing, p.schema, value, `${p.in} parameter ${p.name}`));
    }
    const raw = req.rawBody;
    if (!operation.requestBody) {
      if (raw.length > 0) problems.push('request body: the operation takes none');
      return problems;
    }
    if (raw.length === 0) {
      if (operation.requestBody.required) problems.push('request body: required but empty');
      return problems;
    }
    if (!operation.requestBody.jsonSchema) return problems;
    if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? ''))) {
      problems.push(`request body: content-type must be application/json, got ${req.headers['content-type'] ?? 'none'}`);
    }
    const body = parseJson(raw);
    if (!body.ok) return [...problems, `request body: not JSON (${body.error})`];
    return [...problems, ...this.check(this.exact, operation.requestBody.jsonSchema, body.value, 'request body')];
  }

  checkResponse(operation: OperationSpec, res: ResponseFacts): string[] {
    const declared = operation.responses.get(String(res.status)) ?? operation.responses.get('default');
    if (!declared) return [`status ${res.status}: not declared by ${operation.operationId}`];
    const problems: string[] = [];
    for (const h of declared.headers) {
      const value = res.headers[h.name];
      if (value === undefined) continue;
      problems.push(...this.check(this.coercing, h.schema, String(value), `header ${h.name}`));
    }
    if (!declared.jsonSchema) {
      if (res.rawBody.length > 0) problems.push(`response body: ${declared.status} response declares none`);
      return problems;
    }
    if (!/^application\/json\b/i.test(String(res.headers['content-type'] ?? ''))) {
      problems.push(`response body: content-type must be application/json, got ${res.headers['content-type'] ?? 'none'}`);
    }
    const body = parseJson(res.rawBody);
    if (!body.ok) return [...problems, `response body: not JSON (${body.error})`];
    return [...problems, ...this.check(this.exact, declared.jsonSchema, body.value, 'response body')];
  }

  private check(ajv: Ajv, ref: string, value: unknown, label: string): string[] {
    const validate = this.validator(ajv, ref);
    if (validate(value)) return [];
    return (validate.errors ?? []).slice(0, 25).map((e) => `${label}${e.instancePath || ''}: ${describe(e)}`);
  }

  private validator(ajv: Ajv, ref: string): ValidateFunction {
    const key = `${ajv === this.exact ? 'exact' : 'coercing'} ${ref}`;
    let validate = this.cache.get(key);
    if (!validate) {
      validate = ajv.compile({ $ref: ref });
      this.cache.set(key, validate);
    }
    return validate;
  }
}

function parameterValue(
  location: string,
  name: string,
  pathParams: Record<string, string>,
  req: RequestFacts,
): string | undefined {
  if (location === 'path') return pathParams[name];
  if (location === 'query') return req.query.get(name) ?? undefined;
  if (location === 'header') {
    const v = req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

function parseJson(raw: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

function describe(e: ErrorObject): string {
  const params = Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : '';
  return `${e.message ?? e.keyword}${params} (${e.schemaPath})`;
}
