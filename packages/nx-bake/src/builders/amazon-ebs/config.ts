import type { BuilderConfig } from '../../pipeline/types';
import { ConfigFields } from '../config-fields';
import { sshFieldsOf } from '../shared/connect-ssh';
import type { UserDataConfig } from '../shared/user-data';

/** Packer's `source_ami_filter`: the newest (with `most_recent`) image matching the filters, owned by `owners`. */
export interface SourceAmiFilter {
  filters: Record<string, string>;
  owners: string[];
  mostRecent: boolean;
}

/** One of Packer's `launch_block_device_mappings`, in its field names. */
export interface LaunchBlockDevice {
  device_name: string;
  volume_size?: number;
  volume_type?: string;
  iops?: number;
  throughput?: number;
  delete_on_termination?: boolean;
  encrypted?: boolean;
  kms_key_id?: string;
  snapshot_id?: string;
  no_device?: boolean;
  virtual_name?: string;
}

export type SshInterface = 'public_ip' | 'private_ip' | 'public_dns' | 'private_dns';
const SSH_INTERFACES: readonly SshInterface[] = ['public_ip', 'private_ip', 'public_dns', 'private_dns'];
const BLOCK_DEVICE_FIELDS = ['device_name', 'volume_size', 'volume_type', 'iops', 'throughput', 'delete_on_termination', 'encrypted', 'kms_key_id', 'snapshot_id', 'no_device', 'virtual_name'];

/** The amazon-ebs builder's configuration (Packer's field names), validated and with defaults filled in. */
export interface AmazonEbsBuilderConfig extends UserDataConfig {
  type: 'amazon-ebs';
  region: string;
  /** An endpoint URL other than AWS's (a test cloud, a VPC endpoint); else the SDK's own (AWS_ENDPOINT_URL_EC2). */
  endpoint?: string;
  /** A profile of the shared config and credentials files; else the SDK's (AWS_PROFILE). */
  profile?: string;
  sourceAmi?: string;
  sourceAmiFilter?: SourceAmiFilter;
  instanceType: string;
  subnetId?: string;
  vpcId?: string;
  /** Given groups; when empty a temporary group is made, open on the SSH port to the build host only. */
  securityGroupIds: string[];
  /** Who the temporary group lets in; default: this host's own address toward the instance. */
  temporarySecurityGroupSourceCidrs: string[];
  associatePublicIpAddress?: boolean;
  sshInterface?: SshInterface;
  iamInstanceProfile?: string;
  amiName?: string;
  amiDescription?: string;
  /** Regions the AMI is copied to once available (the build region is always one). */
  amiRegions: string[];
  /** Tags of the AMI and its snapshots (ours are added). */
  tags: Record<string, string>;
  /** Tags of the build instance and its volumes. */
  runTags: Record<string, string>;
  /** Extra tags of the AMI's snapshots. */
  snapshotTags: Record<string, string>;
  encryptBoot: boolean;
  kmsKeyId?: string;
  launchBlockDeviceMappings: LaunchBlockDevice[];
  stateTimeoutMs: number;
  amiTimeoutMs: number;
  shutdownTimeoutMs: number;
  pollIntervalMs: number;
  /** The `ssh_*` fields, for the SSH communicator (`ssh_username` defaults to Debian's `admin`). */
  ssh: Record<string, unknown>;
}

/**
 * Validates a `type: amazon-ebs` builder config. Credentials are the AWS SDK's own chain (environment,
 * shared config and profile, instance role): none is a field, so none is ever in a pipeline file.
 */
export function parseAmazonEbsBuilderConfig(raw: BuilderConfig, builderName = 'amazon-ebs'): AmazonEbsBuilderConfig {
  const fields = new ConfigFields(raw, builderName, 'amazon-ebs');
  if (fields.optionalString('user_data') !== undefined && fields.optionalString('user_data_file') !== undefined) fields.fail('user_data_file', 'cannot be given with "user_data": give one');
  if (fields.bool('user_data_template') && fields.optionalString('user_data_file') === undefined) fields.fail('user_data_template', 'needs "user_data_file"');
  if (fields.optionalString('source_ami') !== undefined && raw.source_ami_filter !== undefined) fields.fail('source_ami_filter', 'cannot be given with "source_ami": give one');
  const sshInterface = fields.optionalString('ssh_interface');
  if (sshInterface !== undefined && !SSH_INTERFACES.includes(sshInterface as SshInterface)) fields.fail('ssh_interface', `must be one of ${SSH_INTERFACES.join(', ')}, got "${sshInterface}"`);
  const associate = raw.associate_public_ip_address;
  const duration = fields.duration.bind(fields);
  const region = fields.string('region');
  return {
    type: 'amazon-ebs',
    region,
    endpoint: fields.optionalString('endpoint'),
    profile: fields.optionalString('profile'),
    sourceAmi: fields.optionalString('source_ami'),
    sourceAmiFilter: raw.source_ami_filter === undefined ? undefined : sourceAmiFilter(fields, raw.source_ami_filter),
    instanceType: fields.string('instance_type'),
    subnetId: fields.optionalString('subnet_id'),
    vpcId: fields.optionalString('vpc_id'),
    securityGroupIds: fields.stringList('security_group_ids'),
    temporarySecurityGroupSourceCidrs: fields.stringList('temporary_security_group_source_cidrs'),
    associatePublicIpAddress: associate === undefined ? undefined : fields.bool('associate_public_ip_address'),
    sshInterface: sshInterface as SshInterface | undefined,
    iamInstanceProfile: fields.optionalString('iam_instance_profile'),
    userData: fields.optionalString('user_data'),
    userDataFile: fields.optionalString('user_data_file'),
    userDataTemplate: fields.bool('user_data_template'),
    amiName: fields.optionalString('ami_name'),
    amiDescription: fields.optionalString('ami_description'),
    amiRegions: fields.stringList('ami_regions').filter((other) => other !== region),
    tags: fields.stringMap('tags'),
    runTags: fields.stringMap('run_tags'),
    snapshotTags: fields.stringMap('snapshot_tags'),
    encryptBoot: fields.bool('encrypt_boot'),
    kmsKeyId: fields.optionalString('kms_key_id'),
    launchBlockDeviceMappings: blockDevices(fields, raw.launch_block_device_mappings),
    stateTimeoutMs: duration('state_timeout', '10m'),
    amiTimeoutMs: duration('ami_timeout', '60m'),
    shutdownTimeoutMs: duration('shutdown_timeout', '5m'),
    pollIntervalMs: duration('poll_interval', '2s'),
    ssh: { ssh_username: 'admin', ...sshFieldsOf(raw) },
  };
}

function sourceAmiFilter(fields: ConfigFields, value: unknown): SourceAmiFilter {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fields.fail('source_ami_filter', 'must be a map with filters, owners and most_recent');
  const { filters = {}, owners = [], most_recent = false, ...others } = value as Record<string, unknown>;
  for (const key of Object.keys(others)) fields.fail(`source_ami_filter.${key}`, 'is not a filter field (known: filters, owners, most_recent)');
  const isMap = typeof filters === 'object' && filters !== null && !Array.isArray(filters);
  if (!isMap || !Object.values(filters).every((entry) => typeof entry === 'string')) fields.fail('source_ami_filter.filters', 'must be a map of filter names to values');
  if (!Array.isArray(owners) || owners.length === 0 || !owners.every((owner) => typeof owner === 'string')) {
    fields.fail('source_ami_filter.owners', 'is required: a list of the accounts (or `amazon`, `self`) whose images may be used');
  }
  if (typeof most_recent !== 'boolean') fields.fail('source_ami_filter.most_recent', 'must be true or false');
  return { filters: filters as Record<string, string>, owners: owners as string[], mostRecent: most_recent };
}

function blockDevices(fields: ConfigFields, value: unknown): LaunchBlockDevice[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return fields.fail('launch_block_device_mappings', 'must be a list of block devices');
  return value.map((entry, index) => {
    const at = `launch_block_device_mappings[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return fields.fail(at, 'must be a map');
    for (const key of Object.keys(entry)) if (!BLOCK_DEVICE_FIELDS.includes(key)) fields.fail(`${at}.${key}`, `is not a block device field (known: ${BLOCK_DEVICE_FIELDS.join(', ')})`);
    if (typeof (entry as LaunchBlockDevice).device_name !== 'string') fields.fail(`${at}.device_name`, 'is required');
    return entry as LaunchBlockDevice;
  });
}
