import type { Communicator } from '../communicators/communicator';
import type { StageLogger } from '../progress/stage-logger';
import type { ProvisionerConfig } from '../pipeline/types';

export interface ProvisionerContext {
  communicator: Communicator;
  log: StageLogger;
  signal: AbortSignal;
  /** Absolute folder of the pipeline file: relative paths in provisioners resolve against it. */
  pipelineDir: string;
  workspaceRoot: string;
  /** Absolute folder of the stage (its Nx project root); absent when a provisioner runs outside a stage bake. */
  stageDir?: string;
  builderName: string;
  builderType: string;
  /** A private (0700) folder removed after the build: rendered vars files and keys go here. */
  tempDir: string;
  /** Renders a template file (e.g. an ansible vars template) with the stage's template context. */
  renderFile(path: string): string;
}

export type Provisioner<Config extends ProvisionerConfig = ProvisionerConfig> = (
  config: Config,
  context: ProvisionerContext,
) => Promise<void>;
