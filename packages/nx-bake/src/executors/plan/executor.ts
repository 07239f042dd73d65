import type { ExecutorContext } from '@nx/devkit';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { planStages, type PlanEntry } from '../../engine/plan-stages';
import { bakedOutputs } from '../../nx/baked-outputs';
import { asList } from '../../nx/option-lists';
import { pipelineFiles } from '../../nx/pipeline-files';
import { refKey, stageOrder, type StageRef } from '../../pipeline/graph';
import { loadPipelineFile } from '../../pipeline/load';
import type { Pipeline } from '../../pipeline/types';
import { runExecutor } from '../run-executor';

export interface PlanExecutorOptions {
  pipeline: string;
  stage?: string;
  json?: boolean;
  outputFile?: string;
  var?: string | string[];
  varFile?: string | string[];
  only?: string | string[];
}

export default async function planExecutor(options: PlanExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  return runExecutor(async () => {
    const pipeline = loadPipelineFile(options.pipeline, { workspaceRoot: context.root });
    const files = pipelineFiles(context);
    const stages = stagesToPlan(pipeline, options.stage, (name) => (files[name] ? loadPipelineFile(files[name], { workspaceRoot: context.root }) : undefined));
    const plan = await planStages(
      stages.map(({ pipeline: owner, stage }) => ({
        workspaceRoot: context.root,
        pipelineFile: owner.file,
        stage,
        vars: asList(options.var),
        varFiles: asList(options.varFile),
        only: asList(options.only, true),
        bakedOutputs: bakedOutputs(owner.stages.find((entry) => entry.name === stage)!.bakes, context),
      })),
    );
    if (options.outputFile) {
      const path = join(context.root, options.outputFile);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${JSON.stringify(plan, null, 2)}\n`);
    }
    console.log(options.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
  });
}

/**
 * The stage (or every stage) and the stages it is built from, parents first, in this pipeline or another
 * one: a bake through Nx bakes those bases first, and whether they will be built decides their children.
 */
function stagesToPlan(pipeline: Pipeline, stage: string | undefined, loadPipeline: (name: string) => Pipeline | undefined): { pipeline: Pipeline; stage: string }[] {
  const pipelines = new Map([[pipeline.name, pipeline]]);
  const chain = new Set<string>();
  for (const start of stage ? [stage] : pipeline.stages.map((entry) => entry.name)) {
    for (let ref: StageRef | undefined = { pipeline: pipeline.name, stage: start }; ref && !chain.has(refKey(ref)); ) {
      const owner: Pipeline | undefined = pipelines.get(ref.pipeline) ?? loadPipeline(ref.pipeline);
      if (!owner) break;
      pipelines.set(owner.name, owner);
      chain.add(refKey(ref));
      const from: Pipeline['stages'][number]['from'] | undefined = owner.stages.find((entry) => entry.name === ref!.stage)?.from;
      ref = from?.kind === 'stage' ? { pipeline: from.pipeline, stage: from.stage } : undefined;
    }
  }
  const others = [...pipelines.values()].filter((entry) => entry !== pipeline);
  return stageOrder([...others, pipeline])
    .filter((ref) => chain.has(refKey(ref)))
    .map((ref) => ({ pipeline: pipelines.get(ref.pipeline)!, stage: ref.stage }));
}

export function formatPlan(plan: PlanEntry[]): string {
  const width = Math.max(...plan.map((entry) => `${entry.pipeline}/${entry.stage}`.length), 5);
  return plan
    .map((entry) => {
      const vault = entry.vault ? `; reads ${entry.vault.join(', ')}` : '';
      return `${`${entry.pipeline}/${entry.stage}`.padEnd(width)}  ${entry.outcome.padEnd(7)}  ${entry.reasons.join('; ')}${vault}`;
    })
    .join('\n');
}
