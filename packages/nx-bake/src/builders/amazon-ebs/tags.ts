import type { Tag, TagSpecification, ResourceType } from '@aws-sdk/client-ec2';
import type { BuildRequest } from '../builder';
import { buildName } from '../shared/build-name';

export { buildName } from '../shared/build-name';

/**
 * EC2 tags are key/value pairs, so nx-bake's labels are tags as they are (`nx-bake.pipeline`, `.stage`,
 * `.builder`, `.fingerprint`, `.base`, `.run`). Adoption finds an AMI by its fingerprint tag; a leak sweep finds a killed
 * run's instances, key pairs and groups by their run tag.
 */
export const LABEL = {
  pipeline: 'nx-bake.pipeline',
  stage: 'nx-bake.stage',
  builder: 'nx-bake.builder',
  fingerprint: 'nx-bake.fingerprint',
  base: 'nx-bake.base',
  run: 'nx-bake.run',
} as const;

export function toTags(map: Record<string, string>): Tag[] {
  return Object.entries(map).map(([Key, Value]) => ({ Key, Value }));
}

export function tagMap(tags: Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).filter((tag) => tag.Key).map((tag) => [tag.Key!, tag.Value ?? '']));
}

export function tagSpecifications(types: ResourceType[], tags: Record<string, string>): TagSpecification[] {
  return types.map((ResourceType) => ({ ResourceType, Tags: toTags(tags) }));
}

/** What marks a build's temporary resources: its pipeline, stage and run (the user's tags first, ours win). */
export function buildResourceTags(request: Pick<BuildRequest, 'pipeline' | 'stage' | 'runId'>, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, Name: buildName(request), [LABEL.pipeline]: request.pipeline, [LABEL.stage]: request.stage, [LABEL.run]: request.runId };
}

/** Packer's artifact ID for AMIs: `region:ami-…`, comma-separated when copied to several regions. */
export function artifactId(amis: { region: string; imageId: string }[]): string {
  return amis.map(({ region, imageId }) => `${region}:${imageId}`).join(',');
}

/** The AMIs an artifact ID names; a bare `ami-…` is in the build region. */
export function amisOf(artifact: string, homeRegion: string): { region: string; imageId: string }[] {
  return artifact
    .split(',')
    .map((part) => part.trim())
    .filter((part) => /(^|:)ami-[0-9a-f]+$/.test(part))
    .map((part) => (part.includes(':') ? { region: part.slice(0, part.lastIndexOf(':')), imageId: part.slice(part.lastIndexOf(':') + 1) } : { region: homeRegion, imageId: part }));
}
