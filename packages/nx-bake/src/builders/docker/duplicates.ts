import type Docker from 'dockerode';
import type { Artifact, ArtifactQuery } from '../builder';
import { findDockerArtifact, identityLabels } from './artifacts';

/**
 * After a build: if the engine holds an older image of the same stage and fingerprint made since this bake
 * started (a bake in another clone, racing this one, finished first), this build's image is removed and
 * the older one adopted. Images from before the bake (--force, a revoked one) are not racing it.
 */
export async function keepOldestDockerImage(docker: Docker, built: Artifact, query: ArtifactQuery, since: Date, say: (message: string) => void): Promise<Artifact> {
  const labels = Object.entries(identityLabels(query)).map(([key, value]) => `${key}=${value}`);
  const listed = await docker.listImages({ all: true, filters: { label: labels } });
  if (listed.length < 2) return built;
  const inspected = await Promise.all(listed.map((image) => docker.getImage(image.Id).inspect().catch(() => undefined)));
  const oldest = inspected
    .filter((image): image is Docker.ImageInspectInfo => image !== undefined && Date.parse(image.Created) >= since.getTime())
    .sort((a, b) => timeKey(a.Created).localeCompare(timeKey(b.Created)) || a.Id.localeCompare(b.Id))[0];
  if (!oldest || oldest.Id === built.id) return built;
  say(`${built.builderName}: another bake already built ${oldest.Id} with fingerprint ${query.fingerprint}; removing this build's ${built.id} and adopting it`);
  await docker.getImage(built.id).remove({ force: true });
  const adopted = await findDockerArtifact(docker, query);
  if (!adopted) throw new Error(`the artifact ${oldest.Id} of the other bake disappeared while this bake adopted it`);
  return adopted;
}

/** `Created` is RFC 3339 in UTC with up to nine fraction digits: a key that sorts as the time does. */
function timeKey(created: string): string {
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?Z$/.exec(created);
  if (!match) return created;
  return `${new Date(`${match[1]}Z`).toISOString().slice(0, 19)}.${(match[2] ?? '').padEnd(9, '0')}`;
}
