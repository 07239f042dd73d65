/** Just enough of OpenAPI 3.0's document model to find an operation's schemas. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface OpenApiDoc extends JsonObject {
  paths: { [path: string]: JsonObject };
  components: JsonObject;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;

/** A JSON pointer, as a URI fragment ajv can resolve inside the document registered as `docId`. */
export function schemaRef(docId: string, pointer: string[]): string {
  const encoded = pointer.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1')));
  return `${docId}#/${encoded.join('/')}`;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows an OpenAPI `$ref` (to a parameter, response, ...): the object and where it lives. */
export function deref(doc: OpenApiDoc, node: Json, at: string[]): { node: JsonObject; at: string[] } {
  let current = node;
  let pointer = at;
  for (let hops = 0; isObject(current) && typeof current.$ref === 'string'; hops++) {
    if (hops > 20) throw new Error(`$ref loop at /${at.join('/')}`);
    const ref = current.$ref;
    if (!ref.startsWith('#/')) throw new Error(`external $ref ${ref} is not supported`);
    pointer = ref
      .slice(2)
      .split('/')
      .map((p) => decodeURIComponent(p).replace(/~1/g, '/').replace(/~0/g, '~'));
    current = pointer.reduce<Json>((n, key) => (isObject(n) ? n[key] : undefined) as Json, doc);
  }
  if (!isObject(current)) throw new Error(`/${pointer.join('/')} is not an object`);
  return { node: current, at: pointer };
}
