import type { RuntimeIdentity } from '../../../fake-digitalocean/src';

/** Labels on the fake EC2's containers and committed images (leak checks filter on them). */
export const EC2_LABEL = {
  /** The fake that made the container or image: `stop()` removes everything carrying its id. */
  instance: 'fake-ec2.fake',
  /** On a container: the instance's sequence number. On a committed image: the AMI's. */
  droplet: 'fake-ec2.seq',
  /** On a container: the EC2 instance id. */
  dropletName: 'fake-ec2.instance-id',
  tags: 'fake-ec2.tags',
  image: 'fake-ec2.image-seq',
  snapshotName: 'fake-ec2.ami-name',
} as const;

export const AMI_REPOSITORY = 'fake-ec2/ami';

export const EC2_IDENTITY: RuntimeIdentity = { containerPrefix: 'fake-ec2', repository: AMI_REPOSITORY, labels: EC2_LABEL, imageKind: 'fake-ec2 AMI' };
