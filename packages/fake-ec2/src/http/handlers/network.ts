import { ACCOUNT_ID } from '../../cloud/catalog';
import { applyFilters } from '../../cloud/filters';
import { Region } from '../../cloud/records';
import type { Handler } from './types';

/** Regions, zones and the default VPC and subnet: fixed per region, there to be described. */

const noTags = { tags: new Map<string, string>() };

function vpcOf(region: Region): { VpcId: string } {
  return { VpcId: region.vpcId };
}

export const networkHandlers: Record<string, Handler> = {
  DescribeRegions: ({ cloud, input }) => {
    const names: string[] | undefined = input.RegionNames;
    const regions = [...cloud.regions.keys()].filter((name) => !names?.length || names.includes(name)).map((name) => ({ name, tags: noTags.tags }));
    const filtered = applyFilters(regions, input.Filters, { 'region-name': (r) => r.name, endpoint: (r) => `ec2.${r.name}.amazonaws.com` });
    return { Regions: filtered.map((r) => ({ Endpoint: `ec2.${r.name}.amazonaws.com`, RegionName: r.name, OptInStatus: 'opt-in-not-required' })) };
  },
  DescribeAvailabilityZones: ({ region, input }) => {
    const zones = region.availabilityZones.map((name, i) => ({ name, id: `${region.name.replace(/-/g, '').slice(0, 4)}-az${i + 1}`, tags: noTags.tags }));
    const filtered = applyFilters(zones, input.Filters, { 'zone-name': (z) => z.name, 'zone-id': (z) => z.id, state: () => 'available', 'region-name': () => region.name });
    const names: string[] | undefined = input.ZoneNames;
    return {
      AvailabilityZones: filtered
        .filter((z) => !names?.length || names.includes(z.name))
        .map((z) => ({ State: 'available', OptInStatus: 'opt-in-not-required', Messages: [], RegionName: region.name, ZoneName: z.name, ZoneId: z.id, GroupName: region.name, NetworkBorderGroup: region.name, ZoneType: 'availability-zone' })),
    };
  },
  DescribeVpcs: ({ region, input }) => {
    const vpcs = [vpcOf(region)].filter((v) => !input.VpcIds?.length || input.VpcIds.includes(v.VpcId));
    const filtered = applyFilters(vpcs.map((v) => ({ ...v, tags: noTags.tags })), input.Filters, { 'vpc-id': (v) => v.VpcId, 'is-default': () => 'true', state: () => 'available', 'cidr-block': () => '172.31.0.0/16' });
    return {
      Vpcs: filtered.map((v) => ({ CidrBlock: '172.31.0.0/16', DhcpOptionsId: 'dopt-0fake', State: 'available', VpcId: v.VpcId, OwnerId: ACCOUNT_ID, InstanceTenancy: 'default', IsDefault: true })),
    };
  },
  DescribeSubnets: ({ region, input }) => {
    const subnets = [{ SubnetId: region.subnetId, tags: noTags.tags }].filter((s) => !input.SubnetIds?.length || input.SubnetIds.includes(s.SubnetId));
    const filtered = applyFilters(subnets, input.Filters, {
      'subnet-id': (s) => s.SubnetId,
      'vpc-id': () => region.vpcId,
      'default-for-az': () => 'true',
      'availability-zone': () => region.availabilityZones[0],
      state: () => 'available',
    });
    return {
      Subnets: filtered.map((s) => ({
        AvailabilityZone: region.availabilityZones[0],
        AvailableIpAddressCount: 4091,
        CidrBlock: '172.31.0.0/20',
        DefaultForAz: true,
        MapPublicIpOnLaunch: true,
        State: 'available',
        SubnetId: s.SubnetId,
        VpcId: region.vpcId,
        OwnerId: ACCOUNT_ID,
      })),
    };
  },
};
