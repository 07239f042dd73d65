/**
 * Every value nx-bake takes from Nx at run time, in one place.
 *
 * Each is loaded from the Nx module that defines it (a few ms) rather than from `@nx/devkit`, which loads
 * most of Nx (~200 ms) into the plugin's worker and every stage's task process, on the critical path of
 * every project graph (bench case 7). Those paths are Nx internals that move between releases, so each
 * value falls back to its public export: `@nx/devkit` when the workspace has it, else
 * `nx/src/devkit-exports`, the list `@nx/devkit` re-exports (so a workspace with only `nx` works). The two
 * values that are not public have a local stand-in. Loaded on first use: a process pays for what it calls.
 *
 * Types come from `@nx/devkit` (erased at build time). `nxSources()` says where each value came from;
 * the tests check that every tested Nx release takes the fast path.
 */
import type * as Devkit from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

const PUBLIC = ['@nx/devkit', 'nx/src/devkit-exports'];

type LogLevel = 'log' | 'info' | 'warn' | 'error';

/** name → [module path of the fast path (or none), whether a public export exists]. */
const WHERE = {
  hashArray: ['nx/src/hasher/file-hasher', true],
  createNodesFromFiles: ['nx/src/project-graph/plugins/utils', true],
  readJsonFile: ['nx/src/utils/fileutils', true],
  writeJsonFile: ['nx/src/utils/fileutils', true],
  getOutputsForTargetAndConfiguration: ['nx/src/tasks-runner/utils', true],
  readCachedProjectGraph: ['nx/src/project-graph/project-graph', true],
  createProjectGraphAsync: ['nx/src/project-graph/project-graph', true],
  // Generators are not on a hot path: the public export only.
  readNxJson: [undefined, true],
  updateNxJson: [undefined, true],
  workspaceDataDirectory: ['nx/src/utils/cache-directory', false],
  emitPluginWorkerLog: ['nx/src/project-graph/plugins/isolation/worker-streaming', false],
} as const satisfies Record<string, readonly [string | undefined, boolean]>;

type Name = keyof typeof WHERE;
const loaded = new Map<Name, { value: unknown; from: string }>();

/** A module that is not there (moved, not exported, not installed) is skipped; an error inside Nx is not. */
function tryRequire(id: string): Record<string, unknown> | undefined {
  try {
    return require(id) as Record<string, unknown>;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return undefined;
    throw error;
  }
}

/** The value and where it came from, or undefined when neither the fast path nor a public export has it. */
export function resolveFromNx(name: string, candidates: string[]): { value: unknown; from: string } | undefined {
  for (const id of candidates) {
    const value = tryRequire(id)?.[name];
    if (value !== undefined) return { value, from: id };
  }
  return undefined;
}

function candidatesOf(name: Name): string[] {
  const [internal, isPublic] = WHERE[name];
  return [...(internal ? [internal] : []), ...(isPublic ? PUBLIC : [])];
}

function fromNx(name: Name): { value: unknown; from: string } | undefined {
  if (!loaded.has(name)) {
    const found = resolveFromNx(name, candidatesOf(name));
    if (found) loaded.set(name, found);
    else return undefined;
  }
  return loaded.get(name);
}

function required<T>(name: Name): T {
  const found = fromNx(name);
  if (!found) throw new Error(`nx-bake: the installed nx has no '${name}' (nx-bake supports nx ${supportedNx()}; see its peerDependencies)`);
  return found.value as T;
}

function supportedNx(): string {
  return (require('../../package.json') as { peerDependencies: { nx: string } }).peerDependencies.nx;
}

/** Calls through to the Nx function, loading it on the first call. */
function forward<K extends Name & keyof typeof Devkit>(name: K): (typeof Devkit)[K] {
  return ((...args: unknown[]) => required<(...a: unknown[]) => unknown>(name)(...args)) as (typeof Devkit)[K];
}

export const hashArray = forward('hashArray');
export const createNodesFromFiles = forward('createNodesFromFiles');
export const readJsonFile = forward('readJsonFile');
export const writeJsonFile = forward('writeJsonFile');
export const getOutputsForTargetAndConfiguration = forward('getOutputsForTargetAndConfiguration');
export const readCachedProjectGraph = forward('readCachedProjectGraph');
export const createProjectGraphAsync = forward('createProjectGraphAsync');
export const readNxJson = forward('readNxJson');
export const updateNxJson = forward('updateNxJson');

/**
 * Where Nx keeps its workspace data (`.nx/workspace-data`, or NX_WORKSPACE_DATA_DIRECTORY). The stand-in
 * does what Nx does without its checks of a configured folder's ownership.
 */
export function workspaceDataDirectory(workspaceRoot: string): string {
  const found = fromNx('workspaceDataDirectory');
  if (typeof found?.value === 'string') return found.value;
  const configured = process.env.NX_WORKSPACE_DATA_DIRECTORY ?? process.env.NX_PROJECT_GRAPH_CACHE_DIRECTORY;
  if (configured === undefined) return join(workspaceRoot, '.nx', 'workspace-data');
  return isAbsolute(configured) ? configured : join(workspaceRoot, configured);
}

/**
 * The project names of Nx's cached project graph; undefined when there is none, or it recorded errors
 * (as `readCachedProjectGraph` treats them). Read from Nx's cache file itself, which is what that does,
 * without loading Nx's graph code (~200 ms of `nx-bake validate`); through the public function when the
 * file is not where Nx kept it.
 */
export function cachedProjectNames(workspaceRoot: string): string[] | undefined {
  const file = join(workspaceDataDirectory(workspaceRoot), 'project-graph.json');
  try {
    if (existsSync(file)) {
      const cached = JSON.parse(readFileSync(file, 'utf8')) as { nodes?: Record<string, unknown>; errors?: unknown[] };
      if (cached.errors?.length) return undefined;
      if (cached.nodes && typeof cached.nodes === 'object') return Object.keys(cached.nodes);
    }
    return Object.keys(readCachedProjectGraph().nodes);
  } catch {
    return undefined;
  }
}

/**
 * A log line from a plugin hook, sent to the Nx process over the plugin worker's socket (a worker's own
 * stdout may be dropped when Nx exits right after the hook). The stand-in is what Nx itself does when
 * there is no socket: the console.
 */
export function emitPluginWorkerLog(level: LogLevel, message: string): void {
  const found = fromNx('emitPluginWorkerLog');
  if (typeof found?.value === 'function') (found.value as (level: LogLevel, message: string) => void)(level, message);
  else console[level](message);
}

/** Where each value comes from in the installed Nx: a module path, or `stand-in`. Loads them all. */
export function nxSources(): Record<Name, string> {
  return Object.fromEntries((Object.keys(WHERE) as Name[]).map((name) => [name, fromNx(name)?.from ?? 'stand-in'])) as Record<Name, string>;
}
