import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Artifact } from '../artifacts/artifact';
import type { Builder, BuildRequest, BuildState } from '../builders/builder';
import type { TemplateContext } from '../pipeline/template';
import { renderTemplateFile } from '../pipeline/template';
import type { Stage } from '../pipeline/types';
import { runProvisioner } from '../provisioners';
import type { Reporter } from '../progress/reporter';
import type { StageLogger } from '../progress/stage-logger';
import type { RunJournal } from './run-journal';
import { runSteps } from '../steps/run-steps';
import type { StepOutcome } from '../steps/step';

export interface BuildOneOptions {
  builder: Builder;
  request: Omit<BuildRequest, 'provision'>;
  /** The stage rendered for this builder. */
  stage: Stage;
  context: TemplateContext;
  workspaceRoot: string;
  pipelineDir: string;
  source: string;
  log: StageLogger;
  reporter: Reporter;
  signal: AbortSignal;
  journal?: RunJournal;
}

/** One builder's build of one stage: its steps, with the stage's provisioners run in the provision step. */
export async function buildOne(options: BuildOneOptions): Promise<Artifact> {
  const { builder, stage, log, reporter, source } = options;
  // Rendered vars files and keys live here, private to this build, and go with it.
  const tempDir = mkdtempSync(join(tmpdir(), 'nx-bake-'));
  const journal = options.journal?.forBuilder(options.request.builderName, builder.type);
  journal?.created({ kind: 'temp-dir', id: tempDir });
  const pipelineDir = join(options.workspaceRoot, options.pipelineDir);
  const renderFile = (file: string) => renderTemplateFile(join(pipelineDir, file), options.context, { workspaceRoot: options.workspaceRoot });
  const request: BuildRequest = {
    ...options.request,
    tempDir,
    journal,
    readFile: (file, { template }) => (template ? renderFile(file) : readFileSync(join(pipelineDir, file), 'utf8')),
    provision: async (communicator, signal) => {
      for (const provisioner of stage.provisioners) {
        if (signal.aborted) throw signal.reason ?? new Error('interrupted');
        await runProvisioner(provisioner, {
          communicator,
          log,
          signal,
          pipelineDir,
          workspaceRoot: options.workspaceRoot,
          stageDir: join(options.workspaceRoot, stage.root),
          builderName: options.request.builderName,
          builderType: builder.type,
          tempDir,
          renderFile,
        });
      }
    },
  };
  const state: BuildState = {};
  const steps = builder.steps(request);
  reporter.steps?.(source, steps.map((step) => step.name));
  try {
    await runSteps(
      steps,
      state,
      { signal: options.signal, log },
      {
        // Decided here, once, for every builder: their cleanups only read it.
        beforeCleanup: (outcome) => (state.keepInstance = keepsInstance(outcome, request.onError)),
        onStepStart: (step) => reporter.stepStarted(source, step),
        onStepEnd: (step, error) => {
          log.flush();
          reporter.stepFinished(source, step, error);
        },
      },
    );
  } finally {
    log.flush();
    rmSync(tempDir, { recursive: true, force: true });
    journal?.removed({ kind: 'temp-dir', id: tempDir });
  }
  if (!state.artifact) throw new Error(`${source}: the ${builder.type} builder produced no artifact`);
  return state.artifact;
}

/** --onError=abort keeps a failed instance for debugging; an interrupt never keeps one ("stop" means clean up). */
export function keepsInstance(outcome: StepOutcome, onError: BuildRequest['onError']): boolean {
  return outcome.kind === 'failed' && onError === 'abort';
}
