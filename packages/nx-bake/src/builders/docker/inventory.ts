import type Docker from 'dockerode';
import type { BuildResource, StoredArtifact } from '../builder';
import { isNotFound } from './images';

/** Images committed by nx-bake, with the identity and lineage their labels carry. */
export async function listDockerArtifacts(docker: Docker): Promise<StoredArtifact[]> {
  // all: an untagged image with a child is "intermediate" and hidden from the default listing.
  const images = await docker.listImages({ all: true, filters: { label: ['nx-bake.stage', 'nx-bake.fingerprint'] } });
  return images.map((image) => {
    const labels = image.Labels ?? {};
    return {
      id: image.Id,
      pipeline: labels['nx-bake.pipeline'] ?? '',
      stage: labels['nx-bake.stage'] ?? '',
      fingerprint: labels['nx-bake.fingerprint'] ?? '',
      base: labels['nx-bake.base'],
      runId: labels['nx-bake.run'],
      createdAt: new Date(image.Created * 1000),
      name: image.RepoTags?.find((tag) => tag !== '<none>:<none>'),
    };
  });
}

/** Removes the image with every tag it has; an image another image is built on cannot go, and says so. */
export async function deleteDockerArtifact(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getImage(id).remove({ force: true });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** Build containers, running or not: every one carries its run's label. */
export async function listDockerBuildContainers(docker: Docker): Promise<BuildResource[]> {
  const containers = await docker.listContainers({ all: true, filters: { label: ['nx-bake.run'] } });
  return containers.map((container) => ({
    kind: 'container',
    id: container.Id,
    runId: container.Labels?.['nx-bake.run'],
    pipeline: container.Labels?.['nx-bake.pipeline'],
    createdAt: new Date(container.Created * 1000),
  }));
}

export async function deleteDockerContainer(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).remove({ force: true, v: true });
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
