/**
 * Secrets from Vault in real bakes (issue #15): two Docker stages read a KV v2 and a KV v1 secret through
 * variables' `vault:` and `vault()` calls, and dynamic database credentials, from the fake Vault (a real
 * HTTP server checking every exchange against Vault's OpenAPI subset). What is asserted is what the fake
 * saw (each request, by which token) and what the Docker engine did (container creates), not the bake's
 * own report alone.
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startBake } from '../support/bake-process';
import { useBakeFixture } from '../support/bake-fixture';
import { removeByLabel, watchContainerCreates } from '../support/docker';
import { freePort } from '../support/net';
import { useVaultFixture } from '../support/vault-fixture';
import { repoRoot } from '../support/workspace';
import { localLeaks } from '../reliability/leaks';

const pipeline = `vault${randomUUID().slice(0, 6)}`;
const label = `nx-bake.pipeline=${pipeline}`;
const sha = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 16);

const VAULT_PIPELINE = (name: string) => `name: ${name}
variables:
  deploy_token: { type: string, vault: { path: app, key: deploy_token } }
  password: { type: string, vault: { path: app, key: password, mount: kv } }
  fail: { type: string, default: "0" }
builders:
  local:
    type: docker
    network: host
    repository: nx-bake-vault/${name}
stages:
  - name: base
    from: { image: nx-bake/debian:bookworm }
    provisioners:
      - type: shell
        environment_vars:
          - "TOKEN={{ var.deploy_token }}"
          - "PASSWORD={{ var.password }}"
          - "DB_USER={{ vault('database/creds/app', 'username') }}"
          - "DB_PASSWORD={{ vault('database/creds/app', 'password') }}"
          - "FAIL={{ var.fail }}"
        inline:
          - echo "token $(printf %s "$TOKEN" | sha256sum | cut -c1-16) password $(printf %s "$PASSWORD" | sha256sum | cut -c1-16)"
          - test -n "$DB_USER" && test -n "$DB_PASSWORD" && echo "db user $DB_USER"
          - test "$FAIL" = 0
  - name: app
    from: { stage: base }
    provisioners:
      - type: shell
        environment_vars: ["TOKEN={{ vault('secret/data/app', 'deploy_token') }}", "SAME={{ var.deploy_token }}"]
        inline: ['test "$TOKEN" = "$SAME" && echo "app token $(printf %s "$TOKEN" | sha256sum | cut -c1-16)"']
`;

describe('secrets from Vault in a Docker bake', () => {
  const vault = useVaultFixture();
  const fx = useBakeFixture({
    name: 'vault-bake',
    files: {
      [`pipelines/${pipeline}/pipeline.yaml`]: VAULT_PIPELINE(pipeline),
      [`pipelines/${pipeline}/base/README.md`]: 'the base stage\n',
      [`pipelines/${pipeline}/app/README.md`]: 'the app stage\n',
      [`pipelines/${pipeline}-plain/pipeline.yaml`]: `name: ${pipeline}-plain\nbuilders:\n  local: { type: docker }\nstages:\n  - name: only\n    from: { image: nx-bake/debian:bookworm }\n`,
      [`pipelines/${pipeline}-plain/only/README.md`]: 'a stage without Vault\n',
    },
  });
  afterAll(() => removeByLabel(label));
  beforeEach(() => vault.fake.clearRequests());
  afterEach(() => expect(vault.fake.violations()).toEqual([]));

  /** Runs nx, and what the engine created meanwhile (build containers of this pipeline). */
  async function bake(args: string[], env: NodeJS.ProcessEnv) {
    const watch = await watchContainerCreates(label);
    const result = await fx.workspace.nxAsync([...args, '--output-style=stream'], { env: fx.env({ ...env, PYTHONUNBUFFERED: '1' }) });
    const created = (await watch.stop()).map((event) => event.attributes['nx-bake.stage']);
    return { ...result, created };
  }
  const leaseRevokes = () => vault.requestsTo('/v1/sys/leases/revoke').map((request) => JSON.parse(request.requestBody).lease_id as string);
  const issuedLeases = () => vault.requestsTo('/v1/database/creds/app').map((request) => JSON.parse(request.responseBody).lease_id as string);

  it('validate and plan never call Vault: plan shows the references', () => {
    const env = fx.env(vault.tokenEnv());
    const validated = fx.workspace.nx(['run', `${pipeline}:validate`], { env });
    expect([validated.status, validated.output.slice(-3000)]).toEqual([0, expect.stringContaining('is valid (2 stages)')]);
    const planned = fx.workspace.nx(['run', `${pipeline}:plan`, '--outputFile=tmp/plan.json', '--output-style=static'], { env });
    expect(planned.status).toBe(0);
    const entries = JSON.parse(readFileSync(join(fx.workspace.root, 'tmp/plan.json'), 'utf8')) as { stage: string; vault?: string[] }[];
    // The app stage is planned no further than "its base will be built".
    expect(entries.map((entry) => [entry.stage, entry.vault])).toEqual([
      ['base', ['<from vault: secret/app#deploy_token>', '<from vault: kv/app#password>', '<from vault: database/creds/app#username>', '<from vault: database/creds/app#password>']],
      ['app', undefined],
    ]);
    expect(vault.calls()).toEqual([]);
    rmSync(join(fx.workspace.root, 'tmp'), { recursive: true });
  });

  it('bakes with a token: values reach the provisioners, each secret is read once per stage, leases are revoked, nothing is kept', async () => {
    const run = await bake(['run', `${pipeline}-app:bake`], vault.tokenEnv());
    expect([run.status, run.status === 0 ? '' : run.output.slice(-6000)]).toEqual([0, '']);
    expect(run.created.sort()).toEqual(['app', 'base']);
    expect(run.output).toContain(`token ${sha(vault.deployToken)} password ${sha(vault.password)}`);
    expect(run.output).toContain(`app token ${sha(vault.deployToken)}`);
    expect(run.output).toMatch(/db user <sensitive>/);
    for (const value of [vault.deployToken, vault.password, vault.fake.rootToken]) expect(run.output).not.toContain(value);
    // Two stage processes: each reads secret/app once although base uses it twice (a variable and vault()).
    expect(vault.requestsTo('/v1/secret/data/app')).toHaveLength(2);
    expect(vault.requestsTo('/v1/kv/app')).toHaveLength(1);
    expect(issuedLeases()).toHaveLength(1);
    expect(leaseRevokes()).toEqual(issuedLeases());
    expect(vault.fake.snapshot().leases.filter((lease) => !lease.revoked)).toEqual([]);
    // The token was given, not obtained: it is not the bake's to revoke.
    expect(vault.requestsTo('/v1/auth/token/revoke-self')).toEqual([]);
  });

  it('rotating a secret rebuilds nothing: Nx restores the stages; without its cache, the manifests are current', async () => {
    vault.fake.vault.putSecret('secret', 'app', { deploy_token: `rotated-${randomUUID()}` });
    const restored = await bake(['run', `${pipeline}-app:bake`], vault.tokenEnv());
    expect([restored.status, restored.created]).toEqual([0, []]);
    expect(restored.output).toMatch(/existing outputs match the cache|local cache/);
    expect(vault.calls()).toEqual([]);
    const rerun = await bake(['run', `${pipeline}-app:bake`, '--skip-nx-cache'], vault.tokenEnv());
    expect([rerun.status, rerun.created]).toEqual([0, []]);
    for (const stage of ['base', 'app']) expect(rerun.output).toMatch(new RegExp(`${pipeline}/${stage}: cached \\(manifest already records fingerprint`));
    // The app stage reads only what it uses: secret/app, not kv/app.
    expect(vault.requestsTo('/v1/kv/app')).toHaveLength(1);
    expect(leaseRevokes()).toEqual(issuedLeases());

    vault.fake.clearRequests();
    const planned = fx.workspace.nx(['run', `${pipeline}:plan`, '--output-style=static'], { env: fx.env(vault.tokenEnv()) });
    expect(planned.status).toBe(0);
    expect(planned.stdout).toMatch(new RegExp(`${pipeline}/app +cached +manifest is current; reads <from vault: secret/app#deploy_token>, <from vault: secret/data/app#deploy_token>$`, 'm'));
    expect(vault.calls()).toEqual([]);
  });

  it('logs in with AppRole; when the build fails, the lease and the login token are revoked all the same', async () => {
    const run = await bake(['run', `${pipeline}-base:bake`, '--skip-nx-cache', '--force'], { ...vault.appRoleEnv(), BAKE_VAR_fail: '1' });
    expect(run.status).not.toBe(0);
    expect(run.created).toEqual(['base']);
    expect(run.output).toContain('shell provisioner: inline exited with code 1');
    const [login] = vault.requestsTo('/v1/auth/approle/login');
    const accessor = JSON.parse(login.responseBody).auth.accessor as string;
    expect(vault.requestsTo('/v1/auth/token/revoke-self').map((request) => [request.status, request.tokenAccessor])).toEqual([[204, accessor]]);
    expect(leaseRevokes()).toEqual(issuedLeases());
    expect(vault.fake.snapshot().tokens.find((token) => token.accessor === accessor)?.revoked).toBe(true);
    expect(run.output).toContain('vault: revoked lease database/creds/app/');
    expect(await localLeaks({ workspace: fx.workspace, tmp: fx.tmp, pipeline, stage: 'base' })).toEqual([]);
  });

  it('logs in with a JWT; Ctrl-C while the build is held revokes the lease and the token before the bake exits', async () => {
    const run = startBake(fx.workspace, ['run', `${pipeline}-base:bake`, '--skip-nx-cache', '--force', '--output-style=stream'], fx.env({ ...vault.jwtEnv(fx.tmp), NX_BAKE_TEST_PAUSE_BEFORE: 'connect' }));
    const { code } = await run.interruptAt(/paused before connect/, 'SIGINT', 60_000);
    expect(code).not.toBe(0);
    const [login] = vault.requestsTo('/v1/auth/jwt/login');
    expect(login.status).toBe(200);
    const accessor = JSON.parse(login.responseBody).auth.accessor as string;
    expect(vault.requestsTo('/v1/auth/token/revoke-self').map((request) => request.tokenAccessor)).toEqual([accessor]);
    expect(leaseRevokes()).toEqual(issuedLeases());
    expect(issuedLeases()).toHaveLength(1);
    expect(await localLeaks({ workspace: fx.workspace, tmp: fx.tmp, pipeline, stage: 'base' })).toEqual([]);
  });

  it('loads the Vault client only for a stage that refers to Vault', () => {
    // In a process of its own, as an Nx task is: does preparing the stage load dist/secrets/?
    const loads = (pipelineFile: string, stage: string) => {
      const script = `const { prepareWithSecrets } = require(${JSON.stringify(join(repoRoot, 'packages/nx-bake/dist/engine/stage-secrets'))});
        prepareWithSecrets({ workspaceRoot: process.cwd(), pipelineFile: ${JSON.stringify(pipelineFile)}, stage: ${JSON.stringify(stage)}, env: {} }, { gitCommit: 'c', buildTime: new Date(), runId: 'r' }, new AbortController().signal)
          .catch((error) => console.error(error.message))
          .then(() => console.log('loaded:', Object.keys(require.cache).some((path) => path.includes('/dist/secrets/'))));`;
      const run = spawnSync(process.execPath, ['-e', script], { cwd: fx.workspace.root, encoding: 'utf8' });
      return `${run.stderr}${run.stdout}`.trim();
    };
    expect(loads(`pipelines/${pipeline}-plain/pipeline.yaml`, 'only')).toBe('loaded: false');
    expect(loads(`pipelines/${pipeline}/pipeline.yaml`, 'base')).toBe('vault: VAULT_ADDR is not set: the pipeline reads secrets from Vault\nloaded: true');
  });

  describe('fails before any instance starts, naming the path and the HTTP status, never the token', () => {
    const expectEarlyFailure = async (env: NodeJS.ProcessEnv, message: string | RegExp, token?: string) => {
      const run = await bake(['run', `${pipeline}-base:bake`, '--skip-nx-cache', '--force'], env);
      expect(run.status).not.toBe(0);
      expect(run.created).toEqual([]);
      expect(run.output).toMatch(typeof message === 'string' ? new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : message);
      if (token) expect(run.output).not.toContain(token);
      expect(run.output).not.toContain('create-container');
    };

    it('403: the token may not read the KV v1 secret', async () => {
      vault.fake.vault.policies.no_kv = [
        { path: 'secret/*', capabilities: ['read'] },
        { path: 'database/creds/*', capabilities: ['read'] },
      ];
      const token = vault.fake.vault.createToken({ policies: ['no_kv'], ttlSeconds: 600 }).id;
      await expectEarlyFailure(vault.tokenEnv(token), 'vault: cannot read kv/app#password: GET /v1/kv/app answered HTTP 403: permission denied', token);
    });

    it('an expired token', async () => {
      const token = vault.fake.vault.createToken({ policies: ['bake'], ttlSeconds: 1 }).id;
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await expectEarlyFailure(
        vault.tokenEnv(token),
        'vault: cannot read secret/app#deploy_token: the Vault token from VAULT_TOKEN is not valid (expired or revoked?): GET /v1/auth/token/lookup-self answered HTTP 403: permission denied',
        token,
      );
    });

    it('503: Vault is sealed', async () => {
      vault.fake.vault.sealed = true;
      try {
        await expectEarlyFailure(vault.appRoleEnv(), 'vault: cannot read secret/app#deploy_token: AppRole login failed: POST /v1/auth/approle/login answered HTTP 503: Vault is sealed');
      } finally {
        vault.fake.vault.sealed = false;
      }
    });

    it('Vault is down', async () => {
      const port = await freePort();
      await expectEarlyFailure({ ...vault.tokenEnv(), VAULT_ADDR: `http://127.0.0.1:${port}` }, new RegExp(`vault: cannot read secret/app#deploy_token: GET http://127\\.0\\.0\\.1:${port}/v1/auth/token/lookup-self failed: connect ECONNREFUSED`), vault.fake.rootToken);
    });
  });
});
