/**
 * DigitalOcean tags are plain names (`^[a-zA-Z0-9_\-:]+$`), so our labels become `nx-bake:<label>:<value>`.
 * Every droplet, key name and snapshot of a bake carries them: adoption finds a snapshot by its
 * fingerprint tag, and a leak sweep finds a killed run's droplets by the `nx-bake` tag.
 */
export const NX_BAKE_TAG = 'nx-bake';

export function tag(label: string, value: string): string {
  return `${NX_BAKE_TAG}:${label}:${value.replace(/[^a-zA-Z0-9_\-:]/g, '_')}`;
}

export function fingerprintTag(fingerprint: string): string {
  return tag('fp', fingerprint);
}

export function stageTag(pipeline: string, stage: string): string {
  return tag('stage', `${pipeline}:${stage}`);
}

/** A stage's builders share its fingerprint: two of one type tell their snapshots apart by this. */
export function builderTag(builderName: string): string {
  return tag('builder', builderName);
}

export function runTag(runId: string): string {
  return tag('run', runId);
}

export { buildName } from '../shared/build-name';

/** Packer's artifact ID form for snapshots: `region:snapshot_id`. */
export function artifactId(region: string, imageId: number): string {
  return `${region}:${imageId}`;
}

export function imageIdOf(artifactOrImage: string): number | undefined {
  const id = Number(artifactOrImage.includes(':') ? artifactOrImage.split(':').pop() : artifactOrImage);
  return Number.isInteger(id) && id > 0 ? id : undefined;
}
