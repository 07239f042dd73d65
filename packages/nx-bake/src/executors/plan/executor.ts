import type { ExecutorContext } from '@nx/devkit';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { planStages, type PlanEntry } from '../../engine/plan-stages';
import { bakedOutputs } from '../../nx/baked-outputs';
import { asList } from '../../nx/option-lists';
import { describeError } from '../../nx/report-error';
import { stageOrder } from '../../pipeline/graph';
import { loadPipelineFile } from '../../pipeline/load';
import type { Pipeline } from '../../pipeline/types';

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
  try {
    const pipeline = loadPipelineFile(options.pipeline, { workspaceRoot: context.root });
    const stages = stagesToPlan(pipeline, options.stage);
    const plan = await planStages(
      stages.map((stage) => ({
        workspaceRoot: context.root,
        pipelineFile: options.pipeline,
        stage,
        vars: asList(options.var),
        varFiles: asList(options.varFile),
        only: asList(options.only, true),
        bakedOutputs: bakedOutputs(pipeline.stages.find((entry) => entry.name === stage)!.bakes, context),
      })),
    );
    if (options.outputFile) {
      const path = join(context.root, options.outputFile);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, `${JSON.stringify(plan, null, 2)}\n`);
    }
    console.log(options.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
    return { success: true };
  } catch (error) {
    process.stderr.write(`${describeError(error)}\n`);
    return { success: false };
  }
}

/** The stage and its ancestors in the same pipeline (whether they will be built decides the stage), or all. */
function stagesToPlan(pipeline: Pipeline, stage: string | undefined): string[] {
  const order = stageOrder([pipeline]).map((ref) => ref.stage);
  if (!stage) return order;
  const chain = new Set<string>();
  for (let name: string | undefined = stage; name && !chain.has(name); ) {
    chain.add(name);
    const from: Pipeline['stages'][number]['from'] | undefined = pipeline.stages.find((entry) => entry.name === name)?.from;
    name = from?.kind === 'stage' && from.pipeline === pipeline.name ? from.stage : undefined;
  }
  return order.filter((name) => chain.has(name));
}

export function formatPlan(plan: PlanEntry[]): string {
  const width = Math.max(...plan.map((entry) => `${entry.pipeline}/${entry.stage}`.length), 5);
  return plan
    .map((entry) => `${`${entry.pipeline}/${entry.stage}`.padEnd(width)}  ${entry.outcome.padEnd(7)}  ${entry.reasons.join('; ')}`)
    .join('\n');
}
