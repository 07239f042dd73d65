import type { VariableDefinition } from '../../pipeline/types';
import type { TemplateValue } from '../template';
import type { MappedBuilder } from './builders';
import type { Report } from './report';

/** A stage being made from one template's build. */
export interface StageDraft {
  name: string;
  builders: MappedBuilder[];
  parent?: string;
}

const VARIABLE = /^\{\{ var\.([A-Za-z_]\w*) \}\}$/;

/**
 * Packer chains templates by hand: the second template's base image is the first's artifact, named in it
 * (a Docker tag, an AMI name filter owned by `self`) or passed from the manifest in a variable. Such a
 * base becomes `from: { stage }`, when every builder of the stage starts from the same parent.
 * Returns the variables that only carried a parent's artifact (no longer read).
 */
export function chainStages(stages: StageDraft[], variables: Record<string, VariableDefinition>, report: Report): Set<string> {
  const carriers = new Set<string>();
  stages.forEach((stage, index) => {
    const parents = stage.builders.map((builder) => parentOf(builder, { named: stages.filter((other) => other !== stage && !descendsFrom(other, stage, stages)), earlier: stages.slice(0, index) }, variables));
    const names = new Set(parents.map((parent) => parent?.stage.name));
    if (parents.length === 0 || names.has(undefined) || names.size !== 1) return;
    stage.parent = parents[0]!.stage.name;
    stage.builders.forEach((builder, i) => {
      const { how, carrier } = parents[i]!;
      builder.source = undefined;
      delete builder.config.source_ami;
      if (how === 'filter') delete builder.config.source_ami_filter;
      if (carrier) carriers.add(carrier);
      const at = builder.block.at;
      if (how === 'order') report.approximated(at, `builder ${builder.key}: its base (var.${carrier}) is taken to be the artifact of ${stage.parent}, the template before it with this builder: from: { stage: ${stage.parent} }`);
      else report.mapped(at, `builder ${builder.key}: its base is ${stage.parent}'s artifact (${how === 'tag' ? 'its Docker tag' : 'an AMI of its ami_name owned by self'}): from: { stage: ${stage.parent} }`);
    });
  });
  return carriers;
}

interface Parent {
  stage: StageDraft;
  how: 'tag' | 'filter' | 'order';
  carrier?: string;
}

/** Parents by name (a tag, an AMI name) may come in any order; a parent by order is a template given before. */
function parentOf(builder: MappedBuilder, stages: { named: StageDraft[]; earlier: StageDraft[] }, variables: Record<string, VariableDefinition>): Parent | undefined {
  const withBuilder = (list: StageDraft[]) =>
    list.map((stage) => ({ stage, same: stage.builders.find((other) => other.key === builder.key && other.type === builder.type) })).filter((entry) => entry.same);
  const candidates = withBuilder(stages.named);
  const variable = builder.source === undefined ? undefined : VARIABLE.exec(builder.source)?.[1];
  const source = variable !== undefined && typeof variables[variable]?.default === 'string' && variables[variable].default !== '' ? String(variables[variable].default) : builder.source;
  if (builder.type === 'docker' && source !== undefined) {
    const tagged = [...candidates].reverse().find(({ stage, same }) => dockerNames(same!.config, stage.name).includes(source));
    if (tagged) return { stage: tagged.stage, how: 'tag', carrier: variable };
  }
  if (builder.type === 'amazon-ebs' && builder.config.source_ami === undefined) {
    const filtered = [...candidates].reverse().find(({ same }) => amiNameMatches(builder.config.source_ami_filter, same!.config.ami_name));
    if (filtered) return { stage: filtered.stage, how: 'filter' };
  }
  // A base given by hand: a variable without a value, filled in from the previous template's manifest.
  const before = withBuilder(stages.earlier);
  if (variable !== undefined && (variables[variable]?.default === undefined || variables[variable].default === '') && before.length > 0) {
    return { stage: before[before.length - 1].stage, how: 'order', carrier: variable };
  }
  return undefined;
}

/** The names a stage's Docker builder tags its image with (`stage.name` is the stage's). */
function dockerNames(config: Record<string, TemplateValue>, stage: string): string[] {
  const named = (value: TemplateValue | undefined) => (typeof value === 'string' ? value.split('{{ stage.name }}').join(stage) : undefined);
  const repository = named(config.repository);
  if (!repository) return [];
  const tag = named(config.tag) ?? 'latest';
  return tag === 'latest' ? [repository, `${repository}:latest`] : [`${repository}:${tag}`];
}

/** A filter owned by `self` whose name pattern has the literal start of the other stage's `ami_name`. */
function amiNameMatches(filter: TemplateValue | undefined, amiName: TemplateValue | undefined): boolean {
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter) || typeof amiName !== 'string') return false;
  const owners = Array.isArray(filter.owners) ? filter.owners : [];
  const name = (filter.filters as Record<string, TemplateValue> | undefined)?.name;
  if (!owners.includes('self') || typeof name !== 'string') return false;
  const prefix = name.split('*')[0];
  const produced = amiName.split('{{')[0];
  return prefix.length > 0 && prefix === produced;
}

/** Whether `stage` is built on `ancestor` already: chaining them the other way round would be a cycle. */
function descendsFrom(stage: StageDraft, ancestor: StageDraft, stages: StageDraft[]): boolean {
  for (let parent = stage.parent; parent !== undefined; parent = stages.find((other) => other.name === parent)?.parent) {
    if (parent === ancestor.name) return true;
  }
  return false;
}

/** Parents before their children, otherwise in the order given. */
export function parentsFirst<Stage extends StageDraft>(stages: Stage[]): Stage[] {
  const ordered: Stage[] = [];
  const visit = (stage: Stage) => {
    if (ordered.includes(stage)) return;
    const parent = stages.find((other) => other.name === stage.parent);
    if (parent) visit(parent);
    ordered.push(stage);
  };
  stages.forEach(visit);
  return ordered;
}
