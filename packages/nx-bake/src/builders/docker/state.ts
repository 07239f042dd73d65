import type { BuildState } from '../builder';

/** What the docker builder's steps pass along, beyond the shared BuildState. */
export interface DockerBuildState extends BuildState {
  /** The base image as inspected before the build: its ID and the run config the result must keep. */
  base?: { id: string; entrypoint: string[] | null; cmd: string[] | null };
  containerId?: string;
  /** The registry tags the push step pushed (`host/name:tag`), to undo if the build does not finish. */
  pushedTags?: string[];
}
