import Docker from 'dockerode';

export const docker = new Docker();

/** Containers (running or not) carrying a label, e.g. `nx-bake.pipeline=images`. */
export async function containersWithLabel(label: string): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: { label: [label] } });
}

export async function imagesWithLabel(label: string): Promise<Docker.ImageInfo[]> {
  return docker.listImages({ filters: { label: [label] } });
}

/** Removes what a test made: containers first, then images (children before parents). */
export async function removeByLabel(label: string): Promise<void> {
  for (const info of await containersWithLabel(label)) {
    await docker.getContainer(info.Id).remove({ force: true }).catch(() => undefined);
  }
  const images = await imagesWithLabel(label);
  images.sort((a, b) => b.Created - a.Created);
  for (const info of images) {
    await docker.getImage(info.Id).remove({ force: true }).catch(() => undefined);
  }
}

/** Runs a command in a fresh container from an image and returns its output. */
export async function runInImage(image: string, command: string[]): Promise<string> {
  const container = await docker.createContainer({ Image: image, Entrypoint: command.slice(0, 1), Cmd: command.slice(1), HostConfig: { NetworkMode: 'host' } });
  try {
    await container.start();
    await container.wait();
    const logs = await container.logs({ stdout: true, stderr: true });
    return demux(logs);
  } finally {
    await container.remove({ force: true });
  }
}

/** Strips Docker's 8-byte stream frame headers from a non-TTY log buffer. */
function demux(buffer: Buffer): string {
  let offset = 0;
  let text = '';
  while (offset + 8 <= buffer.length) {
    const size = buffer.readUInt32BE(offset + 4);
    text += buffer.subarray(offset + 8, offset + 8 + size).toString();
    offset += 8 + size;
  }
  return text;
}

/** A container `create` event, as the engine recorded it (its labels are in `Actor.Attributes`). */
export interface ContainerEvent {
  id: string;
  time: number;
  attributes: Record<string, string>;
}

/** An engine event as the engine sends it (labels and names in `Actor.Attributes`). */
export interface EngineEventRecord {
  Type: string;
  Action: string;
  id: string;
  time: number;
  Actor: { Attributes: Record<string, string> };
}

/**
 * Watches an engine's events live, from now until `stop()`. The engine keeps only its last few hundred
 * events, and a build makes many (every docker exec is three): asking afterwards can miss the first ones.
 */
export async function watchEvents(engine: Docker, filters: Record<string, string[]>): Promise<{ stop(): Promise<EngineEventRecord[]> }> {
  const stream = (await engine.getEvents({ filters })) as NodeJS.ReadableStream & { destroy(): void };
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return {
    async stop() {
      // Let events already sent arrive, then stop listening.
      await new Promise((resolve) => setTimeout(resolve, 500));
      stream.destroy();
      return text
        .split('\n')
        .filter((line) => line.trim())
        .map((line) => JSON.parse(line) as EngineEventRecord);
    },
  };
}

/** Container creates carrying `label`, live from now until `stop()`. */
export async function watchContainerCreates(label: string): Promise<{ stop(): Promise<ContainerEvent[]> }> {
  const watch = await watchEvents(docker, { type: ['container'], event: ['create'], label: [label] });
  return { stop: async () => (await watch.stop()).map((event) => ({ id: event.id, time: event.time, attributes: event.Actor.Attributes })) };
}
