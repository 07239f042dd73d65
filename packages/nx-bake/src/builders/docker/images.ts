import type Docker from 'dockerode';

/** The image's inspect data, or undefined when the engine has no such image. */
export async function inspectImage(docker: Docker, reference: string): Promise<Docker.ImageInspectInfo | undefined> {
  try {
    return await docker.getImage(reference).inspect();
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Whether a recorded artifact (image ID or tag) still exists locally. */
export async function imageExists(docker: Docker, id: string): Promise<boolean> {
  return (await inspectImage(docker, id)) !== undefined;
}

/**
 * The newest local image carrying every given label (e.g. a stage's fingerprint), to adopt instead of rebuilding.
 * `all`: an untagged image with a child (a base whose tag moved to a newer build) is "intermediate" and hidden
 * from the default listing; it is exactly what a reverted change or a return to main wants back.
 */
export async function findImageByLabels(docker: Docker, labels: Record<string, string>): Promise<Docker.ImageInfo | undefined> {
  const filter = Object.entries(labels).map(([key, value]) => `${key}=${value}`);
  if (filter.length === 0) throw new Error('findImageByLabels needs at least one label');
  const images = await docker.listImages({ all: true, filters: { label: filter } });
  return images.sort((a, b) => b.Created - a.Created)[0];
}

export function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number } | undefined)?.statusCode === 404;
}
