/**
 * The Nx projects of the workspace, for checking `bakes` in `nx-bake validate` as `nx run
 * <pipeline>:validate` does. Nx's cached project graph answers in a fraction of a second (Nx rewrites it
 * on every command; the daemon keeps it current). Only when there is none, or it lacks a name `bakes`
 * uses (a project added since), is the graph computed: seconds, in this process, without the daemon.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';

export type ProjectLookup = { projects: string[] } | { note: string };

/** `pipelineFile` is absolute; its projects are the workspace's only when it lies inside the workspace. */
export async function workspaceProjects(workspaceRoot: string, pipelineFile: string, names: string[]): Promise<ProjectLookup> {
  const checkedOnlyInNx = `'bakes' names Nx projects (${names.join(', ')}): they are checked only in an Nx workspace`;
  if (!existsSync(join(workspaceRoot, 'nx.json'))) return { note: `${checkedOnlyInNx} (no nx.json in ${workspaceRoot})` };
  const inside = relative(workspaceRoot, pipelineFile);
  if (inside.startsWith('..') || isAbsolute(inside)) return { note: `${checkedOnlyInNx} (the pipeline is not inside ${workspaceRoot})` };
  // Nx finds its workspace from the current folder; the pipeline's may be another one. A daemon started
  // by a validate command would outlive it.
  process.env.NX_WORKSPACE_ROOT_PATH = workspaceRoot;
  process.env.NX_DAEMON = 'false';
  try {
    const nx = require('../nx/nx-internals') as typeof import('../nx/nx-internals');
    const cached = nx.cachedProjectNames(workspaceRoot);
    if (cached && names.every((name) => cached.includes(name))) return { projects: cached };
    const graph = await nx.createProjectGraphAsync({ exitOnError: false });
    return { projects: Object.keys(graph.nodes) };
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n').find((line) => line.trim() !== '') ?? 'unknown error';
    return { note: `${checkedOnlyInNx}, and Nx could not list this one's projects: ${reason.trim()}` };
  }
}
