import { dirname, join, resolve } from 'node:path';
import type { Stage } from './types';

/**
 * Every local path a stage reads (relative to the workspace root): its own folder, its provisioners'
 * files (a playbook brings its whole folder: roles, templates and files live beside it), and its extra inputs.
 * Paths that are templates are left out: they are only known at bake time.
 */
export function stageFiles(stage: Stage, pipelineDir: string): string[] {
  const paths = new Set<string>([stage.root]);
  const add = (path: string | undefined) => {
    if (path && !path.includes('{{') && !path.includes('{%')) paths.add(join(pipelineDir, path));
  };
  for (const provisioner of stage.provisioners) {
    switch (provisioner.type) {
      case 'shell':
        add(provisioner.script);
        provisioner.scripts?.forEach(add);
        break;
      case 'file':
        if (provisioner.direction !== 'download') {
          add(provisioner.source);
          provisioner.sources?.forEach(add);
        }
        break;
      case 'ansible':
        if (provisioner.playbook) add(dirname(provisioner.playbook));
        add(provisioner.vars_template);
        add(provisioner.galaxy_file);
        break;
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
