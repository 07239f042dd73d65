import { ACCOUNT_ID } from '../../cloud/catalog';
import { Ec2Error } from '../../cloud/ec2-error';
import { applyFilters, FilterFields } from '../../cloud/filters';
import { newId } from '../../cloud/ids';
import { generateRsaKeyPair } from '../../cloud/key-material';
import { mustFind } from '../../cloud/lookup';
import { presentKeyPair, presentSecurityGroup } from '../../cloud/present';
import { IpPermission, KeyPairRecord, Region, SecurityGroupRecord } from '../../cloud/records';
import { tagsFor } from '../../cloud/tags';
import type { Handler } from './types';

const KEY_FILTERS: FilterFields<KeyPairRecord> = { 'key-name': (k) => k.keyName, 'key-pair-id': (k) => k.keyPairId, fingerprint: (k) => k.fingerprint };
const GROUP_FILTERS: FilterFields<SecurityGroupRecord> = {
  'group-id': (g) => g.groupId,
  'group-name': (g) => g.groupName,
  'vpc-id': (g) => g.vpcId,
  description: (g) => g.description,
  'owner-id': (g) => g.ownerId,
};

function keyNamed(region: Region, name: string | undefined, id: string | undefined): KeyPairRecord | undefined {
  return [...region.keyPairs.values()].find((k) => k.keyName === name || k.keyPairId === id);
}

function groupOf(region: Region, id: string | undefined, name: string | undefined): SecurityGroupRecord {
  if (id) return mustFind(region.securityGroups, id, 'InvalidGroup.NotFound', 'security group');
  const group = [...region.securityGroups.values()].find((g) => g.groupName === name);
  if (!group) throw new Ec2Error('InvalidGroup.NotFound', `The security group '${name}' does not exist in default VPC '${region.vpcId}'`);
  return group;
}

/** IpPermissions, or the older flat CidrIp/IpProtocol/FromPort/ToPort form the CLI also sends. */
function permissionsOf(input: { IpPermissions?: IpPermission[]; CidrIp?: string; IpProtocol?: string; FromPort?: number; ToPort?: number }): IpPermission[] {
  if (input.IpPermissions?.length) return input.IpPermissions.map((p) => ({ ...p, IpRanges: p.IpRanges ?? [] }));
  if (!input.IpProtocol) throw new Ec2Error('MissingParameter', 'The request must contain the parameter IpPermissions');
  return [{ IpProtocol: input.IpProtocol, FromPort: input.FromPort, ToPort: input.ToPort, IpRanges: input.CidrIp ? [{ CidrIp: input.CidrIp }] : [] }];
}

export const keyGroupHandlers: Record<string, Handler> = {
  CreateKeyPair: ({ region, input }) => {
    if (input.KeyType === 'ed25519') throw new Ec2Error('InvalidParameterValue', 'This fake makes RSA key pairs only');
    if (keyNamed(region, input.KeyName, undefined)) throw new Ec2Error('InvalidKeyPair.Duplicate', `The keypair '${input.KeyName}' already exists.`);
    const material = generateRsaKeyPair(input.KeyName);
    const key: KeyPairRecord = { keyPairId: newId('key'), keyName: input.KeyName, fingerprint: material.fingerprint, publicKey: material.publicKey, tags: tagsFor('key-pair', input.TagSpecifications) };
    region.keyPairs.set(key.keyName, key);
    return { KeyFingerprint: key.fingerprint, KeyMaterial: material.privateKey, KeyName: key.keyName, KeyPairId: key.keyPairId };
  },
  ImportKeyPair: ({ region, input }) => {
    if (keyNamed(region, input.KeyName, undefined)) throw new Ec2Error('InvalidKeyPair.Duplicate', `The keypair '${input.KeyName}' already exists.`);
    const publicKey = Buffer.from(input.PublicKeyMaterial, 'base64').toString('utf8').trim();
    if (!/^ssh-(rsa|ed25519) [A-Za-z0-9+/]+=*/.test(publicKey)) throw new Ec2Error('InvalidKey.Format', 'Key is not in valid OpenSSH public key format');
    const fingerprint = 'fa:ke:' + Buffer.from(publicKey).toString('hex').slice(0, 40).match(/../g)!.join(':');
    const key: KeyPairRecord = { keyPairId: newId('key'), keyName: input.KeyName, fingerprint, publicKey, tags: tagsFor('key-pair', input.TagSpecifications) };
    region.keyPairs.set(key.keyName, key);
    return { KeyFingerprint: fingerprint, KeyName: key.keyName, KeyPairId: key.keyPairId };
  },
  DeleteKeyPair: ({ region, input }) => {
    const key = keyNamed(region, input.KeyName, input.KeyPairId);
    if (key) region.keyPairs.delete(key.keyName); // deleting a key that is not there succeeds, as on EC2
    return {};
  },
  DescribeKeyPairs: ({ region, input }) => {
    const byName = input.KeyNames?.length || input.KeyPairIds?.length
      ? [...(input.KeyNames ?? []), ...(input.KeyPairIds ?? [])].map((n: string) => {
          const key = keyNamed(region, n, n);
          if (!key) throw new Ec2Error('InvalidKeyPair.NotFound', `The key pair '${n}' does not exist`);
          return key;
        })
      : [...region.keyPairs.values()];
    return { KeyPairs: applyFilters(byName, input.Filters, KEY_FILTERS).map(presentKeyPair) };
  },
  CreateSecurityGroup: ({ region, input }) => {
    const vpcId = input.VpcId ?? region.vpcId;
    if (vpcId !== region.vpcId) throw new Ec2Error('InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`);
    if ([...region.securityGroups.values()].some((g) => g.groupName === input.GroupName)) {
      throw new Ec2Error('InvalidGroup.Duplicate', `The security group '${input.GroupName}' already exists for VPC '${vpcId}'`);
    }
    const group: SecurityGroupRecord = { groupId: newId('sg'), groupName: input.GroupName, description: input.Description, vpcId, ownerId: ACCOUNT_ID, ingress: [], tags: tagsFor('security-group', input.TagSpecifications) };
    region.securityGroups.set(group.groupId, group);
    return { GroupId: group.groupId };
  },
  AuthorizeSecurityGroupIngress: ({ region, input }) => {
    const group = groupOf(region, input.GroupId, input.GroupName);
    group.ingress.push(...permissionsOf(input));
    return { Return: true };
  },
  DeleteSecurityGroup: ({ region, input }) => {
    const group = groupOf(region, input.GroupId, input.GroupName);
    const user = [...region.instances.values()].find((i) => i.state !== 'terminated' && i.securityGroupIds.includes(group.groupId));
    if (user) throw new Ec2Error('DependencyViolation', `resource ${group.groupId} has a dependent object (${user.instanceId})`);
    region.securityGroups.delete(group.groupId);
    return {};
  },
  DescribeSecurityGroups: ({ region, input }) => {
    const ids: string[] = input.GroupIds ?? [];
    const names: string[] = input.GroupNames ?? [];
    const chosen = ids.length || names.length ? [...ids.map((id) => groupOf(region, id, undefined)), ...names.map((n) => groupOf(region, undefined, n))] : [...region.securityGroups.values()];
    return { SecurityGroups: applyFilters(chosen, input.Filters, GROUP_FILTERS).map(presentSecurityGroup) };
  },
};
