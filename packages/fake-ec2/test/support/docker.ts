import Docker from 'dockerode';
import { EC2_LABEL } from '../../src';

const docker = new Docker();

/** Containers and images carrying the fake's label: what a leak check expects to be empty. */
export async function labelled(fakeId: string): Promise<{ containers: string[]; images: string[] }> {
  const filters = JSON.stringify({ label: [`${EC2_LABEL.instance}=${fakeId}`] });
  const containers = await docker.listContainers({ all: true, filters });
  const images = await docker.listImages({ all: true, filters });
  return { containers: containers.map((c) => c.Id), images: images.map((i) => i.Id) };
}
