import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import type { SourcePosition } from '../../pipeline/types';
import type { Report } from './report';

/** A file or folder to copy into the pipeline: from the template's side, to a path relative to the pipeline file. */
export interface FileCopy {
  from: string;
  to: string;
}

/** What Ansible reads beside a playbook: it comes along with it. */
const PLAYBOOK_SIBLINGS = ['roles', 'collections', 'group_vars', 'host_vars', 'vars', 'tasks', 'handlers', 'templates', 'files', 'library', 'filter_plugins', 'module_utils'];

const TEMPLATE_DIR = /^\{\{ template_dir \}\}\/?/;

/**
 * The files a stage's template reads (scripts, playbooks, uploads, user data), copied into the stage's
 * folder, which nx-bake hashes as the stage's inputs. Packer resolves them against the folder it runs in,
 * the template's as a rule; a path that already starts with the stage's name keeps its place.
 */
export class StageFiles {
  readonly copies: FileCopy[] = [];

  constructor(
    private readonly templateDir: string,
    private readonly stage: string,
    private readonly report: Report,
  ) {}

  /** The path as the pipeline names it; `playbook` brings the Ansible folders beside the file. */
  path(written: string, at: SourcePosition, what: string, options: { playbook?: boolean } = {}): string {
    const untemplated = written.replace(TEMPLATE_DIR, '');
    if (/\{[{%]/.test(untemplated) || isAbsolute(untemplated)) {
      this.report.approximated(at, `${what} ${written}: not copied (${isAbsolute(untemplated) ? 'an absolute path' : 'its path is a template'}); the pipeline reads it as written`);
      return written;
    }
    const source = resolve(this.templateDir, untemplated);
    const target = this.targetOf(source, untemplated.endsWith('/'));
    if (!existsSync(source)) {
      this.report.dropped(at, `${what} ${written}: not found beside the template; put it at ${target}`);
      return target;
    }
    // A playbook in a folder of its own brings the folder (its templates and files); one beside the template
    // (or above it), Ansible's folders.
    const folder = dirname(source);
    const ownFolder = options.playbook === true && relative(folder, this.templateDir).startsWith('..');
    if (ownFolder) this.copy(folder, posix.dirname(target));
    else this.copy(source, target);
    if (options.playbook && !ownFolder) {
      for (const sibling of PLAYBOOK_SIBLINGS) {
        const folder = join(dirname(source), sibling);
        if (existsSync(folder) && statSync(folder).isDirectory()) this.copy(folder, posix.join(posix.dirname(target), sibling));
      }
    }
    this.report.mapped(at, `${what} ${written} → ${target} (copied)`);
    return target;
  }

  private targetOf(source: string, trailingSlash: boolean): string {
    const inside = relative(this.templateDir, source).split(sep).filter((segment) => segment !== '..' && segment !== '.');
    const segments = inside[0] === this.stage ? inside : [this.stage, ...inside];
    return posix.join(...segments) + (trailingSlash ? '/' : '');
  }

  private copy(from: string, to: string): void {
    const target = to.replace(/\/$/, '');
    // A file inside a folder already copied comes with it.
    if (!this.copies.some((copy) => copy.to === target || target.startsWith(`${copy.to}/`))) this.copies.push({ from, to: target });
  }
}
