import type { Instance } from '@aws-sdk/client-ec2';
import type { SshTargetState } from '../shared/connect-ssh';

export interface AmazonEbsBuildState extends SshTargetState {
  keyName?: string;
  /** The temporary security group, when the config gives none. */
  groupId?: string;
  securityGroupIds?: string[];
  /** The AMI the instance starts from (the parent's, `source_ami`, or what `source_ami_filter` found). */
  sourceAmi?: string;
  instanceId?: string;
  instance?: Instance;
  /** Every AMI made so far (the build region's, then the copies): a failed build deregisters them all. */
  amis?: { region: string; imageId: string }[];
}
