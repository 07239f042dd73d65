import { FakeEc2, startFakeEc2 } from '../src';
import { awsEc2 } from './support/aws-cli';
import { postQuery } from './support/signed-request';

jest.setTimeout(60_000);

/** What the fake answers requests that break EC2's contract, and the HTTP-level faults; no instance needed. */
describe('fake EC2 request checks and HTTP faults', () => {
  let fake: FakeEc2;

  beforeAll(async () => {
    fake = await startFakeEc2();
  });
  afterAll(async () => fake?.stop());
  afterEach(async () => {
    fake.faults.clear();
    fake.clearViolations();
  });

  it('answers an unknown parameter with an EC2 error and records the violation', async () => {
    const response = await postQuery(fake, { Action: 'DescribeImages', 'Owner.1': 'self', Bogus: '1' });
    expect(response.status).toBe(400);
    expect(response.body).toMatch(/<Response><Errors><Error><Code>UnknownParameter<\/Code><Message>The parameter Bogus is not recognized<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]+<\/RequestID><\/Response>/);
    expect(fake.violations()).toMatchObject([{ direction: 'request', operationId: 'DescribeImages', problems: ['UnknownParameter: The parameter Bogus is not recognized'] }]);
  });

  it('checks types, enums, required members and EC2 names (locationName capitalised, lists as Name.N)', async () => {
    const bad = await postQuery(fake, { Action: 'RunInstances', ImageId: 'ami-1', MinCount: 'one', InstanceType: 't9.huge' });
    expect(bad.status).toBe(400);
    expect(fake.violations()[0].problems).toEqual([
      expect.stringMatching(/^InvalidParameterValue: Value \(t9.huge\) for parameter InstanceType/),
      'MissingParameter: The request must contain the parameter MaxCount',
      expect.stringMatching(/^InvalidParameterValue: Value \(one\) for parameter MinCount is invalid/),
    ]);
    // `ImageIds` is `ImageId.N` on the wire: the member name itself is not a parameter.
    expect((await postQuery(fake, { Action: 'DescribeImages', 'ImageIds.1': 'ami-1' })).body).toMatch(/UnknownParameter/);
    const good = await postQuery(fake, { Action: 'DescribeImages', 'Owner.1': '136693071363', 'Filter.1.Name': 'name', 'Filter.1.Value.1': 'debian-12-*' });
    expect(good.status).toBe(200);
    expect(good.body).toMatch(/<DescribeImagesResponse xmlns="http:\/\/ec2.amazonaws.com\/doc\/2016-11-15\/"><requestId>[^<]+<\/requestId><imagesSet><item><architecture>x86_64<\/architecture>/);
    expect(good.body).toMatch(/<imageOwnerId>136693071363<\/imageOwnerId>/);
  });

  it('rejects unknown actions, unsigned requests and bad signatures', async () => {
    expect((await postQuery(fake, { Action: 'LaunchRocket' })).body).toMatch(/<Code>InvalidAction<\/Code>/);
    const unsigned = await postQuery(fake, { Action: 'DescribeRegions' }, { unsigned: true });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body).toMatch(/<Code>AuthFailure<\/Code>/);
    const wrongSecret = await startFakeEc2({ credentials: [{ accessKeyId: fake.credentials[0].accessKeyId, secretAccessKey: 'another' }] });
    try {
      // Signed with the first fake's secret: right key id, wrong signature.
      const result = await awsEc2({ ...wrongSecret, credentials: fake.credentials }, ['describe-regions']);
      expect(result.stderr).toMatch(/AuthFailure.*signature does not match/);
      expect(wrongSecret.violations()).toMatchObject([{ direction: 'request', status: 401 }]);
    } finally {
      await wrongSecret.stop();
    }
    expect(fake.violations().map((v) => v.problems[0].split(':')[0])).toEqual(['InvalidAction', 'AuthFailure']);

  });

  it('throttles with RequestLimitExceeded (503) and fails with 5xx, which the CLI retries', async () => {
    fake.faults.throttle(1);
    const throttled = await awsEc2(fake, ['describe-regions']);
    expect(throttled.stderr).toMatch(/RequestLimitExceeded/);
    fake.faults.serverErrors(1, { status: 503, action: 'DescribeRegions' });
    expect((await postQuery(fake, { Action: 'DescribeRegions' })).status).toBe(503);
    fake.faults.throttle(2);
    fake.faults.serverErrors(1);
    const retried = await awsEc2(fake, ['describe-regions'], { attempts: 5 });
    expect(retried.code).toBe(0);
    expect(fake.calls().slice(-4).map((c) => c.status)).toEqual([503, 503, 500, 200]);
    expect(fake.violations()).toEqual([]);
  });

  it('fails RunInstances with InsufficientInstanceCapacity and keeps nothing', async () => {
    fake.faults.insufficientCapacity(1);
    const [debian] = (await awsEc2(fake, ['describe-images', '--owners', '136693071363'])).json().Images;
    const run = await awsEc2(fake, ['run-instances', '--image-id', debian.ImageId, '--instance-type', 't3.micro']);
    expect(run.stderr).toMatch(/InsufficientInstanceCapacity/);
    expect(fake.state()['us-east-1'].instances).toEqual([]);
  });

  it('serves the admin API: state, faults, violations, calls', async () => {
    const post = await fetch(`${fake.url}/_fake/faults/never-healthy`, { method: 'POST', body: JSON.stringify({ count: 2 }) });
    expect(post.status).toBe(201);
    expect(await (await fetch(`${fake.url}/_fake/faults`)).json()).toMatchObject({ neverHealthy: 2 });
    const state = (await (await fetch(`${fake.url}/_fake/state`)).json()) as object;
    expect(Object.keys(state)).toEqual(['us-east-1', 'us-west-2', 'eu-west-1', 'eu-central-1']);
    expect(((await (await fetch(`${fake.url}/_fake/calls`)).json()) as { calls: unknown[] }).calls.length).toBeGreaterThan(0);
    expect((await fetch(`${fake.url}/_fake/reset`, { method: 'POST' })).status).toBe(204);
    expect(fake.calls()).toEqual([]);
  });
});
