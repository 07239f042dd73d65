import type { ExecutorContext } from '@nx/devkit';
import { bakeStage } from '../../engine/bake-stage';
import { trapInterrupts } from '../../engine/interrupts';
import { bakedOutputs } from '../../nx/baked-outputs';
import type { StageMetadata } from '../../nx/names';
import { asList } from '../../nx/option-lists';
import { outcomeLine } from '../../nx/outcome-line';
import { pipelineFiles } from '../../nx/pipeline-files';
import { ListrReporter } from '../../progress/listr-reporter';
import { PlainReporter } from '../../progress/plain-reporter';
import { isInteractive } from '../../progress/reporter';
import { runExecutor } from '../run-executor';

export interface BakeExecutorOptions {
  pipeline: string;
  stage: string;
  definition?: unknown;
  var?: string | string[];
  varFile?: string | string[];
  onError?: 'cleanup' | 'abort';
  only?: string | string[];
  force?: boolean;
}

export default async function bakeExecutor(options: BakeExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const controller = new AbortController();
  const untrap = trapInterrupts(controller, (message) => process.stderr.write(`nx-bake: ${message}\n`));
  const metadata = context.projectName ? (context.projectsConfigurations.projects[context.projectName]?.metadata?.nxBake as StageMetadata | undefined) : undefined;
  try {
    return await runExecutor(async () => {
      const { manifest, path, outcome, reasons } = await bakeStage({
        workspaceRoot: context.root,
        pipelineFile: options.pipeline,
        stage: options.stage,
        vars: asList(options.var),
        varFiles: asList(options.varFile),
        onError: options.onError,
        only: asList(options.only, true),
        force: options.force,
        pipelineFileOf: (pipeline) => pipelineFiles(context)[pipeline],
        bakedOutputs: bakedOutputs(metadata?.bakes ?? [], context),
        signal: controller.signal,
        reporter: (sources) => (isInteractive() ? new ListrReporter(sources) : new PlainReporter()),
    });
    console.log(outcomeLine(`${manifest.pipeline}/${manifest.stage}`, outcome, reasons));
    for (const build of manifest.builds) {
      const tag = build.custom_data.tag ? ` (${build.custom_data.tag})` : '';
      console.log(`  ${build.name}: ${build.artifact_id}${tag}`);
    }
    console.log(`  manifest: ${path}`);
    });
  } finally {
    untrap();
  }
}
