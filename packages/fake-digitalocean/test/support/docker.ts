import Docker from 'dockerode';
import { LABEL } from '../../src/docker/labels';

const docker = new Docker();

/** Containers and images carrying the fake instance's label (the fake EC2's is another): what a leak check expects to be empty. */
export async function labelled(instanceId: string, label: string = LABEL.instance): Promise<{ containers: string[]; images: string[] }> {
  const filters = JSON.stringify({ label: [`${label}=${instanceId}`] });
  const containers = await docker.listContainers({ all: true, filters });
  const images = await docker.listImages({ all: true, filters });
  return { containers: containers.map((c) => c.Id), images: images.map((i) => i.Id) };
}

export async function containerOfDroplet(instanceId: string, dropletId: number): Promise<Docker.ContainerInfo | undefined> {
  const filters = JSON.stringify({ label: [`${LABEL.instance}=${instanceId}`, `${LABEL.droplet}=${dropletId}`] });
  const [container] = await docker.listContainers({ all: true, filters });
  return container;
}

export async function imageLabels(ref: string): Promise<Record<string, string>> {
  const info = await docker.getImage(ref).inspect();
  return info.Config.Labels ?? {};
}
