/** What a stage is made of, for its fingerprint and its Nx target alike: its definition, the variables it refers to, the files it reads. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Pipeline, Stage } from './types';

/** A stage's definition as written: where it lives and how long its artifacts are kept do not change what is built. */
export function stageDefinition(stage: Stage): Omit<Stage, 'root' | 'retain'> {
  const { root: _root, retain: _retain, ...definition } = stage;
  return definition;
}

/** A key of a provisioner that names a local file it reads (a path, or a list of them). */
export interface ProvisionerFileKey {
  key: string;
  /** How validate names a missing one. */
  what: string;
  /** The path brings its whole folder: a playbook's roles, templates and files live beside it. */
  folder?: true;
}

const PROVISIONER_FILES: Record<string, ProvisionerFileKey[]> = {
  shell: [
    { key: 'script', what: 'script' },
    { key: 'scripts', what: 'script' },
  ],
  file: [
    { key: 'source', what: 'file source' },
    { key: 'sources', what: 'file source' },
  ],
  ansible: [
    { key: 'playbook', what: 'playbook', folder: true },
    { key: 'vars_template', what: 'vars_template' },
    { key: 'galaxy_file', what: 'galaxy_file' },
  ],
};

/** Builder fields naming a local file the build reads (relative to the pipeline file, like provisioners'). */
const BUILDER_FILES: Record<string, ProvisionerFileKey[]> = {
  digitalocean: [{ key: 'user_data_file', what: 'user_data_file' }],
  'amazon-ebs': [{ key: 'user_data_file', what: 'user_data_file' }],
};

/** The keys naming local files a builder's configuration reads; it may be raw YAML. */
export function builderFileKeys(config: { type?: unknown }): ProvisionerFileKey[] {
  return typeof config.type === 'string' && Object.hasOwn(BUILDER_FILES, config.type) ? BUILDER_FILES[config.type] : [];
}

/** The keys naming local files a provisioner reads; it may be raw YAML (validate checks those files exist). */
export function provisionerFileKeys(provisioner: { type?: unknown; direction?: unknown }): ProvisionerFileKey[] {
  if (typeof provisioner.type !== 'string' || !Object.hasOwn(PROVISIONER_FILES, provisioner.type)) return [];
  // A download reads nothing local: its source is on the instance.
  if (provisioner.type === 'file' && provisioner.direction === 'download') return [];
  return PROVISIONER_FILES[provisioner.type];
}

/**
 * Every local path a stage reads (relative to the workspace root): its own folder, its provisioners'
 * and builders' files, and its extra inputs. Paths that are templates are left out: they are only known at bake time.
 */
export function stageFiles(stage: Stage, pipelineDir: string): string[] {
  const paths = new Set<string>([stage.root]);
  const add = (path: string | undefined) => {
    if (path && !path.includes('{{') && !path.includes('{%')) paths.add(join(pipelineDir, path));
  };
  for (const provisioner of stage.provisioners) {
    for (const { key, folder } of provisionerFileKeys(provisioner)) {
      const value = (provisioner as unknown as Record<string, unknown>)[key];
      for (const path of typeof value === 'string' ? [value] : Array.isArray(value) ? value : []) {
        if (typeof path === 'string' && path !== '') add(folder ? dirname(path) : path);
      }
    }
  }
  for (const { config } of stage.builders) {
    for (const { key } of builderFileKeys(config)) {
      const value = config[key];
      if (typeof value === 'string') add(value);
    }
  }
  stage.inputs.forEach(add);
  return withoutNested([...paths].map((path) => resolve('/', path).slice(1)));
}

/** Drops paths inside another listed folder: a file is read once, under the outermost folder. */
export function withoutNested(paths: string[]): string[] {
  const sorted = [...new Set(paths)].sort();
  return sorted.filter((path) => !sorted.some((other) => other !== path && path.startsWith(`${other}/`)));
}

/** Names of the variables a stage's definition refers to (`var.name` or `var["name"]`). */
export function referencedVariables(definition: unknown): string[] {
  const text = JSON.stringify(definition);
  const names = new Set<string>();
  for (const match of text.matchAll(/\bvar\.([A-Za-z_][A-Za-z0-9_]*)|\bvar\[\\?["']([^"'\\]+)\\?["']\]/g)) {
    names.add(match[1] ?? match[2]);
  }
  return [...names].sort();
}

/**
 * The variables a stage's templates can read: those its definition refers to and those its `vars_template`
 * files refer to (a file that is missing refers to none; it fails the build). Undefined when a
 * `vars_template` path is itself a template: which file it is, and so what it reads, is known at bake time only.
 */
export function variablesReadBy(stage: Stage, pipeline: Pipeline, workspaceRoot: string): string[] | undefined {
  const names = new Set(referencedVariables(stageDefinition(stage)));
  for (const provisioner of stage.provisioners) {
    if (provisioner.type !== 'ansible' || !provisioner.vars_template) continue;
    if (provisioner.vars_template.includes('{{') || provisioner.vars_template.includes('{%')) return undefined;
    let text = '';
    try {
      text = readFileSync(join(workspaceRoot, pipeline.dir, provisioner.vars_template), 'utf8');
    } catch {
      // reported when the build renders it
    }
    referencedVariables(text).forEach((name) => names.add(name));
  }
  return [...names].sort();
}
