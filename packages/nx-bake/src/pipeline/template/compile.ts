/** Compiling templates (cached), and what a failure of Nunjucks says once its own prefixes are gone. */
import type * as nunjucks from 'nunjucks';
import { isPlainLookupTemplate } from './plain-lookup';
import { UndefinedName } from './undefined-name';

const TEMPLATE_MARK = /\{[{%#]/;

/** Whether a string contains template syntax at all (plain strings are returned as they are). */
export function isTemplate(text: string): boolean {
  return TEMPLATE_MARK.test(text);
}

export interface TemplateFailure {
  message: string;
  /** 1-based, within the template, when Nunjucks knows it. */
  line?: number;
  col?: number;
}

const compiledTemplates = new Map<string, nunjucks.Template>();

export function compile(source: string, path?: string): nunjucks.Template {
  const key = `${path ?? ''}\u0000${source}`;
  let template = compiledTemplates.get(key);
  if (!template) {
    // Loaded on first use: the plugin's createNodes checks template syntax, mostly of plain lookups that
    // need no Nunjucks (its modules cost ~40-100 ms on every project graph).
    const { Template } = require('nunjucks') as typeof nunjucks;
    const { environment } = require('./functions') as typeof import('./functions');
    template = new Template(source, environment, path, true);
    if (compiledTemplates.size > 1000) compiledTemplates.clear();
    compiledTemplates.set(key, template);
  }
  return template;
}

export function failure(error: unknown): TemplateFailure {
  const err = error as { message?: string; cause?: unknown; lineno?: number; colno?: number };
  let message: string;
  if (err.cause instanceof UndefinedName) message = err.cause.message;
  else if (error instanceof UndefinedName) message = error.message;
  else {
    message = String(err.message ?? error)
      // Nunjucks' own prefixes: "(path) [Line 1, Column 5]\n  " and "Error: ".
      .replace(/^\([^\n]*?\)(?: \[Line \d+(?:, Column \d+)?\])?\n\s*/, '')
      .replace(/^(?:Template render error: |Error: |TypeError: )+/, '');
    if (err.cause instanceof Error) message = err.cause.message;
    if (message === 'attempted to output null or undefined value') message = 'template outputs an undefined value (a member that does not exist?)';
    else message = `template error: ${message}`;
  }
  const line = typeof err.lineno === 'number' && err.lineno > 0 ? err.lineno : undefined;
  const col = typeof err.colno === 'number' && err.colno > 0 ? err.colno : undefined;
  return { message, line, col };
}

/** The template syntax error of `source` (parse only, nothing is rendered), if any. */
export function templateSyntaxError(source: string): string | undefined {
  if (!isTemplate(source) || isPlainLookupTemplate(source)) return undefined;
  try {
    compile(source);
    return undefined;
  } catch (error) {
    return failure(error).message.replace(/^template error: /, 'template syntax error: ');
  }
}
