/** Rendering a template file (e.g. an ansible `vars_template`), its errors at `file:line:col`. */
import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { PipelineError } from '../diagnostics';
import { failure } from './compile';
import type { TemplateContext } from './context';
import { renderWith } from './render';
import { UndefinedName } from './undefined-name';

/**
 * Renders a template file (e.g. an ansible `vars_template`). Errors are reported as `file:line:col`,
 * with `file` relative to `options.workspaceRoot` when given (else as passed).
 */
export function renderTemplateFile(path: string, context: TemplateContext, options: { workspaceRoot?: string } = {}): string {
  const base = options.workspaceRoot ?? process.cwd();
  const absolute = resolve(base, path);
  const fromBase = relative(base, absolute);
  // Relative to the workspace root (or the cwd, where Nx runs executors) when inside it.
  const display = fromBase.startsWith('..') || isAbsolute(fromBase) ? absolute : fromBase.split(sep).join('/');
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    throw new PipelineError([{ file: display, line: 1, col: 1, message: `cannot read template file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` }]);
  }
  try {
    return renderWith(text, context, display);
  } catch (error) {
    const { message, line, col } = failure(error);
    const name = (error as { cause?: unknown }).cause ?? error;
    // Nunjucks knows no position for failed member lookups: find the name in the text instead.
    const found = line === undefined && name instanceof UndefinedName ? locateName(text, name.variable) : undefined;
    throw new PipelineError([{ file: display, line: line ?? found?.line ?? 1, col: col ?? found?.col ?? 1, message }]);
  }
}

/** 1-based line and column of the first use of `name` (e.g. `var.nope`) in a template's text. */
function locateName(text: string, name: string): { line: number; col: number } | undefined {
  const parts = name.split(/\.|\[(\d+)\]/).filter((part) => part !== undefined && part !== '');
  const escape = (part: string) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const joined = parts.map(escape).join(`\\s*(?:\\.\\s*|\\[\\s*["']?)`);
  const pattern = new RegExp(`(?<![A-Za-z0-9_.])${joined}(?![A-Za-z0-9_])`);
  const match = pattern.exec(text);
  if (!match) return undefined;
  const before = text.slice(0, match.index).split('\n');
  return { line: before.length, col: before[before.length - 1].length + 1 };
}
