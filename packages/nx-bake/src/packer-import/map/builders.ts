import { BUILDER_COMMUNICATORS, isBuilderField, isBuilderType, type BuilderType } from '../../pipeline/known-types';
import type { TemplateBlock, TemplateValue } from '../template';
import type { Report } from './report';

/** A Packer builder as one of ours: its config, and the image it starts from (the stage's `from`). */
export interface MappedBuilder {
  /** The builder's name in the pipeline. */
  key: string;
  type: BuilderType;
  config: Record<string, TemplateValue>;
  /** The base image as the template gives it (`image`, `source_ami`), or undefined. */
  source?: string;
  block: TemplateBlock;
}

/** Packer's null builder runs provisioners on a host that exists: here a throwaway container does. */
export const NULL_BUILDER_IMAGE_VARIABLE = 'base_image';

/** Fields that say what the build starts from: the stage's `from`, not the builder's config. */
const SOURCE_FIELDS: Record<string, string> = { docker: 'image', digitalocean: 'image', 'amazon-ebs': 'source_ami' };

/** Why a field of Packer's builder has no place here, when there is more to say than "not a field". */
const DROPPED_WHY: Record<string, string> = {
  commit: 'nx-bake always commits the container as an image',
  export_path: 'nx-bake commits an image; export it with `docker save` from the manifest’s artifact',
  discard: 'nx-bake always commits the container as an image',
  access_key: 'credentials come from the AWS SDK’s chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, a role), never a field',
  secret_key: 'credentials come from the AWS SDK’s chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile, a role), never a field',
  token: 'credentials come from the AWS SDK’s chain (AWS_SESSION_TOKEN), never a field',
};

/** The pipeline's name of a Packer builder: JSON's `name` (or type), HCL2's source name. */
export function builderKey(block: TemplateBlock): string {
  const name = block.name ?? block.type;
  const short = name.startsWith(`${block.type}.`) ? name.slice(block.type.length + 1) : name;
  return short.replace(/[^A-Za-z0-9_-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || block.type;
}

export function mapBuilder(block: TemplateBlock, report: Report): MappedBuilder | undefined {
  const key = builderKey(block);
  if (block.type === 'null') {
    report.approximated(
      block.at,
      `builder "${key}" (null): Packer's null builder provisions a host that already exists; here it is a Docker container from var.${NULL_BUILDER_IMAGE_VARIABLE}, committed as an image`,
    );
    for (const field of Object.values(block.fields)) report.dropped(field.at, `a null builder's connection settings do not apply to a container`);
    return { key, type: 'docker', config: { type: 'docker' }, source: `{{ var.${NULL_BUILDER_IMAGE_VARIABLE} }}`, block };
  }
  if (!isBuilderType(block.type)) {
    report.dropped(block.at, `builder "${key}": nx-bake has no ${block.type} builder (it has docker, digitalocean, amazon-ebs)`);
    return undefined;
  }
  const type = block.type;
  const config: Record<string, TemplateValue> = { type };
  let source: string | undefined;
  for (const [field, { value, at }] of Object.entries(block.fields)) {
    // Read for the flags it carries (run-command.ts).
    if (type === 'docker' && field === 'run_command') continue;
    if (field === SOURCE_FIELDS[type]) {
      // Empty when it read what the import could not (a data source; the reader said so).
      source = value === '' || value === null ? undefined : String(value);
      report.mapped(at, `${field} → the stage's from (builder ${key})`);
      if (type === 'amazon-ebs' && source !== undefined) config[field] = value;
    } else if (field === 'communicator') {
      if (BUILDER_COMMUNICATORS[type].includes(String(value))) config[field] = value;
      else report.dropped(at, `communicator "${String(value)}": the ${type} builder connects with ${BUILDER_COMMUNICATORS[type].join(' or ')}`);
    } else if (isBuilderField(type, field)) {
      config[field] = value;
      report.mapped(at, `${field} (builder ${key})`);
    } else if (field === 'commit' && value === true) {
      report.mapped(at, `commit: ${DROPPED_WHY.commit}`);
    } else {
      report.dropped(at, `${field}: ${DROPPED_WHY[field] ?? `not a field of nx-bake's ${type} builder`}`);
    }
  }
  if (type === 'amazon-ebs' && source === undefined && config.source_ami_filter !== undefined) source = describeFilter(config.source_ami_filter);
  return { key, type, config, source, block };
}

/** An amazon-ebs base named by its filter: shown in `plan`; the builder runs the filter. */
function describeFilter(filter: TemplateValue): string {
  const name = typeof filter === 'object' && filter !== null && !Array.isArray(filter) ? (filter.filters as Record<string, TemplateValue> | undefined)?.name : undefined;
  return `${typeof name === 'string' ? name : 'an AMI'} (source_ami_filter)`;
}
