import type { BuilderConfig } from '../../pipeline/types';
import { ConfigFields } from '../config-fields';
import { sshFieldsOf } from '../shared/connect-ssh';

export const DEFAULT_API_URL = 'https://api.digitalocean.com';

/** The digitalocean builder's configuration (Packer's field names), validated and with defaults filled in. */
export interface DigitalOceanBuilderConfig {
  type: 'digitalocean';
  apiToken: string;
  apiUrl: string;
  region: string;
  size: string;
  dropletName?: string;
  snapshotName?: string;
  userData?: string;
  /** Packer's `user_data_file`: the user data read from a file (relative to the pipeline file). */
  userDataFile?: string;
  /** Render `user_data_file` as a template; off by default, so cloud-config's own `{{ }}` reach cloud-init. */
  userDataTemplate: boolean;
  /** Regions the snapshot is transferred to once made (Packer's `snapshot_regions`). */
  snapshotRegions: string[];
  /** Packer's `private_networking`: accepted; DigitalOcean gives every droplet a VPC address now. */
  privateNetworking: boolean;
  monitoring: boolean;
  ipv6: boolean;
  vpcUuid?: string;
  /** Extra tags on the build droplet (ours are added: `nx-bake`, the run and the stage). */
  tags: string[];
  stateTimeoutMs: number;
  snapshotTimeoutMs: number;
  /** How long a graceful shutdown may take before the droplet is powered off. */
  shutdownTimeoutMs: number;
  /** How often droplet and action states are polled. */
  pollIntervalMs: number;
  /** The `ssh_*` fields, for the SSH communicator. */
  ssh: Record<string, unknown>;
}

/**
 * Validates a `type: digitalocean` builder config. The token comes from `api_token` (a sensitive variable)
 * or, as with Packer, DIGITALOCEAN_TOKEN / DIGITALOCEAN_ACCESS_TOKEN; the API URL may be overridden by
 * `api_url` or DIGITALOCEAN_API_URL (a test cloud, a proxy).
 */
export function parseDigitalOceanBuilderConfig(raw: BuilderConfig, builderName = 'digitalocean', env: NodeJS.ProcessEnv = process.env): DigitalOceanBuilderConfig {
  const fields = new ConfigFields(raw, builderName, 'digitalocean');
  const duration = fields.duration.bind(fields);
  const apiToken =
    fields.optionalString('api_token') ??
    env.DIGITALOCEAN_TOKEN ??
    env.DIGITALOCEAN_ACCESS_TOKEN ??
    fields.fail('api_token', 'is required: set it (from a sensitive variable) or DIGITALOCEAN_TOKEN');
  if (fields.optionalString('user_data') !== undefined && fields.optionalString('user_data_file') !== undefined) {
    fields.fail('user_data_file', 'cannot be given with "user_data": give one');
  }
  if (fields.bool('user_data_template') && fields.optionalString('user_data_file') === undefined) fields.fail('user_data_template', 'needs "user_data_file"');
  return {
    type: 'digitalocean',
    apiToken,
    apiUrl: fields.optionalString('api_url') ?? env.DIGITALOCEAN_API_URL ?? DEFAULT_API_URL,
    region: fields.string('region'),
    size: fields.string('size'),
    dropletName: fields.optionalString('droplet_name'),
    snapshotName: fields.optionalString('snapshot_name'),
    userData: fields.optionalString('user_data'),
    userDataFile: fields.optionalString('user_data_file'),
    userDataTemplate: fields.bool('user_data_template'),
    snapshotRegions: fields.stringList('snapshot_regions'),
    privateNetworking: fields.bool('private_networking'),
    monitoring: fields.bool('monitoring'),
    ipv6: fields.bool('ipv6'),
    vpcUuid: fields.optionalString('vpc_uuid'),
    tags: fields.stringList('tags'),
    stateTimeoutMs: duration('state_timeout', '6m'),
    snapshotTimeoutMs: duration('snapshot_timeout', '60m'),
    shutdownTimeoutMs: duration('shutdown_timeout', '1m'),
    pollIntervalMs: duration('poll_interval', '2s'),
    ssh: sshFieldsOf(raw),
  };
}
