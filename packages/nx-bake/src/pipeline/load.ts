/**
 * Loading pipeline files: YAML syntax, schema, and the checks of `checks.ts`, every problem of every
 * file reported at once in one PipelineError; then `Stage` objects with defaults applied. Strings are
 * not rendered here: templates stay as written until bake time.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, relative, resolve, sep } from 'node:path';
import { isMap as isYamlMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type YAMLError } from 'yaml';
import { checkPipeline, isMap, rawStages, type Raw, type RawStage } from './checks';
import { diagnostic, PipelineError, sortDiagnostics, type Diagnostic } from './diagnostics';
import { findCyclesBy, formatCycle } from './graph';
import { registerSource, YamlSource, type Path } from './positions';
import { schemaDiagnostics } from './schema';
import { didYouMean } from './suggest';
import type { BaseReference, BuilderConfig, Pipeline, ProvisionerConfig, RetentionPolicy, Stage, VariableDefinition } from './types';

export interface LoadOptions {
  /** Absolute workspace root: file paths in `Pipeline` and in diagnostics are relative to it. */
  workspaceRoot: string;
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

/** One file's result: what is known of it even when it is invalid (for checks across files). */
export interface ParsedPipelineFile {
  /** Relative to the workspace root, posix separators. */
  file: string;
  name: string;
  /** Path of the `name` key in the file, when the name is explicit. */
  namePath?: Path;
  source?: YamlSource;
  stages: RawStage[];
  /** Present when the file has no problem of its own. */
  pipeline?: Pipeline;
  diagnostics: Diagnostic[];
}

const toPosix = (path: string): string => path.split(sep).join('/');

/** Parses and checks one pipeline file, without throwing. */
export function parsePipelineFile(file: string, options: LoadOptions): ParsedPipelineFile {
  const workspaceRoot = resolve(options.workspaceRoot);
  const absolute = resolve(workspaceRoot, file);
  const rel = toPosix(relative(workspaceRoot, absolute)) || basename(absolute);
  const relDir = toPosix(relative(workspaceRoot, dirname(absolute))) || '.';
  const folderName = basename(dirname(absolute));
  const result: ParsedPipelineFile = { file: rel, name: folderName, stages: [], diagnostics: [] };
  const at1 = (message: string) => result.diagnostics.push({ file: rel, line: 1, col: 1, message });

  let text: string;
  try {
    text = readFileSync(absolute, 'utf8');
  } catch (error) {
    at1(`cannot read pipeline file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    return result;
  }

  const lineCounter = new LineCounter();
  // Duplicate keys are found below: yaml's own check (`uniqueKeys`) compares each key with every
  // earlier one of its map, which takes seconds on a map of 10k keys.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, merge: true, uniqueKeys: false, logLevel: 'error' });
  const source = new YamlSource(rel, doc, lineCounter, workspaceRoot);
  result.source = source;
  for (const error of doc.errors) result.diagnostics.push(diagnostic(source.at(error.pos[0]), yamlMessage(error)));
  for (const duplicate of duplicateKeys(doc)) result.diagnostics.push(diagnostic(source.at(duplicate.offset), duplicate.message));
  if (doc.errors.length > 0) return result;

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    at1(`invalid YAML: ${(error as Error).message}`);
    return result;
  }
  if (data === null || data === undefined) {
    at1('pipeline file is empty');
    return result;
  }

  const raw = isMap(data) ? data : undefined;
  if (raw && typeof raw.name === 'string') {
    result.name = raw.name;
    result.namePath = ['name'];
  } else if (!raw || raw.name === undefined) {
    if (!NAME_PATTERN.test(folderName)) {
      at1(`pipeline name '${folderName}' (the folder's name) must be lowercase letters, digits and '-': set 'name:'`);
    }
  }
  result.stages = rawStages(data);
  result.diagnostics.push(...schemaDiagnostics(data, source));
  result.diagnostics.push(...checkPipeline({ data, source, name: result.name, dir: dirname(absolute), workspaceRoot }));
  if (result.diagnostics.length === 0 && raw) {
    result.pipeline = toPipeline(raw, result.name, rel, relDir);
    registerSource(result.pipeline, source);
  }
  return result;
}

/** Loads one pipeline file; throws one PipelineError with every problem of the file. */
export function loadPipelineFile(file: string, options: LoadOptions): Pipeline {
  const parsed = parsePipelineFile(file, options);
  if (!parsed.pipeline) throw new PipelineError(sortDiagnostics(parsed.diagnostics));
  return parsed.pipeline;
}

/**
 * Loads several pipeline files: every problem of every file, plus the checks across files (duplicate
 * pipeline names, `from: { stage, pipeline }` naming an unknown pipeline or stage, cycles across
 * pipelines), in one PipelineError.
 */
export function loadPipelines(files: string[], options: LoadOptions): Pipeline[] {
  const parsed = files.map((file) => parsePipelineFile(file, options));
  const diagnostics = [...parsed.flatMap((entry) => entry.diagnostics), ...crossPipelineDiagnostics(parsed)];
  if (diagnostics.length > 0) throw new PipelineError(sortDiagnostics(diagnostics, parsed.map((entry) => entry.file)));
  return parsed.map((entry) => entry.pipeline!);
}

/** The checks across files (their own problems are in each file's `diagnostics`). */
export function crossPipelineDiagnostics(files: ParsedPipelineFile[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const position = (entry: ParsedPipelineFile, path: Path, mode: 'value' | 'auto' = 'value') =>
    entry.source ? entry.source.position(path, mode) : { file: entry.file, line: 1, col: 1 };

  const byName = new Map<string, ParsedPipelineFile>();
  for (const entry of files) {
    const first = byName.get(entry.name);
    if (!first) byName.set(entry.name, entry);
    else if (first.file !== entry.file) {
      const how = entry.namePath ? '' : ` (the folder's name; set 'name:' to tell them apart)`;
      diagnostics.push(diagnostic(position(entry, entry.namePath ?? []), `duplicate pipeline name '${entry.name}'${how}: also ${first.file}`));
    }
  }

  const other = (entry: ParsedPipelineFile, stage: RawStage) =>
    stage.fromStage !== undefined && stage.fromPipeline !== undefined && stage.fromPipeline !== entry.name;
  for (const entry of files) {
    for (const stage of entry.stages) {
      if (!other(entry, stage)) continue;
      const target = byName.get(stage.fromPipeline!);
      const from = ['stages', stage.index, 'from'];
      if (!target) {
        diagnostics.push(
          diagnostic(position(entry, [...from, 'pipeline']), `unknown pipeline '${stage.fromPipeline}' in from${didYouMean(stage.fromPipeline!, byName.keys())}`),
        );
      } else if (!target.stages.some((candidate) => candidate.name === stage.fromStage)) {
        const names = target.stages.map((candidate) => candidate.name);
        diagnostics.push(
          diagnostic(
            position(entry, [...from, 'stage']),
            `unknown stage '${stage.fromStage}' in pipeline '${stage.fromPipeline}'${didYouMean(stage.fromStage!, names)}`,
          ),
        );
      }
    }
  }

  // Cycles through more than one pipeline (those within one file are that file's own problem).
  interface Node {
    entry: ParsedPipelineFile;
    stage: RawStage;
  }
  const key = (node: Node) => `${node.entry.name}/${node.stage.name}`;
  const nodes = new Map<string, Node>();
  for (const entry of files) {
    if (byName.get(entry.name) !== entry) continue;
    for (const stage of entry.stages) {
      const node = { entry, stage };
      if (!nodes.has(key(node))) nodes.set(key(node), node);
    }
  }
  const parent = (node: Node): Node | undefined =>
    node.stage.fromStage === undefined ? undefined : nodes.get(`${node.stage.fromPipeline ?? node.entry.name}/${node.stage.fromStage}`);
  for (const cycle of findCyclesBy([...nodes.values()], parent, key)) {
    if (new Set(cycle.map((node) => node.entry.name)).size < 2) continue;
    diagnostics.push(diagnostic(position(cycle[0].entry, ['stages', cycle[0].stage.index, 'from'], 'auto'), formatCycle(cycle.map(key))));
  }
  return diagnostics;
}

function yamlMessage(error: YAMLError): string {
  return `invalid YAML: ${error.message}`;
}

/** Top-level maps whose keys are names that must be unique. */
const NAMED_MAPS: Record<string, string> = { builders: 'builder name', variables: 'variable name' };

/**
 * Keys written twice in a map (the same scalar value, as yaml's `uniqueKeys` compares them), at the
 * later one, naming the key and what it is (builder and variable names must be unique). Linear, and
 * iterative: the document may be deeply nested.
 */
function duplicateKeys(doc: Document): { offset: number; message: string }[] {
  const found: { offset: number; message: string }[] = [];
  /** `keys`: how many map entries with a scalar key enclose the node; `only`: that key, when there is one. */
  const stack: { node: unknown; keys: number; only?: string }[] = [{ node: doc.contents, keys: 0 }];
  while (stack.length > 0) {
    const { node, keys, only } = stack.pop()!;
    if (isSeq(node)) {
      for (const item of node.items) stack.push({ node: item, keys, only });
    } else if (isYamlMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) {
          const value = key.value;
          if (seen.has(value) && !(typeof value === 'number' && Number.isNaN(value))) {
            const what = keys === 1 && Object.hasOwn(NAMED_MAPS, only!) ? NAMED_MAPS[only!] : undefined;
            found.push({ offset: key.range?.[0] ?? 0, message: `duplicate ${what ?? 'key'} '${String(value)}'` });
          }
          seen.add(value);
          stack.push({ node: pair.value, keys: keys + 1, only: keys === 0 ? String(value) : undefined });
        } else {
          stack.push({ node: key, keys, only }, { node: pair.value, keys, only });
        }
      }
    }
  }
  return found;
}

/** A value read from Vault is always sensitive: every reader of `sensitive` (redaction, fingerprints, Nx inputs) treats it so. */
function withVaultSensitive(variables: Record<string, VariableDefinition>): Record<string, VariableDefinition> {
  return Object.fromEntries(Object.entries(variables).map(([name, definition]) => [name, definition.vault ? { ...definition, sensitive: true } : definition]));
}

function toPipeline(data: Raw, name: string, file: string, dir: string): Pipeline {
  const builders = structuredClone((data.builders ?? {}) as Record<string, BuilderConfig>);
  const defaultBuilders = (data.default_builders as string[] | undefined) ?? Object.keys(builders);
  const stages = (data.stages as Raw[]).map((stage): Stage => {
    const overrides = (stage.builder_overrides ?? {}) as Record<string, Record<string, unknown>>;
    const from = stage.from as { image?: string | Record<string, string>; stage?: string; pipeline?: string };
    const base: BaseReference =
      from.image !== undefined ? { kind: 'image', image: from.image } : { kind: 'stage', pipeline: from.pipeline ?? name, stage: from.stage! };
    const result: Stage = {
      name: stage.name as string,
      from: base,
      builders: ((stage.builders as string[] | undefined) ?? Object.keys(builders)).map((builder) => ({
        name: builder,
        config: structuredClone({ ...builders[builder], ...(overrides[builder] ?? {}) }) as BuilderConfig,
      })),
      defaultBuilders: (stage.builders as string[] | undefined) ?? defaultBuilders,
      provisioners: (stage.provisioners ?? []) as ProvisionerConfig[],
      bakes: (stage.bakes ?? []) as string[],
      inputs: (stage.inputs ?? []) as string[],
      tags: (stage.tags ?? {}) as Record<string, string>,
      root: dir === '.' ? (stage.name as string) : `${dir}/${stage.name as string}`,
    };
    if (typeof stage.description === 'string') result.description = stage.description;
    if (stage.retain) result.retain = stage.retain as RetentionPolicy;
    return result;
  });
  const pipeline: Pipeline = {
    name,
    file,
    dir,
    variables: withVaultSensitive((data.variables ?? {}) as Record<string, VariableDefinition>),
    builders,
    defaultBuilders,
    stages,
    env: (data.env ?? []) as string[],
  };
  if (typeof data.description === 'string') pipeline.description = data.description;
  return pipeline;
}

