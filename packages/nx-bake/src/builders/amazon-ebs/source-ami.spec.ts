import { pickSourceAmi, sourceAmiFilterRequest } from './source-ami';

const filter = { filters: { name: 'debian-12-amd64-*', 'root-device-type': 'ebs' }, owners: ['136693071363'], mostRecent: true };
const images = [
  { ImageId: 'ami-old', CreationDate: '2026-01-10T00:00:00.000Z' },
  { ImageId: 'ami-new', CreationDate: '2026-11-02T00:00:00.000Z' },
  { ImageId: 'ami-mid', CreationDate: '2026-06-01T00:00:00.000Z' },
];

describe('source_ami_filter', () => {
  it('asks DescribeImages for the owners, one value per filter', () => {
    expect(sourceAmiFilterRequest(filter)).toEqual({
      Owners: ['136693071363'],
      Filters: [
        { Name: 'name', Values: ['debian-12-amd64-*'] },
        { Name: 'root-device-type', Values: ['ebs'] },
      ],
    });
  });

  it.each([
    ['the newest with most_recent', images, filter, 'ami-new'],
    ['the one match without it', [images[0]], { ...filter, mostRecent: false }, 'ami-old'],
  ])('picks %s', (_case, found, given, id) => {
    expect(pickSourceAmi(found, given).ImageId).toBe(id);
  });

  it.each([
    ['no match', [], { ...filter, mostRecent: true }, 'source_ami_filter matched no image (owners 136693071363'],
    ['several without most_recent', images, { ...filter, mostRecent: false }, 'matched 3 images (ami-old, ami-new, ami-mid): narrow the filters or set most_recent: true'],
  ])('refuses %s', (_case, found, given, message) => {
    expect(() => pickSourceAmi(found, given)).toThrow(message);
  });
});
