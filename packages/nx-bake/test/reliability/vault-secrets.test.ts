/**
 * Secrets from Vault never outlive the bake (issue #15): a KV v2 value (a variable's `vault:`), a KV v1
 * value and dynamic database credentials (`vault()`), used in a shell provisioner's environment, in Ansible
 * vars and a vars_template (Ansible at -vvv) and in a tag, plus the AppRole secret ID and the token the
 * login gave, are searched for in every byte the bake leaves: its output, dist/, .nx/ (cache, workspace
 * data), .git, its temp folder, the image's config, labels and history, and the fake Vault's own request
 * log, except the answers and the login request that carry them by design. Zero hits; the lease and the
 * login token are revoked.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useBakeFixture } from '../support/bake-fixture';
import { docker, removeByLabel } from '../support/docker';
import { recordLeaks, recordSecretHits } from '../support/reliability-counts';
import { useVaultFixture } from '../support/vault-fixture';
import { CanarySearch } from './canary-search';
import { localLeaks } from './leaks';

/** Exchanges whose bodies carry a canary on purpose: what Vault answers to reads and logins, and the login itself. */
const CARRIERS = { responses: ['kv-v2-read', 'kv-v1-read', 'database-generate-credentials', 'app-role-login'], requests: ['app-role-login'] };

describe('secrets from Vault in a Docker bake', () => {
  const pipeline = `relvault${randomUUID().slice(0, 6)}`;
  const vault = useVaultFixture();
  const fx = useBakeFixture({
    name: 'rel-vault',
    files: {
      [`pipelines/${pipeline}/pipeline.yaml`]: `name: ${pipeline}
variables:
  deploy_token: { type: string, vault: { path: app, key: deploy_token } }
builders:
  local:
    type: docker
    network: host
    repository: nx-bake-reliability/${pipeline}
stages:
  - name: only
    from: { image: nx-bake/debian:bookworm }
    tags: { token_check: "{{ var.deploy_token }}" }
    provisioners:
      - type: shell
        environment_vars: ["TOKEN={{ var.deploy_token }}", "PASSWORD={{ vault('kv/app', 'password') }}", "DB_PASSWORD={{ vault('database/creds/app', 'password') }}"]
        inline: ['echo "the token is $TOKEN, the password $PASSWORD, the db password $DB_PASSWORD"']
      - type: ansible
        playbook: only/playbook.yml
        extra_arguments: ["-vvv"]
        vars: { token: "{{ var.deploy_token }}" }
        vars_template: only/vars.yml
`,
      [`pipelines/${pipeline}/only/vars.yml`]: `password: "{{ vault('kv/app', 'password') }}"
db_password: "{{ vault('database/creds/app', 'password') }}"
`,
      [`pipelines/${pipeline}/only/playbook.yml`]: `- hosts: all
  gather_facts: false
  tasks:
    - name: show the secrets
      ansible.builtin.debug: { msg: "the token is {{ token }}, the password {{ password }}, the db password {{ db_password }}" }
    - name: use them
      ansible.builtin.shell: 'test -n "$TOKEN" && test -n "$PASSWORD" && test -n "$DB_PASSWORD"'
      environment: { TOKEN: "{{ token }}", PASSWORD: "{{ password }}", DB_PASSWORD: "{{ db_password }}" }
`,
    },
  });
  afterAll(() => removeByLabel(`nx-bake.pipeline=${pipeline}`));

  it('leaves the canaries nowhere, and revokes the lease and the login token', async () => {
    const { workspace, tmp } = fx;
    const env = vault.appRoleEnv();
    const result = await workspace.nxAsync(['run', `${pipeline}-only:bake`, '--output-style=stream'], { env: fx.env({ ...env, PYTHONUNBUFFERED: '1' }) });
    expect([result.status, result.status === 0 ? '' : result.output.slice(-6000)]).toEqual([0, '']);
    expect(vault.fake.violations()).toEqual([]);
    // The scenario really used them: each reached the shell and Ansible (at -vvv), redacted in the log.
    expect(result.output).toContain('the token is <sensitive>, the password <sensitive>, the db password <sensitive>');
    expect(result.output.match(/the token is <sensitive>, the password <sensitive>, the db password <sensitive>/g)!.length).toBeGreaterThanOrEqual(2);
    expect(result.output).toMatch(/ESTABLISH|ansible-playbook \[core/);

    const requests = vault.fake.requests();
    const answer = (operationId: string) => JSON.parse(requests.find((request) => request.operationId === operationId)!.responseBody);
    const dbPassword = answer('database-generate-credentials').data.password as string;
    const login = answer('app-role-login').auth as { client_token: string; accessor: string };
    const canaries = new CanarySearch([vault.deployToken, vault.password, dbPassword, env.VAULT_SECRET_ID!, login.client_token]);
    canaries.search('the bake output', result.output);
    canaries.searchFiles(workspace.root, tmp);
    const manifest = JSON.parse(readFileSync(join(workspace.root, 'dist/images', pipeline, 'only/manifest.json'), 'utf8')) as { builds: { artifact_id: string }[] };
    const image = manifest.builds[0].artifact_id;
    await canaries.searchImage(image);
    expect((await docker.getImage(image).inspect()).Config.Labels?.token_check).toBe('<sensitive>');
    const log = requests.map((request) => ({
      ...request,
      requestBody: CARRIERS.requests.includes(request.operationId ?? '') ? '(carries a credential by design)' : request.requestBody,
      responseBody: CARRIERS.responses.includes(request.operationId ?? '') ? '(carries a secret by design)' : request.responseBody,
    }));
    canaries.search("the fake Vault's request log", JSON.stringify(log));
    expect(recordSecretHits(canaries.hits)).toEqual([]);

    expect(requests.filter((request) => request.url === '/v1/auth/token/revoke-self').map((request) => request.tokenAccessor)).toEqual([login.accessor]);
    expect(vault.fake.snapshot().leases.map((lease) => lease.revokedBy)).toEqual(['revoke']);
    expect(recordLeaks(await localLeaks({ workspace, tmp, pipeline, allowManifest: true }))).toEqual([]);
  });
});
