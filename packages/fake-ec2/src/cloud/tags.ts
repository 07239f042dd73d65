import type { Value } from '../query/decode';
import { Tags } from './records';

export interface TagInput {
  Key?: string;
  Value?: string;
}

export function tagList(tags: Tags): Value[] {
  return [...tags].map(([Key, Value]) => ({ Key, Value }));
}

/** TagSpecifications' tags for one resource type. */
export function tagsFor(resourceType: string, specifications: { ResourceType?: string; Tags?: TagInput[] }[] | undefined): Tags {
  const tags: Tags = new Map();
  for (const spec of specifications ?? []) {
    if (spec.ResourceType !== resourceType) continue;
    for (const tag of spec.Tags ?? []) if (tag.Key) tags.set(tag.Key, tag.Value ?? '');
  }
  return tags;
}
