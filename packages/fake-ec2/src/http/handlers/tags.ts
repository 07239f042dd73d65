import { Ec2Error } from '../../cloud/ec2-error';
import { applyFilters } from '../../cloud/filters';
import { Region, Tags } from '../../cloud/records';
import { TagInput } from '../../cloud/tags';
import type { Handler } from './types';

const RESOURCE_TYPES: [prefix: string, type: string, records: (r: Region) => Map<string, { tags: Tags }>][] = [
  ['ami-', 'image', (r) => r.images],
  ['snap-', 'snapshot', (r) => r.snapshots],
  ['i-', 'instance', (r) => r.instances],
  ['sg-', 'security-group', (r) => r.securityGroups],
];

/** The tags of the resource `id` names (key pairs by their key-… id), else InvalidID. */
function tagsOf(region: Region, id: string): Tags {
  if (id.startsWith('key-')) {
    const key = [...region.keyPairs.values()].find((k) => k.keyPairId === id);
    if (key) return key.tags;
  }
  for (const [prefix, , records] of RESOURCE_TYPES) {
    const record = id.startsWith(prefix) ? records(region).get(id) : undefined;
    if (record) return record.tags;
  }
  // Volumes are not kept as resources: their tags land nowhere, as tagging a deleted one would.
  if (id.startsWith('vol-')) return new Map();
  throw new Ec2Error('InvalidID', `The ID '${id}' is not valid`);
}

export const tagHandlers: Record<string, Handler> = {
  CreateTags: ({ region, input }) => {
    const targets = (input.Resources as string[]).map((id) => tagsOf(region, id));
    for (const tags of targets) for (const tag of input.Tags as TagInput[]) if (tag.Key) tags.set(tag.Key, tag.Value ?? '');
    return {};
  },
  DeleteTags: ({ region, input }) => {
    for (const id of input.Resources as string[]) {
      const tags = tagsOf(region, id);
      if (!input.Tags?.length) tags.clear();
      for (const tag of (input.Tags ?? []) as TagInput[]) if (tag.Key && (tag.Value === undefined || tags.get(tag.Key) === tag.Value)) tags.delete(tag.Key);
    }
    return {};
  },
  DescribeTags: ({ region, input }) => {
    const rows: { id: string; type: string; key: string; value: string; tags: Tags }[] = [];
    for (const [, type, records] of RESOURCE_TYPES) {
      for (const [id, record] of records(region)) for (const [key, value] of record.tags) rows.push({ id, type, key, value, tags: record.tags });
    }
    for (const key of region.keyPairs.values()) for (const [k, value] of key.tags) rows.push({ id: key.keyPairId, type: 'key-pair', key: k, value, tags: key.tags });
    const filtered = applyFilters(rows, input.Filters, { 'resource-id': (r) => r.id, 'resource-type': (r) => r.type, key: (r) => r.key, value: (r) => r.value });
    return { Tags: filtered.map((r) => ({ Key: r.key, ResourceId: r.id, ResourceType: r.type, Value: r.value })) };
  },
};
