import type { Communicator } from '../communicators/communicator';
import type { Step } from '../steps/step';
import type { Artifact } from '../artifacts/artifact';
import type { BuilderConfig } from '../pipeline/types';

export type { Artifact } from '../artifacts/artifact';

export interface BuildRequest {
  pipeline: string;
  stage: string;
  builderName: string;
  /** The builder's configuration for this stage, overrides merged and templates rendered. */
  config: BuilderConfig;
  /** External image reference, or the upstream stage's artifact ID for this builder. */
  baseImage: string;
  /** Labels/tags the instance and the artifact carry (`nx-bake.pipeline`, `.stage`, `.fingerprint`, `.base`, `.run`). */
  labels: Record<string, string>;
  runId: string;
  /** Runs the stage's provisioners over the communicator the builder opened. */
  provision(communicator: Communicator, signal: AbortSignal): Promise<void>;
  /** `abort` keeps a failed instance for debugging instead of removing it. */
  onError: 'cleanup' | 'abort';
  /** The build's private temp folder (0700, removed after the build): keys and rendered files go inside. */
  tempDir?: string;
  /** Told of each resource the build creates and removes, so a killed run's leftovers can be found again. */
  journal?: ResourceJournal;
  /** The `custom_data` the base stage's manifest records with `baseImage` (e.g. its repo digest, to pull it). */
  baseData?: Record<string, string>;
  /**
   * Reads a file the builder's configuration names (e.g. `user_data_file`), relative to the pipeline file;
   * rendered with the stage's template context when `template` is set. Given by the engine.
   */
  readFile?(path: string, options: { template: boolean }): string;
}

/** Something a build creates for the time it runs (a container, a droplet, an SSH key), found again by its run. */
export interface BuildResource {
  kind: 'container' | 'droplet' | 'ssh-key' | 'temp-dir' | 'registry-tag' | 'instance' | 'key-pair' | 'security-group';
  id: string;
  /** The run that created it, when the provider records it (label or tag). */
  runId?: string;
  /** The pipeline it was built for, when the provider records it: a sweep of one pipeline leaves others' alone. */
  pipeline?: string;
  createdAt?: Date;
  /**
   * Part of the artifact, made public before the stage's manifest records it (a pushed registry tag): it
   * outlives the build's steps, and is undone when the bake ends without writing the manifest.
   */
  published?: boolean;
}

export interface ResourceJournal {
  created(resource: BuildResource): void;
  removed(resource: BuildResource): void;
}

/** An artifact as the provider lists it, with the identity and lineage its labels or tags carry. */
export interface StoredArtifact {
  id: string;
  pipeline: string;
  stage: string;
  fingerprint: string;
  /** The artifact (or external image) it was built from. */
  base?: string;
  runId?: string;
  createdAt: Date;
  /** How a person recognises it (a tag, a snapshot name). */
  name?: string;
}

/** Shared state the steps of one build pass along, as Packer's state bag. */
export interface BuildState {
  communicator?: Communicator;
  artifact?: Artifact;
  /** Whether cleanups keep the instance (a failure under --on-error=abort): decided by the runner's caller before they run. */
  keepInstance?: boolean;
  [key: string]: unknown;
}

/** What identifies a stage's artifact at the provider: the labels/tags every artifact carries. */
export interface ArtifactQuery {
  builderName: string;
  /** The builder's rendered configuration (where to look: registry, region, account). */
  config: BuilderConfig;
  pipeline: string;
  stage: string;
  fingerprint: string;
  /** Only look: a plan must not change anything at the provider (no re-tagging on adoption). */
  lookOnly?: boolean;
  /** For verification: the `custom_data` recorded with the artifact (e.g. the Docker repo digest). */
  recordedData?: Record<string, string>;
}

export interface Builder {
  readonly type: string;
  /** The build as steps: create, connect, provision, snapshot, ... */
  steps(request: BuildRequest): Step<BuildState>[];
  /** An artifact the provider already holds for this stage and fingerprint: adopted instead of built again. */
  findArtifact(query: ArtifactQuery): Promise<Artifact | undefined>;
  /** Whether a recorded artifact still exists and carries the stage and fingerprint it was recorded with. */
  verifyArtifact(artifactId: string, query: ArtifactQuery): Promise<boolean>;
  /** Every artifact nx-bake made that this builder configuration can see (any pipeline, any stage). */
  listArtifacts(config: BuilderConfig): Promise<StoredArtifact[]>;
  deleteArtifact(id: string, config: BuilderConfig): Promise<void>;
  /** Build instances (containers, droplets) carrying nx-bake's labels or tags: a finished run leaves none. */
  listBuildResources(config: BuilderConfig): Promise<BuildResource[]>;
  /** Removes a build resource; one that is already gone is not an error. */
  deleteBuildResource(resource: BuildResource, config: BuilderConfig): Promise<void>;
  /**
   * After a build: another bake (in another clone) may have built the same fingerprint at the same time. A
   * builder that can tell which came first keeps one: its own artifact, or the other's, adopted.
   */
  keepOldest?(built: Artifact, query: ArtifactQuery, since: Date, say: (message: string) => void): Promise<Artifact>;
  /** Credentials the builder reads on its own (e.g. a token from the environment): redacted like sensitive variables. */
  secrets?(config: BuilderConfig): string[];
}
