import type { SourcePosition, VariableDefinition } from '../../pipeline/types';
import { pipelineVariableName } from '../nunjucks-text';
import type { PackerTemplate, PackerVarFile, TemplateValue } from '../template';
import type { Report } from './report';

/** Names and values that are secrets whatever the template says: they never go into a file. */
const SECRET_NAME = /token|secret|passw|api_?key|access_?key|private_?key|credential/i;
const SECRET_VALUE = /^(dop_v1_|AKIA|ASIA|ghp_|gho_|glpat-|xox[abp]-|hvs\.|s\.[A-Za-z0-9]{20})/;

export interface MappedVariables {
  definitions: Record<string, VariableDefinition>;
  /** Where each was declared (the first template's). */
  declaredAt: Map<string, SourcePosition>;
  /**
   * Variables whose Packer default is an expression (`{{env `X`}}`): a pipeline's defaults are values, so
   * the default is empty and each reference reads `(var.x or <expression>)`.
   */
  fallbacks: Map<string, string>;
}

export function mapVariables(templates: PackerTemplate[], report: Report): MappedVariables {
  const definitions: Record<string, VariableDefinition> = {};
  const fallbacks = new Map<string, string>();
  const declaredAt = new Map<string, SourcePosition>();
  for (const template of templates) {
    for (const variable of template.variables) {
      const name = pipelineVariableName(variable.name);
      const definition: VariableDefinition = {};
      if (variable.type) definition.type = variable.type;
      if (variable.description) definition.description = variable.description;
      if (variable.sensitive) definition.sensitive = true;
      else if (SECRET_NAME.test(name) || (typeof variable.default === 'string' && SECRET_VALUE.test(variable.default))) {
        definition.sensitive = true;
        report.secret(variable.at, `variable ${variable.name}: looks like a secret, so it is sensitive (never logged, recorded or hashed)`);
      }
      const fallback = typeof variable.default === 'string' ? expressionOf(variable.default) : undefined;
      if (fallback !== undefined) {
        definition.default = '';
        fallbacks.set(name, fallback);
        report.approximated(variable.at, `variable ${variable.name}: its default ${String(variable.default)} is read where it is used, as (var.${name} or ${fallback})`);
      } else if (variable.default !== undefined) {
        definition.default = definition.sensitive && typeof variable.default === 'string' && SECRET_VALUE.test(variable.default) ? '' : variable.default;
        if (definition.default !== variable.default) report.secret(variable.at, `variable ${variable.name}: its default is a secret and is not copied; set BAKE_VAR_${name}`);
      }
      if (name !== variable.name) report.approximated(variable.at, `variable ${variable.name} is var.${name} (a pipeline variable is a name of letters, digits and _)`);
      const known = definitions[name];
      if (!known) {
        definitions[name] = definition;
        declaredAt.set(name, variable.at);
        report.mapped(variable.at, `variable ${variable.name}${variable.required ? ' (required: no default)' : ''}`);
      } else if (!mergeInto(known, definition)) {
        report.approximated(variable.at, `variable ${variable.name}: another template declares it differently; the first declaration is kept`);
      }
    }
  }
  return { definitions, declaredAt, fallbacks };
}

/**
 * Templates share a variable when they agree on what they both say (a JSON template says no type, an
 * HCL2 one does): the declaration takes what either adds. False when they disagree.
 */
function mergeInto(known: VariableDefinition, other: VariableDefinition): boolean {
  const keys = ['type', 'default', 'description', 'sensitive'] as const;
  if (keys.some((key) => known[key] !== undefined && other[key] !== undefined && JSON.stringify(known[key]) !== JSON.stringify(other[key]))) return false;
  for (const key of keys) if (known[key] === undefined && other[key] !== undefined) (known as Record<string, unknown>)[key] = other[key];
  return true;
}

/** The expression a default is made of, when it is one (or text around expressions, joined with `~`). */
function expressionOf(text: string): string | undefined {
  if (!text.includes('{{ ')) return undefined;
  const parts: string[] = [];
  let last = 0;
  for (const match of text.matchAll(/\{\{ (.*?) \}\}/g)) {
    if (match.index! > last) parts.push(JSON.stringify(text.slice(last, match.index)));
    parts.push(parts.length === 0 && match.index === 0 && match[0].length === text.length ? match[1] : `(${match[1]})`);
    last = match.index! + match[0].length;
  }
  if (last < text.length) parts.push(JSON.stringify(text.slice(last)));
  return parts.join(' ~ ');
}

/** Every `var.x` inside an interpolation, for the variables with a fallback, reads `(var.x or fallback)`. */
export function withFallbacks(text: string, fallbacks: Map<string, string>): string {
  if (fallbacks.size === 0) return text;
  return text.replace(/\{\{(.*?)\}\}/g, (whole, inner: string) =>
    `{{${inner.replace(/\bvar\.([A-Za-z_]\w*)\b/g, (reference, name: string) => (fallbacks.has(name) ? `(${reference} or ${fallbacks.get(name)})` : reference))}}}`,
  );
}

export interface MappedVarFile {
  /** The file's name in the pipeline's folder. */
  name: string;
  values: Record<string, TemplateValue>;
}

/** A Packer var file as one of ours, without its secrets: those are reported, and their variables made sensitive. */
export function mapVarFile(varFile: PackerVarFile, variables: MappedVariables, report: Report): MappedVarFile {
  const values: Record<string, TemplateValue> = {};
  for (const [packerName, { value, at }] of Object.entries(varFile.values)) {
    const name = pipelineVariableName(packerName);
    const definition = variables.definitions[name];
    if (!definition) {
      report.dropped(at, `${packerName}: no template declares this variable`);
      continue;
    }
    if (definition.sensitive || SECRET_NAME.test(name) || (typeof value === 'string' && SECRET_VALUE.test(value))) {
      definition.sensitive = true;
      report.secret(at, `${packerName}: a secret; its value is not copied into the pipeline's var file: set BAKE_VAR_${name} in the environment (or read it from Vault with vault: on the variable)`);
      continue;
    }
    values[name] = value;
    report.mapped(at, `${packerName} → var file`);
  }
  const base = varFile.file.replace(/^.*[\\/]/, '').replace(/\.(auto\.)?(pkrvars\.hcl|json|hcl)$/, '');
  return { name: `${base}.yaml`, values };
}

/**
 * A list or map variable used as a whole field (`groups = var.groups`): nx-bake's templates render text,
 * so the field takes the variable's default in its place.
 */
export function inlineStructured(value: unknown, variables: MappedVariables, report: Report, at: Map<string, SourcePosition>): unknown {
  if (typeof value === 'string') {
    const name = /^\{\{ var\.([A-Za-z_]\w*) \}\}$/.exec(value)?.[1];
    const fallback = name === undefined ? undefined : variables.definitions[name]?.default;
    if (name === undefined || fallback === null || typeof fallback !== 'object') return value;
    report.approximated(at.get(name)!, `variable ${name} (a ${Array.isArray(fallback) ? 'list' : 'map'}) is a whole field's value somewhere: its default is written there, as templates make text`);
    return structuredClone(fallback);
  }
  if (Array.isArray(value)) return value.map((item) => inlineStructured(item, variables, report, at));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, inlineStructured(item, variables, report, at)]));
  return value;
}
