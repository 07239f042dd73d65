import { basename } from 'node:path';
import type { VariableDefinition } from '../../pipeline/types';
import type { PackerTemplate, PackerVarFile, TemplateBuild, TemplateValue } from '../template';
import { mapBuilder, NULL_BUILDER_IMAGE_VARIABLE, type MappedBuilder } from './builders';
import { chainStages, parentsFirst, type StageDraft } from './chain';
import { expandOverrides } from './overrides';
import { mapPostProcessors } from './post-processors';
import { mapProvisioner } from './provisioners';
import { Report, type ReportLine } from './report';
import { mapRunCommand } from './run-command';
import { StageFiles, type FileCopy } from './stage-files';
import { inlineStructured, mapVarFile, mapVariables, withFallbacks, type MappedVarFile } from './variables';

export interface TemplateInput {
  template: PackerTemplate;
  /** The folder Packer resolves the template's relative paths against (the template's own). */
  dir: string;
}

export interface MappedPipeline {
  /** The pipeline document, in the order its YAML is written. */
  document: Record<string, unknown>;
  copies: FileCopy[];
  varFiles: MappedVarFile[];
  report: ReportLine[];
}

interface Draft extends StageDraft {
  description?: string;
  provisioners: Record<string, TemplateValue>[];
}

/** Packer templates (each a stage, or one per build) as one pipeline. */
export function mapTemplates(inputs: TemplateInput[], varFiles: PackerVarFile[], pipeline: string): MappedPipeline {
  const report = new Report();
  for (const { template } of inputs) report.add(template.notes);
  const variables = mapVariables(
    inputs.map((input) => input.template),
    report,
  );
  const copies: FileCopy[] = [];
  const names = new Set<string>();
  const drafts: Draft[] = inputs.flatMap(({ template, dir }) =>
    template.builds.map((build) => {
      const name = uniqueName(stageName(template, build), names);
      const files = new StageFiles(dir, name, report);
      const draft = mapBuild(template, build, name, files, report);
      copies.push(...files.copies);
      return draft;
    }),
  );
  if (drafts.some((draft) => draft.builders.some((builder) => builder.block.type === 'null')) && !variables.definitions[NULL_BUILDER_IMAGE_VARIABLE]) {
    variables.definitions[NULL_BUILDER_IMAGE_VARIABLE] = { type: 'string', default: 'debian:bookworm', description: 'Image the null builder’s container starts from' };
  }
  const carriers = chainStages(drafts, variables.definitions, report);
  for (const carrier of carriers) {
    delete variables.definitions[carrier];
    variables.fallbacks.delete(carrier);
  }
  const mappedVarFiles = varFiles.map((file) => mapVarFile(file, variables, report));
  for (const file of mappedVarFiles) for (const carrier of carriers) delete file.values[carrier];
  const stages = parentsFirst(drafts);
  for (const draft of stages) {
    draft.provisioners = draft.provisioners.map((provisioner) => inlineStructured(provisioner, variables, report, variables.declaredAt) as Draft['provisioners'][number]);
    for (const builder of draft.builders) builder.config = inlineStructured(builder.config, variables, report, variables.declaredAt) as MappedBuilder['config'];
  }
  const document = withTemplatesFixed(assemble(pipeline, inputs, stages, variables.definitions), (text) => withFallbacks(text, variables.fallbacks));
  const env = [...new Set([...inputs.flatMap(({ template }) => template.env)])];
  if (env.length > 0) document.env = env;
  return { document: reorder(document), copies, varFiles: mappedVarFiles, report: report.lines };
}

function mapBuild(template: PackerTemplate, build: TemplateBuild, name: string, files: StageFiles, report: Report): Draft {
  const builders = build.sources.flatMap((source) => {
    const block = template.builders.find((candidate) => candidate.name === source);
    if (!block) return [];
    const mapped = mapBuilder(block, report);
    if (!mapped) return [];
    if (mapped.type === 'docker') mapRunCommand(block, mapped.config, report);
    const userData = block.fields.user_data_file;
    if (userData && mapped.config.user_data_file !== undefined) mapped.config.user_data_file = files.path(String(userData.value), userData.at, 'user_data_file');
    return [mapped];
  });
  mapPostProcessors(build.postProcessors, builders, report);
  // A value that is the stage's own name (a Docker tag, say) is `stage.name`: one builder setting serves every stage.
  for (const builder of builders) {
    for (const [field, value] of Object.entries(builder.config)) if (field !== 'type' && value === name) builder.config[field] = '{{ stage.name }}';
  }
  const keyOf = new Map(builders.map((builder) => [builder.block.name!, builder.key]));
  const packerNames = builders.map((builder) => builder.block.name!);
  const provisioners = build.provisioners.flatMap((written) => expandOverrides(written, packerNames, report)).flatMap((block) => {
    const mapped = mapProvisioner(block, { report, files, builderKey: (packerName) => keyOf.get(packerName) ?? builders.find((builder) => builder.key === packerName)?.key });
    return mapped ? [mapped] : [];
  });
  return { name, description: template.description, builders, provisioners };
}

/** The pipeline's builders are the stages' shared settings; what differs goes in each stage's builder_overrides. */
function assemble(pipeline: string, inputs: TemplateInput[], drafts: Draft[], variables: Record<string, VariableDefinition>): Record<string, unknown> {
  const byKey = new Map<string, MappedBuilder[]>();
  for (const draft of drafts) for (const builder of draft.builders) byKey.set(builder.key, [...(byKey.get(builder.key) ?? []), builder]);
  const builders: Record<string, Record<string, TemplateValue>> = {};
  for (const [key, all] of byKey) {
    builders[key] = Object.fromEntries(Object.entries(all[0].config).filter(([field, value]) => all.every((other) => same(other.config[field], value))));
  }
  const allKeys = [...byKey.keys()];
  const stages = drafts.map((draft) => {
    const stage: Record<string, unknown> = { name: draft.name };
    if (draft.description) stage.description = draft.description;
    stage.from = draft.parent ? { stage: draft.parent } : { image: baseImages(draft) };
    const keys = draft.builders.map((builder) => builder.key);
    if (keys.length !== allKeys.length) stage.builders = keys;
    const overrides: Record<string, Record<string, TemplateValue>> = {};
    for (const builder of draft.builders) {
      const shared = builders[builder.key];
      const own = Object.fromEntries(Object.entries(builder.config).filter(([field, value]) => !same(shared[field], value)));
      if (Object.keys(own).length > 0) overrides[builder.key] = own;
    }
    stage.provisioners = draft.provisioners;
    if (Object.keys(overrides).length > 0) stage.builder_overrides = overrides;
    return stage;
  });
  const files = inputs.map(({ template }) => basename(template.file)).join(', ');
  return { name: pipeline, description: `Imported from Packer (${files})`, variables, builders, stages };
}

/** One image for every builder, or one per builder name, as `from.image` takes them. */
function baseImages(draft: Draft): string | Record<string, string> {
  const sources = draft.builders.map((builder) => [builder.key, builder.source ?? ''] as const);
  const distinct = new Set(sources.map(([, source]) => source));
  return distinct.size === 1 ? sources[0][1] : Object.fromEntries(sources);
}

function stageName(template: PackerTemplate, build: TemplateBuild): string {
  const file = basename(template.file).replace(/\.pkr\.(hcl|json)$/, '').replace(/\.(json|hcl)$/, '');
  const base = template.builds.length > 1 && build.name ? `${file}-${build.name}` : file;
  return base.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'stage';
}

function uniqueName(name: string, taken: Set<string>): string {
  let unique = name;
  for (let i = 2; taken.has(unique); i++) unique = `${name}-${i}`;
  taken.add(unique);
  return unique;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function withTemplatesFixed(value: Record<string, unknown>, fix: (text: string) => string): Record<string, unknown> {
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return fix(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, walk(child)]));
    return node;
  };
  return walk(value) as Record<string, unknown>;
}

function reorder(document: Record<string, unknown>): Record<string, unknown> {
  const order = ['name', 'description', 'variables', 'env', 'builders', 'stages'];
  return Object.fromEntries(order.filter((key) => document[key] !== undefined && !(key === 'variables' && Object.keys(document[key] as object).length === 0)).map((key) => [key, document[key]]));
}
