import { deref, HTTP_METHODS, isObject, Json, OpenApiDoc, schemaRef } from './openapi';

export interface ParameterSpec {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required: boolean;
  schema: string; // ajv ref
}

export interface ResponseSpec {
  status: string; // "200", "default", ...
  jsonSchema?: string; // ajv ref of the application/json schema, when the response has a body
  headers: { name: string; schema: string }[];
}

export interface OperationSpec {
  operationId: string;
  method: string; // upper case
  template: string; // /v2/droplets/{droplet_id}
  parameters: ParameterSpec[];
  requestBody?: { required: boolean; jsonSchema?: string };
  responses: Map<string, ResponseSpec>;
  secured: boolean;
  matcher: RegExp;
  pathParamNames: string[];
}

export interface OperationMatch {
  operation: OperationSpec;
  pathParams: Record<string, string>;
}

/** Every operation of the document, with the ajv refs of its parameter, body and response schemas. */
export function indexOperations(doc: OpenApiDoc, docId: string): OperationSpec[] {
  const globalSecurity = Array.isArray(doc.security) && doc.security.length > 0;
  const operations: OperationSpec[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    const pathParams = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op)) continue;
      const at = ['paths', template, method];
      const parameters = [
        ...pathParams.map((p, i) => parameter(doc, docId, p, ['paths', template, 'parameters', String(i)])),
        ...(Array.isArray(op.parameters) ? op.parameters : []).map((p, i) =>
          parameter(doc, docId, p, [...at, 'parameters', String(i)]),
        ),
      ];
      const security = Array.isArray(op.security) ? op.security.length > 0 : globalSecurity;
      const { matcher, names } = compileTemplate(template);
      operations.push({
        operationId: String(op.operationId),
        method: method.toUpperCase(),
        template,
        parameters,
        requestBody: op.requestBody === undefined ? undefined : requestBody(doc, docId, op.requestBody, [...at, 'requestBody']),
        responses: responses(doc, docId, op.responses, [...at, 'responses']),
        secured: security,
        matcher,
        pathParamNames: names,
      });
    }
  }
  // Literal segments win over templated ones when both match.
  return operations.sort((a, b) => literalWeight(b.template) - literalWeight(a.template));
}

export function matchOperation(operations: OperationSpec[], method: string, pathname: string): OperationMatch | undefined {
  for (const operation of operations) {
    if (operation.method !== method.toUpperCase()) continue;
    const m = operation.matcher.exec(pathname);
    if (!m) continue;
    const pathParams: Record<string, string> = {};
    operation.pathParamNames.forEach((name, i) => (pathParams[name] = decodeURIComponent(m[i + 1])));
    return { operation, pathParams };
  }
  return undefined;
}

function parameter(doc: OpenApiDoc, docId: string, node: Json, at: string[]): ParameterSpec {
  const { node: p, at: where } = deref(doc, node, at);
  return {
    name: String(p.name),
    in: p.in as ParameterSpec['in'],
    required: p.required === true,
    schema: schemaRef(docId, [...where, 'schema']),
  };
}

function requestBody(doc: OpenApiDoc, docId: string, node: Json, at: string[]): OperationSpec['requestBody'] {
  const { node: body, at: where } = deref(doc, node, at);
  const content = isObject(body.content) ? body.content : {};
  const json = isObject(content['application/json']) && content['application/json'].schema !== undefined;
  return {
    required: body.required === true,
    jsonSchema: json ? schemaRef(docId, [...where, 'content', 'application/json', 'schema']) : undefined,
  };
}

function responses(doc: OpenApiDoc, docId: string, node: Json, at: string[]): Map<string, ResponseSpec> {
  const result = new Map<string, ResponseSpec>();
  if (!isObject(node)) return result;
  for (const [status, value] of Object.entries(node)) {
    const { node: response, at: where } = deref(doc, value, [...at, status]);
    const content = isObject(response.content) ? response.content : {};
    const json = isObject(content['application/json']) && content['application/json'].schema !== undefined;
    const headers = isObject(response.headers) ? response.headers : {};
    result.set(status, {
      status,
      jsonSchema: json ? schemaRef(docId, [...where, 'content', 'application/json', 'schema']) : undefined,
      headers: Object.keys(headers).map((name) => {
        const { at: headerAt } = deref(doc, headers[name], [...where, 'headers', name]);
        return { name: name.toLowerCase(), schema: schemaRef(docId, [...headerAt, 'schema']) };
      }),
    });
  }
  return result;
}

function compileTemplate(template: string): { matcher: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template
    .split('/')
    .map((segment) => {
      const m = /^\{([^}]+)\}$/.exec(segment);
      if (!m) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[1]);
      return '([^/]+)';
    })
    .join('/');
  return { matcher: new RegExp(`^${source}/?$`), names };
}

function literalWeight(template: string): number {
  return template.split('/').filter((s) => s && !s.startsWith('{')).length;
}
