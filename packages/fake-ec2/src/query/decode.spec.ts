import { loadModel, resolveModelPath } from '../model/load';
import { encodeOutput } from '../xml/encode';
import { decodeInput } from './decode';

const model = loadModel(resolveModelPath());
const params = (entries: Record<string, string>): Map<string, string> => new Map(Object.entries(entries));

describe('EC2 Query decoding against the botocore model', () => {
  it('reads flattened lists, nested structures and locationName-capitalised names', () => {
    const { input, problems } = decodeInput(model, 'RunInstancesRequest', params({
      ImageId: 'ami-1', MinCount: '1', MaxCount: '1',
      'BlockDeviceMapping.1.DeviceName': '/dev/xvda', 'BlockDeviceMapping.1.Ebs.VolumeSize': '20', 'BlockDeviceMapping.1.Ebs.DeleteOnTermination': 'false',
      'NetworkInterface.1.DeviceIndex': '0', 'NetworkInterface.1.AssociatePublicIpAddress': 'true', 'NetworkInterface.1.SecurityGroupId.1': 'sg-1',
      'TagSpecification.1.ResourceType': 'instance', 'TagSpecification.1.Tag.1.Key': 'Name', 'TagSpecification.1.Tag.1.Value': 'x',
      'IamInstanceProfile.Name': 'baker',
    }));
    expect(problems).toEqual([]);
    expect(input).toMatchObject({
      MinCount: 1,
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 20, DeleteOnTermination: false } }],
      NetworkInterfaces: [{ DeviceIndex: 0, AssociatePublicIpAddress: true, Groups: ['sg-1'] }],
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'x' }] }],
      IamInstanceProfile: { Name: 'baker' },
    });
  });

  it('names what a client got wrong', () => {
    const { problems } = decodeInput(model, 'DescribeImagesRequest', params({ 'Filter.1.Name': 'name', 'Filter.1.Values.1': 'x', DryRun: 'maybe' }));
    expect(problems).toEqual([
      ['InvalidParameterValue', expect.stringContaining('DryRun')],
      ['UnknownParameter', 'The parameter Filter.1.Values.1 is not recognized'],
    ]);
  });
});

describe('EC2 XML encoding against the botocore model', () => {
  it('names elements by locationName and lists as items', () => {
    const { xml, problems } = encodeOutput(model, 'DescribeKeyPairs', 'DescribeKeyPairsResult', { KeyPairs: [{ KeyName: 'k', KeyFingerprint: 'f', KeyPairId: 'key-1' }] }, 'req-1');
    expect(problems).toEqual([]);
    expect(xml).toContain('<DescribeKeyPairsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-1</requestId><keySet><item><keyPairId>key-1</keyPairId><keyFingerprint>f</keyFingerprint><keyName>k</keyName></item></keySet></DescribeKeyPairsResponse>');
  });

  it("reports output the shape does not allow: the fake's own violations", () => {
    const { problems } = encodeOutput(model, 'DescribeInstances', 'DescribeInstancesResult', { Reservations: [{ Instances: [{ State: { Code: 'x', Name: 'flying' } }], Extra: 'y' }] }, 'req-1');
    expect(problems).toEqual([
      'DescribeInstances.Reservations[0]: Reservation has no member Extra',
      expect.stringMatching(/State.Code: expected an integer/),
      expect.stringMatching(/State.Name: expected one of pending, running/),
    ]);
  });
});
