import Ajv, { type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { resolveSpecPath } from './spec-path';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  validate: ValidateFunction;
}

interface Operation {
  operationId: string;
  method: string;
  template: string;
  matcher: RegExp;
  pathNames: string[];
  parameters: Parameter[];
  /** Bearer schemes the operation requires (its `security`, else the document's). */
  bearer: boolean;
  /** Media types the request body may have; undefined when the operation takes none. */
  requestTypes?: string[];
  /** By status: media type → validator of the body (undefined: no body declared). */
  responses: Map<string, Map<string, ValidateFunction> | undefined>;
}

export interface RequestFacts {
  method: string;
  pathname: string;
  headers: IncomingHttpHeaders;
  bodyLength: number;
}

export interface ResponseFacts {
  status: number;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

/** Nx's remote cache spec as a contract: every way a request or a response departs from it, as text. */
export class Contract {
  private readonly operations: Operation[] = [];

  constructor(readonly doc: JsonObject, readonly source = '(in memory)') {
    const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: true, validateFormats: false });
    ajv.addKeyword({ keyword: 'example' });
    const paths = (doc.paths ?? {}) as Record<string, JsonObject>;
    const schemes = ((doc.components as JsonObject | undefined)?.securitySchemes ?? {}) as Record<string, JsonObject>;
    for (const [template, item] of Object.entries(paths)) {
      for (const method of ['get', 'put', 'post', 'delete', 'head', 'patch']) {
        const op = item[method] as JsonObject | undefined;
        if (!op) continue;
        const pathNames: string[] = [];
        const pattern = template
          .split('/')
          .map((segment) => {
            const match = /^\{([^}]+)\}$/.exec(segment);
            if (!match) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
            pathNames.push(match[1]);
            return '([^/]+)';
          })
          .join('/');
        const security = (op.security ?? doc.security ?? []) as Record<string, string[]>[];
        const content = ((op.requestBody as JsonObject | undefined)?.content ?? undefined) as JsonObject | undefined;
        const responses = new Map<string, Map<string, ValidateFunction> | undefined>();
        for (const [status, response] of Object.entries((op.responses ?? {}) as Record<string, JsonObject>)) {
          const media = response.content as Record<string, JsonObject> | undefined;
          responses.set(status, media ? new Map(Object.entries(media).map(([type, entry]) => [type, ajv.compile(bodySchema(entry.schema as JsonObject))])) : undefined);
        }
        this.operations.push({
          operationId: String(op.operationId),
          method: method.toUpperCase(),
          template,
          matcher: new RegExp(`^${pattern}$`),
          pathNames,
          parameters: ((op.parameters ?? []) as JsonObject[]).map((p) => ({
            name: String(p.name),
            in: p.in as Parameter['in'],
            required: p.required === true,
            validate: ajv.compile((p.schema ?? {}) as JsonObject),
          })),
          bearer: security.some((requirement) => Object.keys(requirement).some((name) => schemes[name]?.type === 'http' && String(schemes[name]?.scheme).toLowerCase() === 'bearer')),
          requestTypes: content ? Object.keys(content) : undefined,
          responses,
        });
      }
    }
  }

  static load(specPath: string = resolveSpecPath()): Contract {
    return new Contract(JSON.parse(readFileSync(specPath, 'utf8')) as JsonObject, specPath);
  }

  /** The operation a request is for, with its path parameters; undefined when the spec has none. */
  match(method: string, pathname: string): { operationId: string; pathParams: Record<string, string> } | undefined {
    const operation = this.find(method, pathname);
    return operation && { operationId: operation.operationId, pathParams: this.pathParams(operation, pathname) };
  }

  checkRequest(request: RequestFacts): string[] {
    const operation = this.find(request.method, request.pathname);
    if (!operation) return [`${request.method} ${request.pathname}: no operation of the spec`];
    const problems: string[] = [];
    if (operation.bearer && !/^Bearer\s+\S+/i.test(String(request.headers.authorization ?? ''))) {
      problems.push('security: the operation requires an `Authorization: Bearer <token>` header');
    }
    const pathParams = this.pathParams(operation, request.pathname);
    for (const parameter of operation.parameters) {
      const raw = parameter.in === 'path' ? pathParams[parameter.name] : parameter.in === 'header' ? request.headers[parameter.name.toLowerCase()] : undefined;
      const value = Array.isArray(raw) ? raw[0] : raw;
      if (value === undefined) {
        if (parameter.required) problems.push(`${parameter.in} parameter ${parameter.name}: required but missing`);
        continue;
      }
      // Coercion happens in place: validate a holder object so that a string header can become a number.
      const holder = { value };
      if (!parameter.validate(holder.value)) problems.push(`${parameter.in} parameter ${parameter.name}: ${JSON.stringify(value)} ${parameter.validate.errors?.map((e) => e.message).join(', ')}`);
    }
    if (!operation.requestTypes) {
      if (request.bodyLength > 0) problems.push('request body: the operation takes none');
    } else if (request.bodyLength > 0) {
      const type = mediaType(request.headers['content-type']);
      if (type && !operation.requestTypes.includes(type)) problems.push(`request body: content-type ${type} is not one of ${operation.requestTypes.join(', ')}`);
    }
    return problems;
  }

  checkResponse(method: string, pathname: string, response: ResponseFacts): string[] {
    const operation = this.find(method, pathname);
    if (!operation) return [];
    const status = String(response.status);
    if (!operation.responses.has(status) && !operation.responses.has('default')) return [`status ${status}: not declared by ${operation.operationId}`];
    const declared = operation.responses.get(status) ?? operation.responses.get('default');
    if (!declared) return response.body.length > 0 ? [`response body: the ${status} response declares none`] : [];
    const type = mediaType(response.headers['content-type'] as string | undefined);
    const validate = type ? declared.get(type) : undefined;
    if (!validate) return [`response body: content-type ${type ?? 'none'} is not one of ${[...declared.keys()].join(', ')}`];
    const value = type === 'application/octet-stream' ? response.body.toString('latin1') : response.body.toString('utf8');
    return validate(value) ? [] : [`response body: ${validate.errors?.map((e) => e.message).join(', ')}`];
  }

  private find(method: string, pathname: string): Operation | undefined {
    return this.operations.find((operation) => operation.method === method.toUpperCase() && operation.matcher.test(pathname));
  }

  private pathParams(operation: Operation, pathname: string): Record<string, string> {
    const match = operation.matcher.exec(pathname);
    return Object.fromEntries(operation.pathNames.map((name, i) => [name, decodeURIComponent(match?.[i + 1] ?? '')]));
  }
}

/** `format: binary` is OpenAPI's way of saying "bytes": validated as a string of them. */
function bodySchema(schema: JsonObject | undefined): JsonObject {
  if (!schema) return {};
  const { format: _format, ...rest } = schema;
  return rest;
}

function mediaType(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(';')[0].trim().toLowerCase() || undefined;
}
