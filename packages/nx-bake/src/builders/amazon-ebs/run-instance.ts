import {
  DescribeInstancesCommand,
  DescribeInstanceStatusCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type BlockDeviceMapping,
  type EC2Client,
  type Instance,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import type { Step } from '../../steps/step';
import { pollUntil } from '../../util/poll';
import type { BuildRequest } from '../builder';
import { userDataOf } from '../shared/user-data';
import type { AmazonEbsBuilderConfig, LaunchBlockDevice, SshInterface } from './config';
import { ec2Error, ignoreNotFound, type Ec2Clients } from './ec2-client';
import type { AmazonEbsBuildState } from './state';
import { buildResourceTags, tagSpecifications } from './tags';

/**
 * Launches the build instance and waits until it runs and passes its status checks (an instance that
 * never does is an error, and is terminated); terminated, and waited for, whatever happens after.
 */
export function runInstanceStep(ec2: Ec2Clients, request: BuildRequest, config: AmazonEbsBuilderConfig): Step<AmazonEbsBuildState> {
  const wait = { timeoutMs: config.stateTimeoutMs, intervalMs: config.pollIntervalMs };
  return {
    name: 'run-instance',
    async run(state, { log, signal }) {
      const input = runInstancesRequest(request, config, { imageId: state.sourceAmi!, keyName: state.keyName!, securityGroupIds: state.securityGroupIds!, userData: userDataOf(request, config) });
      const { Instances = [] } = await ec2.home.send(new RunInstancesCommand(input), { abortSignal: signal }).catch((error) => {
        throw launchError(error, config);
      });
      const instanceId = Instances[0]?.InstanceId;
      if (!instanceId) throw new Error('EC2 RunInstances returned no instance');
      state.instanceId = instanceId;
      request.journal?.created({ kind: 'instance', id: instanceId, runId: request.runId, pipeline: request.pipeline });
      log.info(`launched instance ${instanceId} from ${state.sourceAmi} (${config.region}, ${config.instanceType})`);
      state.instance = await pollUntil(`instance ${instanceId} to run`, async () => runningOrFailed(ec2.home, instanceId), { ...wait, signal });
      await pollUntil(`instance ${instanceId} to pass its status checks`, async () => statusChecksPassed(ec2.home, instanceId), { ...wait, signal });
      state.host = sshAddress(state.instance, config.sshInterface);
      log.info(`instance ${instanceId} passed its status checks; SSH to ${state.host}`);
    },
    async cleanup(state, { log }) {
      if (state.instanceId === undefined) return;
      if (state.keepInstance) {
        log.warn(`keeping instance ${state.instanceId} (${state.host ?? 'no address'}) for debugging; terminate it when done`);
        return;
      }
      await terminateInstance(ec2.home, state.instanceId, wait);
      request.journal?.removed({ kind: 'instance', id: state.instanceId });
      log.info(`terminated instance ${state.instanceId}`);
    },
  };
}

interface LaunchInputs {
  imageId: string;
  keyName: string;
  securityGroupIds: string[];
  userData?: string;
}

/** RunInstances for one build instance: the build's key and groups, run_tags and ours on the instance and its volumes. */
export function runInstancesRequest(request: Pick<BuildRequest, 'pipeline' | 'stage' | 'runId'>, config: AmazonEbsBuilderConfig, inputs: LaunchInputs): RunInstancesCommandInput {
  // A public address is asked for on the network interface, which then carries the subnet and groups.
  const networkInterface = config.associatePublicIpAddress !== undefined;
  return {
    ImageId: inputs.imageId,
    InstanceType: config.instanceType as RunInstancesCommandInput['InstanceType'],
    MinCount: 1,
    MaxCount: 1,
    KeyName: inputs.keyName,
    ...(networkInterface
      ? { NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: config.associatePublicIpAddress, SubnetId: config.subnetId, Groups: inputs.securityGroupIds, DeleteOnTermination: true }] }
      : { SubnetId: config.subnetId, SecurityGroupIds: inputs.securityGroupIds }),
    IamInstanceProfile: config.iamInstanceProfile ? (config.iamInstanceProfile.startsWith('arn:') ? { Arn: config.iamInstanceProfile } : { Name: config.iamInstanceProfile }) : undefined,
    UserData: inputs.userData === undefined ? undefined : Buffer.from(inputs.userData).toString('base64'),
    BlockDeviceMappings: config.launchBlockDeviceMappings.length ? config.launchBlockDeviceMappings.map(blockDeviceMapping) : undefined,
    InstanceInitiatedShutdownBehavior: 'stop',
    TagSpecifications: tagSpecifications(['instance', 'volume'], buildResourceTags(request, config.runTags)),
  };
}

/** Packer's block device fields as EC2's mapping. */
export function blockDeviceMapping(device: LaunchBlockDevice): BlockDeviceMapping {
  if (device.no_device) return { DeviceName: device.device_name, NoDevice: '' };
  if (device.virtual_name) return { DeviceName: device.device_name, VirtualName: device.virtual_name };
  return {
    DeviceName: device.device_name,
    Ebs: {
      VolumeSize: device.volume_size,
      VolumeType: device.volume_type as NonNullable<BlockDeviceMapping['Ebs']>['VolumeType'],
      Iops: device.iops,
      Throughput: device.throughput,
      DeleteOnTermination: device.delete_on_termination ?? true,
      Encrypted: device.encrypted,
      KmsKeyId: device.kms_key_id,
      SnapshotId: device.snapshot_id,
    },
  };
}

/** Packer's `ssh_interface`; by default the public address, else the private one. */
export function sshAddress(instance: Instance, sshInterface?: SshInterface): string {
  const addresses: Record<SshInterface, string | undefined> = {
    public_ip: instance.PublicIpAddress,
    private_ip: instance.PrivateIpAddress,
    public_dns: instance.PublicDnsName,
    private_dns: instance.PrivateDnsName,
  };
  const address = sshInterface ? addresses[sshInterface] : (addresses.public_ip ?? addresses.private_ip);
  if (!address) throw new Error(`instance ${instance.InstanceId} has no ${sshInterface ?? 'public or private IP'} address to SSH to`);
  return address;
}

function launchError(error: unknown, config: AmazonEbsBuilderConfig): Error {
  if ((error as Error).name === 'InsufficientInstanceCapacity') {
    return new Error(`EC2 has no ${config.instanceType} capacity in ${config.region} now (InsufficientInstanceCapacity): try another instance_type or subnet_id (zone), or later`, { cause: error });
  }
  return ec2Error('RunInstances', error);
}

export async function describeInstance(client: EC2Client, instanceId: string): Promise<Instance | undefined> {
  const { Reservations = [] } = await client.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  return Reservations.flatMap((reservation) => reservation.Instances ?? [])[0];
}

async function runningOrFailed(client: EC2Client, instanceId: string): Promise<Instance | undefined> {
  // Just launched, an instance may not be visible yet (EC2 is eventually consistent).
  const instance = await describeInstance(client, instanceId).catch(ignoreNotFound);
  const state = instance?.State?.Name;
  if (state === 'running') return instance;
  if (state && state !== 'pending') throw new Error(`instance ${instanceId} is ${state} instead of running${instance?.StateReason?.Message ? `: ${instance.StateReason.Message}` : ''}`);
  return undefined;
}

async function statusChecksPassed(client: EC2Client, instanceId: string): Promise<true | undefined> {
  const { InstanceStatuses = [] } = await client.send(new DescribeInstanceStatusCommand({ InstanceIds: [instanceId] }));
  const status = InstanceStatuses[0];
  const checks = [status?.InstanceStatus?.Status, status?.SystemStatus?.Status];
  if (checks.includes('impaired')) throw new Error(`instance ${instanceId} failed its status checks (instance ${checks[0]}, system ${checks[1]})`);
  return checks.every((check) => check === 'ok') ? true : undefined;
}

/** Terminates and waits until it is gone: its key pair and security group can only be deleted then. */
export async function terminateInstance(client: EC2Client, instanceId: string, wait: { timeoutMs: number; intervalMs: number }): Promise<void> {
  const gone = await client.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] })).then(
    () => false,
    (error) => ignoreNotFound(error) ?? true,
  );
  if (gone) return;
  await pollUntil(`instance ${instanceId} to terminate`, async () => {
    const instance = await describeInstance(client, instanceId).catch(ignoreNotFound);
    return !instance || instance.State?.Name === 'terminated' ? true : undefined;
  }, wait);
}
