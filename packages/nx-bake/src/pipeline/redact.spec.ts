import { loadPipelineFile } from './load';
import { Redactor, redactorFor, REDACTED } from './redact';
import { REPO_ROOT } from '../../test/fixtures/pipelines/fixtures';
import { resolveVariables } from './variables';

describe('Redactor', () => {
  const secret = 'p@ss w0rd/"quoted"&more';

  it('replaces a secret wherever it appears', () => {
    const redactor = new Redactor([secret]);
    expect(redactor.redact(`login with ${secret} then ${secret}.`)).toBe(`login with ${REDACTED} then ${REDACTED}.`);
    expect(redactor.redact('nothing to hide')).toBe('nothing to hide');
  });

  it('replaces its JSON-escaped, URL-encoded and base64 forms', () => {
    const redactor = new Redactor([secret]);
    const json = JSON.stringify({ password: secret });
    expect(json).not.toContain(secret);
    expect(redactor.redact(json)).toBe(`{"password":"${REDACTED}"}`);
    expect(redactor.redact(`https://host/?p=${encodeURIComponent(secret)}`)).toBe(`https://host/?p=${REDACTED}`);
    expect(redactor.redact(`p=${encodeURIComponent(secret).replace(/%20/g, '+')}`)).toBe(`p=${REDACTED}`);
    const base64 = Buffer.from(secret).toString('base64');
    expect(redactor.redact(`token ${base64}`)).toBe(`token ${REDACTED}`);
    expect(redactor.redact(`token ${base64.replace(/=+$/, '')}!`)).toBe(`token ${REDACTED}!`);
    expect(redactor.redact(`token ${Buffer.from(secret).toString('base64url')}`)).toBe(`token ${REDACTED}`);
  });

  it('finds a secret inside a longer base64 text, at any byte offset', () => {
    const redactor = new Redactor(['correct-horse-battery-staple']);
    for (const user of ['u', 'us', 'use', 'user:']) {
      const header = `Authorization: Basic ${Buffer.from(`${user}:correct-horse-battery-staple`).toString('base64')}`;
      const redacted = redactor.redact(header);
      expect(redacted).toContain(REDACTED);
      // What is left cannot be decoded back to the secret.
      expect(Buffer.from(redacted.replace(/^.*Basic /, '').replace(REDACTED, ''), 'base64').toString()).not.toContain('horse');
    }
  });

  it('ignores empty and very short secrets (< 4 characters), which would shred the text', () => {
    const redactor = new Redactor(['', 'ab', 'abc']);
    expect(redactor.size).toBe(0);
    expect(redactor.redact('abc abcd ab')).toBe('abc abcd ab');
    redactor.add('abcd');
    expect(redactor.redact('abc abcd ab')).toBe(`abc ${REDACTED} ab`);
  });

  it('replaces the longer of two overlapping secrets whole', () => {
    const redactor = new Redactor(['token', 'token-with-suffix']);
    expect(redactor.redact('a token-with-suffix b token')).toBe(`a ${REDACTED} b ${REDACTED}`);
  });

  it('redacts values deeply into a copy, keys included', () => {
    const redactor = new Redactor([secret]);
    const value = { list: [secret, 1, true, null], nested: { [secret]: `x${secret}x` }, when: new Date(0) };
    const redacted = redactor.redactValue(value);
    expect(redacted).toEqual({ list: [REDACTED, 1, true, null], nested: { [REDACTED]: `x${REDACTED}x` }, when: new Date(0) });
    expect(value.list[0]).toBe(secret);
  });
});

describe('redactorFor', () => {
  it("redacts the pipeline's sensitive variable values, not the others", () => {
    const pipeline = loadPipelineFile('pipelines/images/pipeline.yaml', { workspaceRoot: REPO_ROOT });
    const variables = resolveVariables(pipeline, { workspaceRoot: REPO_ROOT, env: {}, vars: ['deploy_token=real-deploy-token'] });
    const redactor = redactorFor(pipeline, variables);
    expect(redactor.redact('DEPLOY_TOKEN=real-deploy-token WEB_ROOT=/srv/www/site')).toBe(`DEPLOY_TOKEN=${REDACTED} WEB_ROOT=/srv/www/site`);
    // The declared default too: it may be the value in another run.
    expect(redactor.redact('not-a-real-token')).toBe(REDACTED);
  });

  it('redacts the leaves and the JSON of sensitive lists and maps', () => {
    const pipeline = loadPipelineFile('pipelines/images/pipeline.yaml', { workspaceRoot: REPO_ROOT });
    const redactor = redactorFor(
      { ...pipeline, variables: { keys: { type: 'map', sensitive: true } } },
      { values: { keys: { a: 'first-secret', b: ['second-secret', 12345] } }, sensitive: ['keys'] },
    );
    expect(redactor.redact('first-secret second-secret 12345')).toBe(`${REDACTED} ${REDACTED} ${REDACTED}`);
    expect(redactor.redact(JSON.stringify({ a: 'first-secret', b: ['second-secret', 12345] }))).toBe(REDACTED);
  });
});
