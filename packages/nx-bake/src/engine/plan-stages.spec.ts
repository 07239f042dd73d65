import { FIXTURES } from '../../test/fixtures/pipelines/fixtures';
import { freePort } from '../../test/support/net';
import { planStages } from './plan-stages';

describe('planStages with settings from Vault', () => {
  it('lists the references and asks no provider with a placeholder for a credential', async () => {
    // Were the provider asked, the request would go here and be refused.
    const env = { DIGITALOCEAN_API_URL: `http://127.0.0.1:${await freePort()}` };
    const [entry] = await planStages([{ workspaceRoot: FIXTURES, pipelineFile: 'pipelines/vault-plan/pipeline.yaml', stage: 'only', env }]);
    expect(entry).toMatchObject({
      outcome: 'built',
      reasons: ['not checked at the provider: the settings of cloud come from Vault, which plan does not read'],
      fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
      vault: ['<from vault: secret/data/digitalocean#token>'],
    });
  });
});
