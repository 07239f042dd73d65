import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { AnsibleTarget } from '../communicators/communicator';
import type { AnsibleProvisionerConfig } from '../pipeline/types';
import type { ProvisionerContext } from './provisioner';

/** A private file in the build's temp folder; `wx` so an existing file is never reused. */
export async function writePrivateFile(tempDir: string, prefix: string, content: string): Promise<string> {
  const path = join(tempDir, `${prefix}-${randomBytes(6).toString('hex')}.json`);
  await writeFile(path, content, { mode: 0o600, flag: 'wx' });
  return path;
}

export async function removeFile(path: string | undefined): Promise<void> {
  if (path) await rm(path, { force: true });
}

/**
 * The inventory: one host, `default`, in `all` and the configured groups. Written as JSON (which Ansible's
 * YAML inventory plugin reads) so no value ever needs INI quoting.
 */
export function inventory(target: AnsibleTarget, config: Pick<AnsibleProvisionerConfig, 'groups' | 'user'>): string {
  const hostVars: Record<string, string> = { ...target.inventoryVars, ...(config.user ? { ansible_user: config.user } : {}) };
  const children = Object.fromEntries((config.groups ?? []).filter((group) => group !== 'all').map((group) => [group, { hosts: { default: null } }]));
  return JSON.stringify({ all: { hosts: { default: hostVars }, children } }, null, 2);
}

/**
 * The extra vars: the rendered `vars_template` (YAML or JSON) under the config's `vars`, under nothing —
 * explicit `vars` in the pipeline win over the template's. Builder facts come first, like Packer's `packer_*` vars.
 */
export function extraVars(config: Pick<AnsibleProvisionerConfig, 'vars' | 'vars_template'>, context: Pick<ProvisionerContext, 'renderFile' | 'builderName' | 'builderType'>): Record<string, unknown> {
  let fromTemplate: Record<string, unknown> = {};
  if (config.vars_template) {
    const rendered = context.renderFile(config.vars_template);
    let parsed: unknown;
    try {
      parsed = parseYaml(rendered);
    } catch (error) {
      throw new Error(`ansible provisioner: vars_template ${config.vars_template} did not render to valid YAML/JSON: ${(error as Error).message}`);
    }
    if (parsed !== null && parsed !== undefined) {
      if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`ansible provisioner: vars_template ${config.vars_template} must render to a map of variables`);
      fromTemplate = parsed as Record<string, unknown>;
    }
  }
  return { nx_bake_build_name: context.builderName, nx_bake_builder_type: context.builderType, ...fromTemplate, ...config.vars };
}
