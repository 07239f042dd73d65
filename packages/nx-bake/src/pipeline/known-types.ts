/**
 * The names a pipeline may use for builder types, provisioner types and communicators: the one table
 * `validate` checks against. The pipeline model owns the names; `builders/registry.ts` and
 * `provisioners/index.ts` implement exactly these (their types are derived from this table, and
 * `known-types.spec.ts` checks the schema's provisioner types agree).
 */

export const BUILDER_TYPES = ['docker', 'digitalocean'] as const;
export type BuilderType = (typeof BUILDER_TYPES)[number];

export const PROVISIONER_TYPES = ['shell', 'file', 'ansible'] as const;
export type ProvisionerType = (typeof PROVISIONER_TYPES)[number];

/**
 * How each builder type reaches its instance (Packer's `communicator` field, optional: each builder has
 * one). The Docker builder runs `docker exec` in its container; the DigitalOcean builder connects over SSH.
 */
export const BUILDER_COMMUNICATORS: { readonly [Type in BuilderType]: readonly string[] } = {
  docker: ['docker'],
  digitalocean: ['ssh'],
};

export const COMMUNICATORS: readonly string[] = [...new Set(Object.values(BUILDER_COMMUNICATORS).flat())];

export function isBuilderType(type: unknown): type is BuilderType {
  return typeof type === 'string' && (BUILDER_TYPES as readonly string[]).includes(type);
}
