/**
 * A bake's secrets from Vault, read before anything is built. The stage is prepared once with a
 * CollectingVault: every reference it renders (variables' `vault:`, `vault()` in builder settings,
 * provisioners, tags, `from`, and the `vars_template` files rendered at build time) is recorded with a
 * placeholder. Those are read in one go (a bake whose Vault is down or denies a path fails here, before any
 * instance starts), and the stage is prepared again with their values. A stage without references never
 * loads the Vault client (src/secrets).
 *
 * One session per process, opened by the first stage that needs it and closed (leases and a login's token
 * revoked) when the outermost bake ends, on success, failure or interrupt: a base stage rebuilt inside a
 * child's bake shares it, and each secret is read once.
 */
import { join } from 'node:path';
import { renderTemplateFile } from '../pipeline/template';
import { CollectingVault, type VaultReference, type VaultResolver } from '../pipeline/vault-reference';
import type { VaultSession } from '../secrets';
import { prepareStage, type PreparedStage, type StageFacts, type StageInputs } from './prepare-stage';

let session: VaultSession | undefined;
let depth = 0;

const say = (message: string) => process.stderr.write(`nx-bake: ${message}\n`);

/** Runs a bake in the process's Vault scope: the outermost one closes the session it may have opened. */
export async function withVaultScope<T>(work: () => Promise<T>): Promise<T> {
  depth++;
  try {
    return await work();
  } finally {
    if (--depth === 0 && session) {
      const ending = session;
      session = undefined;
      await ending.close();
    }
  }
}

/** The stage prepared with the values of every Vault reference it makes, read up front. */
export async function prepareWithSecrets(inputs: StageInputs, facts: Omit<StageFacts, 'vault'>, signal: AbortSignal): Promise<PreparedStage> {
  const collector = new CollectingVault();
  const draft = prepareStage(inputs, { ...facts, vault: collector });
  collectFromFiles(draft);
  if (collector.references.length === 0) return draft;
  const vault = await readSecrets(collector.references, draft.env, signal);
  return prepareStage(inputs, { ...facts, vault });
}

/** `vars_template` files are rendered at build time, with the builder's context: their references count too. */
export function collectFromFiles(draft: PreparedStage): void {
  for (const builder of draft.builders) {
    for (const provisioner of builder.stage.provisioners) {
      if (provisioner.type !== 'ansible' || !provisioner.vars_template) continue;
      try {
        renderTemplateFile(join(draft.workspaceRoot, draft.pipeline.dir, provisioner.vars_template), builder.context, { workspaceRoot: draft.workspaceRoot });
      } catch {
        // A file that does not render fails its build with the real values, where it is reported.
      }
    }
  }
}

async function readSecrets(references: VaultReference[], env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<VaultResolver> {
  if (!session) {
    // Loaded here only: a pipeline without Vault never pays for the client.
    const { openVaultSession } = require('../secrets') as typeof import('../secrets');
    session = openVaultSession(env, say);
  }
  return session.prefetch(references, signal);
}
