import { createSocket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  type AuthorizeSecurityGroupIngressCommandInput,
  type CreateSecurityGroupCommandInput,
} from '@aws-sdk/client-ec2';
import type { Step } from '../../steps/step';
import { sleep } from '../../util/sleep';
import type { BuildRequest } from '../builder';
import type { AmazonEbsBuilderConfig } from './config';
import { ec2Call, ec2Error, ignoreNotFound, type Ec2Clients } from './ec2-client';
import type { AmazonEbsBuildState } from './state';
import { buildName, buildResourceTags, tagSpecifications } from './tags';

/**
 * The given `security_group_ids`, or a temporary group of the build's own (opened on the SSH port by
 * `allowSshStep` once the instance's address is known), deleted after the instance is terminated.
 */
export function securityGroupStep(ec2: Ec2Clients, request: BuildRequest, config: AmazonEbsBuilderConfig): Step<AmazonEbsBuildState> {
  return {
    name: 'create-security-group',
    async run(state, { log, signal }) {
      if (config.securityGroupIds.length > 0) {
        state.securityGroupIds = config.securityGroupIds;
        return;
      }
      const input = createSecurityGroupRequest(request, config);
      const { GroupId } = await ec2Call('CreateSecurityGroup', ec2.home.send(new CreateSecurityGroupCommand(input), { abortSignal: signal }));
      state.groupId = GroupId!;
      state.securityGroupIds = [GroupId!];
      request.journal?.created({ kind: 'security-group', id: GroupId!, runId: request.runId, pipeline: request.pipeline });
      log.info(`created temporary security group ${GroupId}`);
    },
    async cleanup(state, { log }) {
      if (state.groupId === undefined || state.keepInstance) return;
      await deleteSecurityGroup(ec2, state.groupId);
      request.journal?.removed({ kind: 'security-group', id: state.groupId });
      log.info(`deleted temporary security group ${state.groupId}`);
    },
  };
}

/** Opens the temporary group's SSH port to the build host only (or to `temporary_security_group_source_cidrs`). */
export function allowSshStep(ec2: Ec2Clients, config: AmazonEbsBuilderConfig): Step<AmazonEbsBuildState> {
  return {
    name: 'allow-ssh',
    async run(state, { log, signal }) {
      if (state.groupId === undefined) return;
      const cidrs = config.temporarySecurityGroupSourceCidrs.length ? config.temporarySecurityGroupSourceCidrs : [`${await localAddressToward(state.host!)}/32`];
      const port = Number(config.ssh.ssh_port ?? 22);
      await ec2Call('AuthorizeSecurityGroupIngress', ec2.home.send(new AuthorizeSecurityGroupIngressCommand(sshIngressRequest(state.groupId, port, cidrs)), { abortSignal: signal }));
      log.info(`security group ${state.groupId} lets ${cidrs.join(', ')} in on port ${port}`);
    },
  };
}

export function createSecurityGroupRequest(request: Pick<BuildRequest, 'pipeline' | 'stage' | 'runId'>, config: Pick<AmazonEbsBuilderConfig, 'vpcId'>): CreateSecurityGroupCommandInput {
  return {
    GroupName: buildName(request),
    Description: `nx-bake temporary group for ${request.pipeline}/${request.stage}, run ${request.runId}`,
    VpcId: config.vpcId,
    TagSpecifications: tagSpecifications(['security-group'], buildResourceTags(request)),
  };
}

export function sshIngressRequest(groupId: string, port: number, cidrs: string[]): AuthorizeSecurityGroupIngressCommandInput {
  return { GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: cidrs.map((CidrIp) => ({ CidrIp, Description: 'nx-bake build host' })) }] };
}

/** A group is in use until its instance is gone; EC2 says so (DependencyViolation) for a while after terminate. */
export async function deleteSecurityGroup(ec2: Ec2Clients, groupId: string, attempts = 30): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ec2.home.send(new DeleteSecurityGroupCommand({ GroupId: groupId })).catch(ignoreNotFound);
      return;
    } catch (error) {
      if ((error as Error).name !== 'DependencyViolation' || attempt >= attempts) throw ec2Error('DeleteSecurityGroup', error);
      await sleep(2000);
    }
  }
}

/** The address this host's packets to `host` leave from: what the instance sees as the build host. */
function localAddressToward(host: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    socket.once('error', (error) => {
      socket.close();
      reject(error);
    });
    // A UDP "connect" sends nothing: it only asks the kernel for the route.
    socket.connect(22, host, () => {
      const { address } = socket.address();
      socket.close();
      resolve(address);
    });
  });
}
