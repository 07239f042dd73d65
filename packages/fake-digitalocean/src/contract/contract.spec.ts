import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract } from './contract';
import { deref, isObject, Json, JsonObject } from './openapi';
import { resolveSpecPath, SPEC_FILE } from './spec-path';

const contract = Contract.load();
const json = { 'content-type': 'application/json' };
const authorized = { authorization: 'Bearer t', 'content-type': 'application/json' };

describe('Contract', () => {
  it('indexes the 26 operations of the subset and compiles all their schemas', () => {
    expect(contract.operations).toHaveLength(26);
    expect(() => contract.compileAll()).not.toThrow();
  });

  it('matches paths to operations, parameters included', () => {
    expect(contract.match('GET', '/v2/droplets/42')).toMatchObject({
      operation: { operationId: 'droplets_get' },
      pathParams: { droplet_id: '42' },
    });
    expect(contract.match('DELETE', '/v2/droplets')?.operation.operationId).toBe('droplets_destroy_byTag');
    expect(contract.match('GET', '/v2/account')?.operation.operationId).toBe('account_get');
    expect(contract.match('GET', '/v2/account/keys/ab%3Acd')?.pathParams).toEqual({ ssh_key_identifier: 'ab:cd' });
    expect(contract.match('PATCH', '/v2/droplets/42')).toBeUndefined();
    expect(contract.match('GET', '/v2/volumes')).toBeUndefined();
  });

  it('accepts every response example of the spec (the validator is not stricter than DigitalOcean)', () => {
    let checked = 0;
    for (const op of contract.operations) {
      const responses = contract.doc.paths[op.template][op.method.toLowerCase()] as JsonObject;
      for (const [status, response] of Object.entries(responses.responses as JsonObject)) {
        if (status === 'default') continue;
        for (const example of examplesOf(deref(contract.doc, response, []).node)) {
          expect([op.operationId, status, contract.checkResponse(op, { status: Number(status), headers: json, rawBody: JSON.stringify(example) })])
            .toEqual([op.operationId, status, []]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('accepts every request body example of the spec', () => {
    let checked = 0;
    for (const op of contract.operations) {
      const operation = contract.doc.paths[op.template][op.method.toLowerCase()] as JsonObject;
      if (!operation.requestBody) continue;
      const pathParams = Object.fromEntries(op.pathParamNames.map((n) => [n, n === 'tag_id' ? 'web' : '1']));
      for (const example of examplesOf(deref(contract.doc, operation.requestBody, []).node)) {
        const problems = contract.checkRequest({ operation: op, pathParams }, { query: new URLSearchParams(), headers: authorized, rawBody: JSON.stringify(example) });
        expect([op.operationId, problems]).toEqual([op.operationId, []]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(2); // the two droplet-create examples
  });

  it('reports an undeclared status, a body where none is declared, and a non-JSON body', () => {
    const get = contract.match('GET', '/v2/account')!.operation;
    const del = contract.match('DELETE', '/v2/account/keys/1')!.operation;
    expect(contract.checkResponse(get, { status: 200, headers: json, rawBody: 'nope' })[0]).toMatch(/not JSON/);
    expect(contract.checkResponse(del, { status: 204, headers: {}, rawBody: '{}' })[0]).toMatch(/declares none/);
    expect(contract.checkResponse(del, { status: 204, headers: {}, rawBody: '' })).toEqual([]);
    expect(contract.checkResponse(get, { status: 200, headers: { 'content-type': 'text/plain' }, rawBody: '{}' })[0]).toMatch(/content-type/);
    expect(contract.checkResponse(get, { status: 200, headers: { ...json, 'ratelimit-limit': 'lots' }, rawBody: '{}' })[0]).toMatch(/header ratelimit-limit: must be integer/);
    const noDefault = { ...get, responses: new Map([...get.responses].filter(([s]) => s !== 'default')) };
    expect(contract.checkResponse(noDefault, { status: 418, headers: json, rawBody: '{}' })).toEqual(['status 418: not declared by account_get']);
  });

  it('checks parameters with their types: required query, integer path, boolean query', () => {
    const byTag = contract.match('DELETE', '/v2/droplets')!;
    const facts = (query: string) => ({ query: new URLSearchParams(query), headers: authorized, rawBody: '' });
    expect(contract.checkRequest(byTag, facts(''))).toEqual(['query parameter tag_name: required but missing']);
    expect(contract.checkRequest(byTag, facts('tag_name=web'))).toEqual([]);
    const images = contract.match('GET', '/v2/images')!;
    expect(contract.checkRequest(images, facts('private=true&per_page=200'))).toEqual([]);
    expect(contract.checkRequest(images, facts('per_page=201')).join()).toMatch(/per_page: must be <= 200/);
    const get = contract.match('GET', '/v2/droplets/0')!;
    expect(contract.checkRequest(get, facts('')).join()).toMatch(/droplet_id: must be >= 1/);
  });
});

describe('resolveSpecPath', () => {
  it('prefers NX_BAKE_DO_SPEC, and says so when it points nowhere', () => {
    expect(resolveSpecPath(__dirname, { NX_BAKE_DO_SPEC: '/etc/hostname' })).toBe('/etc/hostname');
    expect(() => resolveSpecPath(__dirname, { NX_BAKE_DO_SPEC: '/nowhere/spec.json' })).toThrow(/does not exist/);
  });

  it('walks up to shared/specs beside the checkout', () => {
    const root = mkdtempSync(join(tmpdir(), 'fake-do-spec-'));
    mkdirSync(join(root, 'shared', 'specs'), { recursive: true });
    writeFileSync(join(root, 'shared', 'specs', SPEC_FILE), '{}');
    const deep = join(root, 'main', 'packages', 'fake-digitalocean', 'src');
    mkdirSync(deep, { recursive: true });
    expect(resolveSpecPath(deep, {})).toBe(join(root, 'shared', 'specs', SPEC_FILE));
    // Not tmpdir(): a checkout (and the shared/ beside it) may well live there, as CI's does.
    expect(() => resolveSpecPath('/proc/self', {})).toThrow(/NX_BAKE_DO_SPEC/);
  });
});

/** The JSON examples of a response or request body (`example`, or `examples` with values or $refs). */
function examplesOf(node: JsonObject): Json[] {
  const media = isObject(node.content) ? node.content['application/json'] : undefined;
  if (!isObject(media)) return [];
  if (media.example !== undefined) return [media.example];
  if (!isObject(media.examples)) return [];
  return Object.values(media.examples).map((e) => deref(contract.doc, e, []).node.value);
}
