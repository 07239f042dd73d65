/**
 * The names a pipeline may use for builder types, provisioner types and communicators: the one table
 * `validate` checks against. The pipeline model owns the names; `builders/registry.ts` and
 * `provisioners/index.ts` implement exactly these (their types are derived from this table, and
 * `known-types.spec.ts` checks the schema's provisioner types agree).
 */

export const BUILDER_TYPES = ['docker', 'digitalocean', 'amazon-ebs'] as const;
export type BuilderType = (typeof BUILDER_TYPES)[number];

export const PROVISIONER_TYPES = ['shell', 'file', 'ansible'] as const;
export type ProvisionerType = (typeof PROVISIONER_TYPES)[number];

/**
 * How each builder type reaches its instance (Packer's `communicator` field, optional: each builder has
 * one). The Docker builder runs `docker exec` in its container; the DigitalOcean and EC2 builders connect over SSH.
 */
export const BUILDER_COMMUNICATORS: { readonly [Type in BuilderType]: readonly string[] } = {
  docker: ['docker'],
  digitalocean: ['ssh'],
  'amazon-ebs': ['ssh'],
};

export const COMMUNICATORS: readonly string[] = [...new Set(Object.values(BUILDER_COMMUNICATORS).flat())];

/**
 * Each builder type's configuration fields: what its parser accepts and what `validate` checks keys against
 * (with a did-you-mean). `communicator` is every builder's; a builder on SSH also takes the communicator's
 * own `ssh_*` fields and `pause_before_connecting`, which the SSH communicator validates.
 */
export const BUILDER_FIELDS: { readonly [Type in BuilderType]: readonly string[] } = {
  docker: [
    'type',
    'pull',
    'repository',
    'tag',
    'changes',
    'labels',
    'network',
    'privileged',
    'volumes',
    'env',
    'exec_user',
    'systemd',
    'systemd_timeout',
    'push',
    'registry_username',
    'registry_password',
    'login',
    'login_server',
    'login_username',
    'login_password',
  ],
  digitalocean: [
    'type',
    'api_token',
    'api_url',
    'region',
    'size',
    'droplet_name',
    'snapshot_name',
    'user_data',
    'user_data_file',
    'user_data_template',
    'snapshot_regions',
    'private_networking',
    'monitoring',
    'ipv6',
    'vpc_uuid',
    'tags',
    'state_timeout',
    'snapshot_timeout',
    'shutdown_timeout',
    'poll_interval',
  ],
  'amazon-ebs': [
    'type',
    'region',
    'endpoint',
    'profile',
    'source_ami',
    'source_ami_filter',
    'instance_type',
    'subnet_id',
    'vpc_id',
    'security_group_ids',
    'temporary_security_group_source_cidrs',
    'associate_public_ip_address',
    'ssh_interface',
    'iam_instance_profile',
    'user_data',
    'user_data_file',
    'user_data_template',
    'ami_name',
    'ami_description',
    'ami_regions',
    'tags',
    'run_tags',
    'snapshot_tags',
    'encrypt_boot',
    'kms_key_id',
    'launch_block_device_mappings',
    'state_timeout',
    'ami_timeout',
    'shutdown_timeout',
    'poll_interval',
  ],
};

/** Whether `field` is one of the builder type's fields (its own, `communicator`, or its communicator's). */
export function isBuilderField(type: BuilderType, field: string): boolean {
  if (field === 'communicator' || BUILDER_FIELDS[type].includes(field)) return true;
  return BUILDER_COMMUNICATORS[type].includes('ssh') && (field.startsWith('ssh_') || field === 'pause_before_connecting');
}

export function isBuilderType(type: unknown): type is BuilderType {
  return typeof type === 'string' && (BUILDER_TYPES as readonly string[]).includes(type);
}
