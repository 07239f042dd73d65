import { FakeEc2, startFakeEc2 } from '../src';
import { awsOk } from './support/aws-cli';
import { labelled } from './support/docker';
import { eventually } from './support/wait';

jest.setTimeout(180_000);

/** Faults on machines: an instance whose status checks never pass, an AMI that ends `failed`. One instance for both. */
describe('fake EC2 machine faults', () => {
  let fake: FakeEc2;

  beforeAll(async () => {
    fake = await startFakeEc2({ statusDelayMs: 100, imageDelayMs: 100 });
  });
  afterAll(async () => fake?.stop());

  it('runs an instance that never passes status checks, and fails the AMI made from it', async () => {
    fake.faults.neverHealthy(1);
    fake.faults.failImages(1);
    const [debian] = (await awsOk(fake, ['describe-images', '--owners', '136693071363'])).Images;
    const instanceId: string = (await awsOk(fake, ['run-instances', '--image-id', debian.ImageId, '--instance-type', 't3.micro'])).Instances[0].InstanceId;
    const instance = () => fake.state()['us-east-1'].instances[0] as unknown as { State: { Name: string }; statusOk: boolean };
    await eventually(async () => (instance().State.Name === 'running' ? true : undefined), 120_000, 'running');
    await new Promise((resolve) => setTimeout(resolve, 1000)); // well past statusDelayMs
    const [status] = (await awsOk(fake, ['describe-instance-status', '--instance-ids', instanceId])).InstanceStatuses;
    expect(status.InstanceStatus).toEqual({ Status: 'initializing', Details: [{ Name: 'reachability', Status: 'initializing' }] });

    const amiId: string = (await awsOk(fake, ['create-image', '--instance-id', instanceId, '--name', 'doomed', '--no-reboot'])).ImageId;
    const failed = await eventually(async () => {
      const [image] = (await awsOk(fake, ['describe-images', '--image-ids', amiId])).Images;
      return image.State === 'pending' ? undefined : image;
    });
    expect(failed).toMatchObject({ State: 'failed', StateReason: { Code: 'Client.ImageFailed' } });
    expect((await awsOk(fake, ['describe-snapshots', '--owner-ids', 'self'])).Snapshots).toEqual([]);

    await awsOk(fake, ['terminate-instances', '--instance-ids', instanceId]);
    await awsOk(fake, ['deregister-image', '--image-id', amiId]);
    await eventually(async () => (instance().State.Name === 'terminated' ? true : undefined), 60_000, 'terminated');
    expect(fake.violations()).toEqual([]);
    await eventually(async () => {
      const left = await labelled(fake.instanceId);
      return left.containers.length + left.images.length === 0 ? true : undefined;
    }, 20_000, 'no containers or images left');
  });
});
