import { Ec2Error } from '../../cloud/ec2-error';
import { applyFilters } from '../../cloud/filters';
import { InstanceRecord, Region } from '../../cloud/records';
import type { Value } from '../../query/decode';
import type { Handler } from './types';

/** Root volumes only, read off their instances: in-use while it lives, then deleted with it or left available. */
interface Volume {
  instance: InstanceRecord;
  state: 'in-use' | 'available' | 'deleted';
  tags: Map<string, string>;
}

function volumesOf(region: Region): Volume[] {
  return [...region.instances.values()]
    .filter((i) => !i.rootVolumeDeleted)
    .map((instance) => ({
      instance,
      state: instance.state !== 'terminated' ? 'in-use' : instance.rootDeleteOnTermination ? 'deleted' : 'available',
      tags: new Map(),
    }));
}

function present(volume: Volume): Value {
  const { instance } = volume;
  return {
    Attachments:
      volume.state === 'in-use'
        ? [{ AttachTime: instance.launchTime, Device: '/dev/xvda', InstanceId: instance.instanceId, State: 'attached', VolumeId: instance.rootVolumeId, DeleteOnTermination: instance.rootDeleteOnTermination }]
        : [],
    AvailabilityZone: instance.availabilityZone,
    CreateTime: instance.launchTime,
    Encrypted: false,
    Size: instance.volumeSize,
    State: volume.state,
    VolumeId: instance.rootVolumeId,
    VolumeType: 'gp2',
  };
}

export const volumeHandlers: Record<string, Handler> = {
  DescribeVolumes: ({ region, input }) => {
    const all = volumesOf(region);
    const ids: string[] = input.VolumeIds ?? [];
    for (const id of ids) if (!all.some((v) => v.instance.rootVolumeId === id)) throw new Ec2Error('InvalidVolume.NotFound', `The volume '${id}' does not exist.`);
    const chosen = ids.length ? all.filter((v) => ids.includes(v.instance.rootVolumeId)) : all;
    const filtered = applyFilters(chosen, input.Filters, {
      'volume-id': (v) => v.instance.rootVolumeId,
      status: (v) => v.state,
      'attachment.instance-id': (v) => (v.state === 'in-use' ? v.instance.instanceId : undefined),
    });
    return { Volumes: filtered.map(present) };
  },
  DeleteVolume: ({ region, input }) => {
    const volume = volumesOf(region).find((v) => v.instance.rootVolumeId === input.VolumeId);
    if (!volume) throw new Ec2Error('InvalidVolume.NotFound', `The volume '${input.VolumeId}' does not exist.`);
    if (volume.state === 'in-use') throw new Ec2Error('VolumeInUse', `Volume ${input.VolumeId} is currently attached to ${volume.instance.instanceId}`);
    volume.instance.rootVolumeDeleted = true;
    return {};
  },
};
