/** Rendering template strings, deeply in a value, with every error reported at its own string's position. */
import { diagnostic, throwIfAny, type Diagnostic } from '../diagnostics';
import { positionOf, type Path } from '../positions';
import type { Pipeline } from '../types';
import { compile, failure, isTemplate, type TemplateFailure } from './compile';
import type { TemplateContext } from './context';
import { isPlainObject, renderContext, StrictRootFrame, type FrameLike } from './strict';

export function renderWith(source: string, context: TemplateContext, path?: string): string {
  const template = compile(source, path) as unknown as { render(ctx: object, frame: FrameLike): string };
  const values = renderContext(context);
  return template.render(values, new StrictRootFrame(values));
}

/** Renders one template string; throws a `PipelineError`-free failure description on error. */
function tryRender(source: string, context: TemplateContext): { value: string } | { failure: TemplateFailure } {
  if (!isTemplate(source)) return { value: source };
  try {
    return { value: renderWith(source, context) };
  } catch (error) {
    return { failure: failure(error) };
  }
}

/** Renders every string in `value`; a failed string stays as written and its error goes to `diagnostics`. */
export function renderDeep(value: unknown, context: TemplateContext, path: Path, pipeline: Pipeline, diagnostics: Diagnostic[]): unknown {
  if (typeof value === 'string') {
    const result = tryRender(value, context);
    if ('value' in result) return result.value;
    diagnostics.push(diagnostic(positionOf(pipeline, path, 'value'), result.failure.message));
    return value;
  }
  if (Array.isArray(value)) return value.map((item, i) => renderDeep(item, context, [...path, i], pipeline, diagnostics));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = renderDeep(item, context, [...path, key], pipeline, diagnostics);
    return out;
  }
  return value;
}

/**
 * Renders every string in `value` (deeply). `where.path` is the value's path in the pipeline file; an
 * error in a string is reported at that string's position. All errors are thrown at once.
 */
export function renderValue(value: unknown, context: TemplateContext, where: { pipeline: Pipeline; path: Path }): unknown {
  const diagnostics: Diagnostic[] = [];
  const rendered = renderDeep(value, context, where.path, where.pipeline, diagnostics);
  throwIfAny(diagnostics);
  return rendered;
}
