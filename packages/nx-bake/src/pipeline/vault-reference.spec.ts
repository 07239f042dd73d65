import { FIXTURES, problems } from '../../test/fixtures/pipelines/fixtures';
import { loadPipelineFile } from './load';
import { redactorFor } from './redact';
import { renderStage, renderTemplateFile, renderValue, templateContext } from './template';
import type { Pipeline } from './types';
import { validatePipeline } from './validate';
import { resolveVariables } from './variables';
import { CollectingVault, describeVaultReference, placeholderVault, vaultReferenceKey, type VaultReference, type VaultResolver } from './vault-reference';

const FILE = 'pipelines/vault/pipeline.yaml';

/** A resolver over fixed values, keyed `path#key` as `describeVaultReference` shows them; it counts reads. */
function valuesResolver(values: Record<string, unknown>): VaultResolver & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    read(reference: VaultReference) {
      const shown = describeVaultReference(reference);
      asked.push(shown);
      if (!(shown in values)) throw new Error(`test resolver: no ${shown}`);
      return values[shown];
    },
  };
}

describe('Vault references in the pipeline model', () => {
  let pipeline: Pipeline;
  beforeAll(() => {
    pipeline = loadPipelineFile(FILE, { workspaceRoot: FIXTURES });
  });
  const context = (vault?: VaultResolver, variables: Record<string, unknown> = {}) =>
    templateContext({ pipeline, stage: pipeline.stages[0], variables, buildTime: new Date(), runId: 'r', workspaceRoot: FIXTURES, vault });
  const render = (text: string, vault?: VaultResolver) => renderValue(text, context(vault), { pipeline, path: ['stages', 0, 'provisioners', 0, 'inline', 0] });

  it('makes a variable read from Vault sensitive, whatever it says', () => {
    expect(pipeline.variables.deploy_token.sensitive).toBe(true);
    expect(pipeline.variables.replicas.sensitive).toBe(true);
    expect(pipeline.variables.region.sensitive).toBeUndefined();
  });

  it("renders vault(path, key) Packer's way, as a call or a filter, through the context's resolver", () => {
    const vault = valuesResolver({ 'secret/data/app#deploy_token': 'tok-1234', 'database/creds/app#password': 'pw-5678' });
    expect(render(`{{ vault("secret/data/app", "deploy_token") }}`, vault)).toBe('tok-1234');
    expect(render(`{{ "database/creds/app" | vault("password") }}`, vault)).toBe('pw-5678');
    // A leading slash is the same path, as for Vault's CLI.
    expect(render(`{{ vault("/secret/data/app/", "deploy_token") | upper }}`, vault)).toBe('TOK-1234');
    expect(vault.asked).toEqual(['secret/data/app#deploy_token', 'database/creds/app#password', 'secret/data/app#deploy_token']);
  });

  it('renders a placeholder for validate and plan, and records each reference once for the engine', () => {
    expect(render(`x{{ vault("secret/data/app", "k") }}y`, placeholderVault)).toBe('x<from vault: secret/data/app#k>y');
    const collector = new CollectingVault();
    render(`{{ vault("secret/data/app", "k") }} {{ vault("secret/data/app", "k") }} {{ vault("kv/other", "k") }}`, collector);
    expect(collector.references).toEqual([
      { kind: 'path', path: 'secret/data/app', key: 'k' },
      { kind: 'path', path: 'kv/other', key: 'k' },
    ]);
  });

  it('refuses vault() without a resolver (commands that do not read Vault) and with arguments that are not two strings', () => {
    expect(problems(() => render(`{{ vault("secret/data/app", "k") }}`))).toEqual([
      expect.stringMatching(/^pipelines\/vault\/pipeline\.yaml:\d+:\d+: .*vault\("secret\/data\/app", "k"\) is read by bake only/),
    ]);
    expect(problems(() => render(`{{ vault("secret/data/app") }}`, placeholderVault))[0]).toMatch(/vault\(path, key\) takes two strings/);
    expect(problems(() => render(`{{ vault(1, "k") }}`, placeholderVault))[0]).toMatch(/takes two strings/);
  });

  it('gives a variable its Vault value (converted to its type) only when no other source sets it', () => {
    const vault = valuesResolver({ 'secret/app#deploy_token': 'tok-1234', 'kv/app#replicas': '3' });
    const resolved = resolveVariables(pipeline, { workspaceRoot: FIXTURES, env: {}, vault });
    expect(resolved.values).toEqual({ deploy_token: 'tok-1234', replicas: 3, region: 'eu-west-1' });
    expect(resolved.sensitive).toEqual(['deploy_token', 'replicas']);
    expect(redactorFor(pipeline, resolved).redact('tok-1234')).toBe('<sensitive>');

    const developer = valuesResolver({});
    const local = resolveVariables(pipeline, { workspaceRoot: FIXTURES, env: { BAKE_VAR_deploy_token: 'mine' }, vars: ['replicas=2'], vault: developer });
    expect([local.values.deploy_token, local.values.replicas, developer.asked]).toEqual(['mine', 2, []]);
  });

  it('reports a Vault value of the wrong type at the declaration, without the value', () => {
    const vault = valuesResolver({ 'secret/app#deploy_token': 'tok-1234', 'kv/app#replicas': 'many-s3cr3t' });
    const lines = problems(() => resolveVariables(pipeline, { workspaceRoot: FIXTURES, env: {}, vault }));
    expect(lines).toEqual([expect.stringMatching(/^pipelines\/vault\/pipeline\.yaml:4:\d+: variable 'replicas' \(from vault kv\/app#replicas\) must be a number \(value hidden/)]);
    expect(lines.join('\n')).not.toContain('many-s3cr3t');
  });

  it('leaves variables to placeholders without a resolver, and validate renders every template with them', () => {
    expect(resolveVariables(pipeline, { workspaceRoot: FIXTURES, env: {} }).values).toMatchObject({ deploy_token: '<from vault: secret/app#deploy_token>', replicas: '<from vault: kv/app#replicas>' });
    expect(validatePipeline({ workspaceRoot: FIXTURES, pipelineFile: FILE, env: {} }).name).toBe('vault');
    const collector = new CollectingVault();
    const variables = resolveVariables(pipeline, { workspaceRoot: FIXTURES, env: {}, vault: collector }).values;
    const stage = renderStage(pipeline, pipeline.stages[0], context(collector, variables));
    renderTemplateFile('pipelines/vault/only/vars.yml', context(collector, variables), { workspaceRoot: FIXTURES });
    expect(stage.builders[0].config.repository).toBe('example/<from vault: secret/data/registry#repository>');
    expect(collector.references.map(describeVaultReference).sort()).toEqual([
      'database/creds/app#password',
      'kv/api#key',
      'kv/app#replicas',
      'secret/app#deploy_token',
      'secret/data/registry#repository',
    ]);
    expect(new Set(collector.references.map(vaultReferenceKey)).size).toBe(5);
  });

  it("checks a variable's vault: at validate time", () => {
    expect(problems(() => loadPipelineFile('pipelines/vault-bad/pipeline.yaml', { workspaceRoot: FIXTURES }))).toEqual([
      "pipelines/vault-bad/pipeline.yaml:3:19: variable 'with_default' is read from Vault: it takes no default",
      "pipelines/vault-bad/pipeline.yaml:4:31: variable 'not_sensitive' is read from Vault, so it is sensitive: remove 'sensitive: false'",
      "pipelines/vault-bad/pipeline.yaml:5:55: 'version' must be one of '1', '2', got 3",
      expect.stringMatching(/^pipelines\/vault-bad\/pipeline\.yaml:6:\d+: .*key/),
      "pipelines/vault-bad/pipeline.yaml:7:29: invalid path: '/app/' must be a path inside the mount, without a leading or trailing '/'",
    ]);
  });
});
