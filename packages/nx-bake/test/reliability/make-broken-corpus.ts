/**
 * Writes the broken-input corpus that `bad-input.test.ts` feeds to the `nx-bake validate` CLI: mutants of
 * the valid example pipelines (`pipelines/images` and the valid fixtures), each a folder
 * `test/fixtures/broken-corpus/<NNN-kind>/` holding `pipeline.yaml` (+ the stage folders and files it
 * needs, copied) and `case.json` (what was mutated, and how to run it), plus bad `--var` values and var
 * files under `broken-corpus/vars/<NNN-kind>/`.
 *
 * Every mutant is checked with `validatePipeline` (as the CLI runs it) and kept only when it is invalid:
 * one that still validates is dropped and another one is drawn. The corpus is checked in; this script is
 * here to regenerate it, deterministically for a given seed and the same seed pipelines (from the repo root;
 * the spec tsconfig, for ES2022 output):
 *
 *   npx ts-node -P packages/nx-bake/tsconfig.spec.json --transpile-only \
 *     packages/nx-bake/test/reliability/make-broken-corpus.ts [--seed 1] [--per-kind 20]
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Document, isMap as isYamlMap, isPair, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { PipelineError } from '../../src/pipeline/diagnostics';
import { validatePipeline } from '../../src/pipeline/validate';
import { CANARY, CORPUS, PIPELINE_KINDS, REPO_ROOT, VAR_KINDS, type CorpusCase, type PipelineKind, type VarKind } from './corpus-format';

// ---------------------------------------------------------------------------------------------------
// Seeds: the valid examples.

interface Seed {
  name: string;
  /** Folder of the pipeline file, relative to the repo root. */
  dir: string;
  text: string;
  /** Stage folders (and files) copied next to every mutant; stages without one get a `.gitkeep`. */
  folders: string[];
  stageNames: string[];
  /** The pipeline's explicit name, when it has one. */
  explicitName?: string;
  /** Sensitive variables with a default: name → value. */
  secrets: Record<string, string>;
}

const SEED_DIRS = [
  'pipelines/images',
  'packages/nx-bake/test/fixtures/pipelines/valid',
  'packages/nx-bake/test/fixtures/pipelines/graph-base',
  'packages/nx-bake/test/fixtures/pipelines/cross-duplicate',
];

function loadSeed(dir: string): Seed {
  const text = readFileSync(join(REPO_ROOT, dir, 'pipeline.yaml'), 'utf8');
  const data = parseDocument(text, { merge: true }).toJS({ maxAliasCount: 1000 }) as Record<string, any>;
  const secrets: Record<string, string> = {};
  for (const [name, declaration] of Object.entries<any>(data.variables ?? {})) {
    // Shorter values are not redacted (see redact.ts): too common to be told apart from other text.
    if (declaration?.sensitive === true && typeof declaration.default === 'string' && declaration.default.length >= 4) secrets[name] = declaration.default;
  }
  const folders = readdirSync(join(REPO_ROOT, dir)).filter((entry) => statSync(join(REPO_ROOT, dir, entry)).isDirectory());
  return {
    name: dir.split('/').pop()!,
    dir,
    text,
    folders,
    stageNames: (data.stages as { name: string }[]).map((stage) => stage.name),
    explicitName: typeof data.name === 'string' ? data.name : undefined,
    secrets,
  };
}

// ---------------------------------------------------------------------------------------------------
// Randomness (mulberry32: the same seed, the same corpus).

export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
}

// ---------------------------------------------------------------------------------------------------
// Walking a YAML document.

type Path = (string | number)[];

interface Entry {
  path: Path;
  node: Node | null;
  /** Set for map entries: the key's text. */
  key?: string;
}

/** Every node of the document with its path (map entries and list items), parents first. */
function entries(doc: Document): Entry[] {
  const out: Entry[] = [];
  const walk = (node: Node | null, path: Path) => {
    if (isYamlMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key) || typeof pair.key.value !== 'string') continue;
        const key = pair.key.value;
        if (key === '<<') continue;
        const child = pair.value as Node | null;
        out.push({ path: [...path, key], node: child, key });
        walk(child, [...path, key]);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        out.push({ path: [...path, i], node: item as Node | null });
        walk(item as Node | null, [...path, i]);
      });
    }
  };
  walk(doc.contents as Node | null, []);
  return out;
}

const jsOf = (node: Node | null): unknown => (node && 'toJSON' in node ? (node as { toJSON(): unknown }).toJSON() : null);
const typeOf = (value: unknown): 'string' | 'number' | 'boolean' | 'list' | 'map' | 'null' =>
  value === null || value === undefined ? 'null' : Array.isArray(value) ? 'list' : typeof value === 'object' ? 'map' : (typeof value as 'string' | 'number' | 'boolean');

const pathText = (path: Path): string =>
  path.reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), '');

/** Paths where strings are templates (checked and rendered): builder configs, and a stage's from, overrides, provisioners, tags. */
function isTemplatePath(path: Path): boolean {
  if (path[0] === 'builders') return path.length >= 3 && path[2] !== 'type';
  if (path[0] !== 'stages' || path.length < 4) return false;
  const section = path[2];
  if (section === 'provisioners') return path.length >= 5 && path[4] !== 'type' && path[4] !== 'execute_command' && path[4] !== 'only' && path[4] !== 'except';
  return section === 'from' || section === 'builder_overrides' || section === 'tags';
}

function typo(word: string, rng: Rng): string {
  for (let attempt = 0; attempt < 20; attempt++) {
    const i = rng.int(Math.max(1, word.length));
    let out: string;
    switch (rng.int(7)) {
      case 0: // swap two neighbours
        out = i + 1 < word.length ? word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2) : word.slice(0, -2) + word.slice(-1) + word.slice(-2, -1);
        break;
      case 1: // drop one
        out = word.slice(0, i) + word.slice(i + 1);
        break;
      case 2: // double one
        out = word.slice(0, i) + word[i] + word.slice(i);
        break;
      case 3: // replace one
        out = word.slice(0, i) + 'qwertyuiopasdfghjklzxcvbnm'[rng.int(26)] + word.slice(i + 1);
        break;
      case 4: // capitalise
        out = word[0].toUpperCase() + word.slice(1);
        break;
      case 5: // plural / singular
        out = word.endsWith('s') ? word.slice(0, -1) : `${word}s`;
        break;
      default: // _ and - confused
        out = word.includes('_') ? word.replace('_', '-') : word.includes('-') ? word.replace('-', '_') : `${word}_`;
    }
    if (out !== word && out.length > 0) return out;
  }
  return `${word}x`;
}

/** Abbreviates long text for `case.json`. */
const brief = (text: string): string => (text.length > 200 ? `${text.slice(0, 60)}…(${text.length} chars)…${text.slice(-20)}` : text);

// ---------------------------------------------------------------------------------------------------
// Mutants.

interface Mutant {
  /** The new pipeline file. */
  content: string | Buffer;
  mutation: string;
  /** Copy the seed's stage folders (default true). */
  folders?: boolean;
  /** Files (relative to the pipeline folder) removed after copying. */
  remove?: string[];
  /** Files (relative to the pipeline folder) written after copying. */
  files?: Record<string, string>;
}

interface MutationContext {
  seed: Seed;
  rng: Rng;
  /** The pipeline's name as the loader will see it (explicit, else the entry's folder). */
  pipelineName: string;
  /** Counts the attempts of a kind: mutators take their sub-kind from it in turn, so each is represented. */
  variant: number;
}

type Mutator = (ctx: MutationContext) => Mutant | undefined;

const parse = (seed: Seed): Document => parseDocument(seed.text, { merge: true });
const render = (doc: Document): string => doc.toString({ lineWidth: 0 });

/** Renders `doc` with `PLACEHOLDER` (a plain scalar written by a mutation) replaced by `raw` text or bytes. */
const PLACEHOLDER = 'zzplaceholderzz';
function withRaw(doc: Document, raw: string | Buffer): string | Buffer {
  const text = render(doc);
  const at = text.indexOf(PLACEHOLDER);
  if (at < 0) throw new Error('placeholder lost');
  if (typeof raw === 'string') return text.slice(0, at) + raw + text.slice(at + PLACEHOLDER.length);
  return Buffer.concat([Buffer.from(text.slice(0, at), 'utf8'), raw, Buffer.from(text.slice(at + PLACEHOLDER.length), 'utf8')]);
}

const stageEntries = (doc: Document) => entries(doc).filter((entry) => entry.path.length === 2 && entry.path[0] === 'stages');
const stringEntries = (doc: Document, where: (entry: Entry) => boolean = () => true) =>
  entries(doc).filter((entry) => isScalar(entry.node) && typeof entry.node.value === 'string' && where(entry));

const deletedKey: Mutator = ({ seed, rng }) => {
  const doc = parse(seed);
  const keys = entries(doc).filter((entry) => entry.key !== undefined);
  const { path } = rng.pick(keys);
  doc.deleteIn(path);
  return { content: render(doc), mutation: `deleted ${pathText(path)}` };
};

const renamedKey: Mutator = ({ seed, rng }) => {
  const doc = parse(seed);
  const keys = entries(doc).filter((entry) => entry.key !== undefined);
  const { path, key } = rng.pick(keys);
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isYamlMap(parent)) return undefined;
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
  if (!pair || !isScalar(pair.key)) return undefined;
  const renamed = typo(key!, rng);
  pair.key.value = renamed;
  return { content: render(doc), mutation: `renamed ${pathText(path)} to '${renamed}'` };
};

const wrongType: Mutator = ({ seed, rng }) => {
  const doc = parse(seed);
  const candidates = entries(doc).filter((entry) => entry.path.length > 0);
  const { path, node } = rng.pick(candidates);
  const type = typeOf(jsOf(node));
  const options: Record<string, unknown[]> = {
    string: [42, 3.5, true, ['a', 'b'], { a: 1 }, null],
    number: ['three', true, [1], { n: 1 }],
    boolean: ['yes please', 1, ['true'], { on: true }],
    list: [{ a: 1 }, 'a string', 7, true],
    map: [['a', 'b'], 'a string', 42, false],
    null: [42, ['x'], { a: 1 }],
  };
  const value = rng.pick(options[type]);
  doc.setIn(path, doc.createNode(value));
  return { content: render(doc), mutation: `${pathText(path)}: ${type} replaced by ${typeOf(value)} ${JSON.stringify(value)}` };
};

const yamlSyntax: Mutator = ({ seed, rng, variant }) => {
  const lines = seed.text.split('\n');
  const content = lines.map((line, i) => ({ line, i })).filter(({ line }) => /^\s*[^\s#]/.test(line));
  const keyLines = content.filter(({ line }) => /^\s*(- )?[A-Za-z_][\w-]*:( |$)/.test(line));
  const valueLines = content.filter(({ line }) => /^\s*(- )?[A-Za-z_][\w-]*: +[^\s#]/.test(line));
  const indented = content.filter(({ line }) => /^ +\S/.test(line));
  const out = [...lines];
  const kind = variant % 10;
  switch (kind) {
    case 0: {
      const { i } = rng.pick(indented);
      const shift = rng.pick([1, 3, -1]);
      out[i] = shift > 0 ? ' '.repeat(shift) + lines[i] : lines[i].slice(1);
      return { content: out.join('\n'), mutation: `line ${i + 1}: indentation ${shift > 0 ? '+' : ''}${shift}` };
    }
    case 1: {
      const { i } = rng.pick(valueLines);
      const quote = rng.pick(['"', "'"]);
      out[i] = lines[i].replace(/: +/, `: ${quote}`);
      return { content: out.join('\n'), mutation: `line ${i + 1}: unclosed ${quote} quote` };
    }
    case 2: {
      const { i } = rng.pick(valueLines);
      const bracket = rng.pick(['[', '{']);
      out[i] = lines[i].replace(/: +/, `: ${bracket}`);
      return { content: out.join('\n'), mutation: `line ${i + 1}: unclosed ${bracket}` };
    }
    case 3: {
      const { i } = rng.pick(indented);
      out[i] = lines[i].replace(/^( +)/, (spaces) => '\t'.repeat(Math.max(1, Math.floor(spaces.length / 2))));
      return { content: out.join('\n'), mutation: `line ${i + 1}: tabs as indentation` };
    }
    case 4: {
      const { i } = rng.pick(keyLines.filter(({ line }) => !line.trimStart().startsWith('- ')));
      out.splice(i + 1, 0, lines[i].endsWith(':') ? `${lines[i]} {}` : lines[i]);
      return { content: out.join('\n'), mutation: `line ${i + 1}: key written twice (duplicate key)` };
    }
    case 5: {
      const { i } = rng.pick(valueLines);
      out[i] = `${lines[i]}: extra`;
      return { content: out.join('\n'), mutation: `line ${i + 1}: a second ': ' on the line` };
    }
    case 6: {
      const { i } = rng.pick(valueLines);
      out[i] = lines[i].replace(/: +/, ': *no_such_anchor ');
      return { content: out.join('\n'), mutation: `line ${i + 1}: alias to an unknown anchor` };
    }
    case 7: {
      const { i } = rng.pick(keyLines);
      out[i] = lines[i].replace(/:( |$)/, '$1');
      return { content: out.join('\n'), mutation: `line ${i + 1}: colon of a key removed` };
    }
    case 8: {
      const { i } = rng.pick(content);
      out.splice(i, 0, `${lines[i].match(/^\s*/)![0]}- stray list item`);
      return { content: out.join('\n'), mutation: `line ${i + 1}: list item inside a map` };
    }
    default: {
      const { i } = rng.pick(valueLines);
      out[i] = lines[i].replace(/: +(.*)$/, ': "$1\\q"');
      return { content: out.join('\n'), mutation: `line ${i + 1}: invalid escape in a double-quoted string` };
    }
  }
};

const UNKNOWN_NAMES = ['ghost', 'nope', 'legacy', 'bse', 'old-base', 'missing', 'tmp', 'prod'];

const badReference: Mutator = ({ seed, rng, pipelineName, variant }) => {
  const doc = parse(seed);
  const stages = stageEntries(doc);
  const builderNames = Object.keys((doc.toJS() as any).builders ?? {});
  const i = rng.int(stages.length);
  const stageName = seed.stageNames[i];
  const other = (name: string) => (rng.int(2) ? typo(name, rng) : rng.pick(UNKNOWN_NAMES));
  switch (variant % 8) {
    case 0: {
      const target = other(rng.pick(seed.stageNames));
      doc.setIn(['stages', i, 'from'], doc.createNode({ stage: target }));
      return { content: render(doc), mutation: `stages[${i}].from.stage: unknown stage '${target}'` };
    }
    case 1: {
      const builder = other(rng.pick(builderNames));
      doc.setIn(['stages', i, 'builders'], doc.createNode([builder]));
      return { content: render(doc), mutation: `stages[${i}].builders: unknown builder '${builder}'` };
    }
    case 2: {
      const builder = other(rng.pick(builderNames));
      doc.setIn(['default_builders'], doc.createNode([builder]));
      return { content: render(doc), mutation: `default_builders: unknown builder '${builder}'` };
    }
    case 3: {
      const builder = other(rng.pick(builderNames));
      doc.setIn(['stages', i, 'builder_overrides'], doc.createNode({ [builder]: { tag: 'x' } }));
      return { content: render(doc), mutation: `stages[${i}].builder_overrides: unknown builder '${builder}'` };
    }
    case 4: {
      const pipeline = rng.pick(['other', 'base-images', typo(pipelineName, rng)]);
      doc.setIn(['stages', i, 'from'], doc.createNode({ stage: rng.pick(seed.stageNames), pipeline }));
      return { content: render(doc), mutation: `stages[${i}].from.pipeline: unknown pipeline '${pipeline}'` };
    }
    case 5: {
      const builder = other(rng.pick(builderNames));
      doc.setIn(['stages', i, 'from'], doc.createNode({ image: { [builder]: 'debian:bookworm' } }));
      return { content: render(doc), mutation: `stages[${i}].from.image: image for unknown builder '${builder}'` };
    }
    case 6: {
      const builder = other(rng.pick(builderNames));
      const provisioners = doc.getIn(['stages', i, 'provisioners']);
      const list = isSeq(provisioners) ? provisioners : undefined;
      const item = doc.createNode({ type: 'shell', inline: ['true'], [rng.pick(['only', 'except'])]: [builder] });
      if (list) list.items.splice(rng.int(list.items.length + 1), 0, item);
      else doc.setIn(['stages', i, 'provisioners'], doc.createNode([item]));
      return { content: render(doc), mutation: `stage '${stageName}': provisioner only/except names unknown builder '${builder}'` };
    }
    default: {
      const target = other(stageName);
      doc.setIn(['stages', i, 'from'], doc.createNode({ stage: target, pipeline: pipelineName }));
      return { content: render(doc), mutation: `stages[${i}].from: unknown stage '${target}' in this pipeline, named explicitly` };
    }
  }
};

const cycle: Mutator = ({ seed, rng, pipelineName, variant }) => {
  const doc = parse(seed);
  const names = seed.stageNames;
  const data = doc.toJS() as { stages: { name: string; from: { stage?: string } }[] };
  const parents = new Map(data.stages.map((stage) => [stage.name, stage.from?.stage]));
  const descendants = (name: string): string[] => names.filter((other) => other !== name && ancestry(other).includes(name));
  const ancestry = (name: string): string[] => {
    const chain: string[] = [];
    for (let at = parents.get(name); at !== undefined && !chain.includes(at); at = parents.get(at)) chain.push(at);
    return chain;
  };
  const i = rng.int(names.length);
  const name = names[i];
  const explicit = rng.int(3) === 0 ? { pipeline: pipelineName } : {};
  switch (variant % 3) {
    case 0: {
      doc.setIn(['stages', i, 'from'], doc.createNode({ stage: name, ...explicit }));
      return { content: render(doc), mutation: `stage '${name}' built from itself` };
    }
    case 1: {
      const below = descendants(name);
      if (below.length === 0) return undefined;
      const target = rng.pick(below);
      doc.setIn(['stages', i, 'from'], doc.createNode({ stage: target, ...explicit }));
      return { content: render(doc), mutation: `stage '${name}' built from its descendant '${target}'` };
    }
    default: {
      const size = 2 + rng.int(3);
      const loop = Array.from({ length: size }, (_, k) => `loop-${String.fromCharCode(97 + k)}`);
      const stages = doc.get('stages');
      if (!isSeq(stages)) return undefined;
      loop.forEach((stage, k) =>
        stages.items.push(doc.createNode({ name: stage, from: { stage: loop[(k + size - 1) % size], ...explicit } }) as never),
      );
      return { content: render(doc), mutation: `added stages ${loop.join(', ')} in a cycle of ${size}` };
    }
  }
};

const MB = 1024 * 1024;
const KB100 = 100 * 1024;

/** Each an invalid pipeline with one huge part: 1 MB (or 100 KB) strings, 10k-item lists and maps, deep nesting. */
const HUGE: ((doc: Document, i: number, stageName: string, rng: Rng) => string | undefined)[] = [
  (doc, i) => {
    doc.setIn(['stages', i, 'name'], `${'a'.repeat(MB)}X`);
    return `stages[${i}].name: a 1 MB name with an uppercase letter`;
  },
  (doc, i, _, rng) => {
    // A valid 1 MB stage name and a reference to it with one letter changed: "did you mean" must not hang.
    const name = 'a'.repeat(MB);
    doc.setIn(['stages', i, 'name'], name);
    const stages = (doc.get('stages') as { items: unknown[] }).items.length;
    const j = stages > 1 ? (i + 1 + rng.int(stages - 1)) % stages : i;
    doc.setIn(['stages', j, 'from'], doc.createNode({ stage: `${name.slice(0, -1)}b` }));
    return `stages[${i}].name: 1 MB, referenced by stages[${j}].from with a typo`;
  },
  (doc, i, stageName) => {
    doc.setIn(['stages', i, 'provisioners'], doc.createNode([{ type: 'shell', inline: [`${'x'.repeat(MB)}{{ var.x`] }]));
    return `stage '${stageName}': a 1 MB inline command ending in an unclosed template`;
  },
  (doc, i, stageName) => {
    doc.setIn(['stages', i, 'tags'], doc.createNode({ big: `{{ var.nope }}${'y'.repeat(KB100)}` }));
    return `stage '${stageName}': a 100 KB tag using an undefined variable`;
  },
  (doc) => {
    doc.setIn(['builders', `${'k'.repeat(KB100)}.`], doc.createNode({ type: 'docker' }));
    return 'a builder with a 100 KB name, ending in a dot';
  },
  (doc) => {
    doc.setIn([`${'u'.repeat(KB100)}`], 'x');
    return 'an unknown top-level key of 100 KB';
  },
  (doc) => {
    doc.setIn(['variables', 'huge'], doc.createNode({ type: 'number', default: 'n'.repeat(KB100) }));
    return 'a number variable with a 100 KB string default';
  },
  (doc, i, stageName, rng) => {
    const items: unknown[] = Array.from({ length: 10_000 }, (_, k) => `e${k}`);
    items[9_000 + rng.int(1000)] = rng.pick([42, { a: 1 }, ['nested']]);
    doc.setIn(['stages', i, 'provisioners'], doc.createNode([{ type: 'shell', inline: items }]));
    return `stage '${stageName}': a 10k-item inline list with one item of the wrong type`;
  },
  (doc, i, stageName, rng) => {
    const items = Array.from({ length: 10_000 }, (_, k) => `V${k}=${k}`);
    items[rng.int(items.length)] = 'not an assignment';
    doc.setIn(['stages', i, 'provisioners'], doc.createNode([{ type: 'shell', inline: ['env'], environment_vars: items }]));
    return `stage '${stageName}': 10k environment_vars, one malformed`;
  },
  (doc, i, stageName) => {
    doc.setIn(['stages', i, 'from'], doc.createNode({ image: Array.from({ length: 10_000 }, (_, k) => `img${k}`) }));
    return `stage '${stageName}': from.image a 10k-item list instead of a string`;
  },
  (doc, i, stageName) => {
    doc.setIn(['stages', i, 'bakes'], doc.createNode(Array.from({ length: 10_000 }, (_, k) => `p${k % 9_999}`)));
    return `stage '${stageName}': 10k bakes, one listed twice`;
  },
  (doc, i, stageName, rng) => {
    const tags: Record<string, unknown> = Object.fromEntries(Array.from({ length: 10_000 }, (_, k) => [`t${k}`, `v${k}`]));
    tags[`t${rng.int(10_000)}`] = 7;
    doc.setIn(['stages', i, 'tags'], doc.createNode(tags));
    return `stage '${stageName}': 10k tags, one a number`;
  },
  (doc) => {
    doc.setIn(['variables', 'huge'], doc.createNode({ type: 'string', default: Array.from({ length: 10_000 }, (_, k) => `d${k}`) }));
    return 'a string variable with a 10k-item list as its default';
  },
  (doc, i, stageName) => {
    const stage = doc.getIn(['stages', i]);
    if (!isYamlMap(stage)) return undefined;
    // 2k, not 10k: each is a problem of its own, and 10k lines of output take the CLI about a second.
    for (let k = 0; k < 2_000; k++) stage.set(`u${k}`, k);
    return `stage '${stageName}': 2k unknown keys`;
  },
  (doc, _, stageName) => {
    const stages = doc.get('stages');
    if (!isSeq(stages)) return undefined;
    for (let k = 0; k < 500; k++) stages.items.push(doc.createNode({ name: `s${k}`, from: { stage: k === 0 ? stageName : `s${k - 1}` } }) as never);
    return '500 extra stages in a chain, none with a stage folder';
  },
  ...[100, 300, 1000].map((depth) => (doc: Document, i: number, stageName: string, rng: Rng) => {
    // Its playbook exists: the file has no other problem, so its templates are rendered.
    let value: unknown = '{{ var.deep_nope }}';
    for (let k = 0; k < depth; k++) value = rng.int(2) ? { level: value } : [value];
    doc.setIn(['stages', i, 'provisioners'], doc.createNode([{ type: 'ansible', playbook: `${stageName}/deep.yml`, vars: { deep: value } }]));
    extraFiles = { [`${stageName}/deep.yml`]: '- hosts: all\n  tasks: []\n' };
    return `stage '${stageName}': ansible vars nested ${depth} deep, an undefined variable at the bottom`;
  }),
  ...[1000, 20_000].map((depth) => (doc: Document, i: number) => {
    doc.setIn(['stages', i, 'tags'], PLACEHOLDER);
    placeholderText = `${'[ '.repeat(depth)}1${' ]'.repeat(depth)}`;
    return `stages[${i}].tags: flow lists nested ${depth} deep`;
  }),
  (doc, i, stageName) => {
    doc.setIn(['stages', i, 'provisioners'], doc.createNode([{ type: 'shell', inline: [`{{ ${'('.repeat(10_000)}1${')'.repeat(10_000)} }}`] }]));
    return `stage '${stageName}': a template with parentheses nested 10k deep`;
  },
];

/** Raw text replacing PLACEHOLDER, and files to write, when a huge mutation sets them. */
let placeholderText: string | undefined;
let extraFiles: Record<string, string> | undefined;

const hugeValue: Mutator = ({ seed, rng, variant }) => {
  const doc = parse(seed);
  const i = rng.int(seed.stageNames.length);
  placeholderText = undefined;
  extraFiles = undefined;
  const mutation = HUGE[variant % HUGE.length](doc, i, seed.stageNames[i], rng);
  if (!mutation) return undefined;
  return { content: placeholderText === undefined ? render(doc) : withRaw(doc, placeholderText), mutation, files: extraFiles };
};

const oddUnicode: Mutator = ({ seed, rng, variant }) => {
  const doc = parse(seed);
  const stages = stageEntries(doc);
  const i = rng.int(stages.length);
  const stageName = seed.stageNames[i];
  const insert = (text: string, mark: string) => {
    const at = 1 + rng.int(Math.max(1, text.length - 1));
    return text.slice(0, at) + mark + text.slice(at);
  };
  const renameKey = (path: Path, key: string, to: string) => {
    const parent = path.length === 0 ? doc.contents : doc.getIn(path, true);
    if (!isYamlMap(parent)) return false;
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
    if (!pair || !isScalar(pair.key)) return false;
    pair.key.value = to;
    return true;
  };
  const marks: [string, string][] = [
    ['\u200F', 'RIGHT-TO-LEFT MARK'],
    ['\u202E', 'RIGHT-TO-LEFT OVERRIDE'],
    ['\u200B', 'ZERO WIDTH SPACE'],
    ['\u200D', 'ZERO WIDTH JOINER'],
    ['\uFEFF', 'BYTE ORDER MARK'],
    ['\u00A0', 'NO-BREAK SPACE'],
    ['\u0301', 'COMBINING ACUTE ACCENT'],
    ['\u2028', 'LINE SEPARATOR'],
  ];
  switch (variant % 12) {
    case 0: {
      const [mark, what] = rng.pick(marks);
      const name = insert(stageName, mark);
      doc.setIn(['stages', i, 'name'], name);
      return { content: render(doc), mutation: `stages[${i}].name: ${what} inside` };
    }
    case 1: {
      const [mark, what] = rng.pick(marks);
      const key = rng.pick(['stages', 'builders', 'name', 'variables']);
      if (!renameKey([], key, insert(key, mark))) return undefined;
      return { content: render(doc), mutation: `top-level key '${key}': ${what} inside` };
    }
    case 2: {
      const [mark, what] = rng.pick(marks);
      const target = seed.stageNames[(i + 1) % seed.stageNames.length];
      doc.setIn(['stages', i, 'from'], doc.createNode({ stage: insert(target, mark) }));
      return { content: render(doc), mutation: `stages[${i}].from.stage '${target}': ${what} inside` };
    }
    case 3: {
      const emoji = rng.pick(['🚀', '🐳', '👍🏽', '🇩🇪', '👨‍👩‍👧']);
      doc.setIn(['stages', i, 'name'], `${stageName}-${emoji}`);
      return { content: render(doc), mutation: `stages[${i}].name: emoji ${emoji}` };
    }
    case 4: {
      const emoji = rng.pick(['🔥', '💾', '🐧']);
      const builders = (doc.toJS() as any).builders ?? {};
      const builder = rng.pick(Object.keys(builders));
      if (!renameKey(['builders'], builder, `${builder}${emoji}`)) return undefined;
      return { content: render(doc), mutation: `builder '${builder}' renamed with emoji ${emoji}` };
    }
    case 5: {
      // Bytes that are not UTF-8: a UTF-16 surrogate encoded on its own (CESU-8), or stray continuation bytes.
      const bytes = rng.pick([Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xed, 0xbf, 0xbf]), Buffer.from([0x80, 0x81]), Buffer.from([0xff, 0xfe])]);
      doc.setIn(['stages', i, 'name'], PLACEHOLDER);
      return { content: withRaw(doc, Buffer.concat([Buffer.from(stageName), bytes])), mutation: `stages[${i}].name: invalid UTF-8 bytes ${bytes.toString('hex')}` };
    }
    case 6: {
      const escape = rng.pick(['\\uD800', '\\uDFFF', '\\uDC00\\uD800']);
      doc.setIn(['stages', i, 'name'], PLACEHOLDER);
      return { content: withRaw(doc, `"${stageName}${escape}"`), mutation: `stages[${i}].name: lone surrogate escape ${escape}` };
    }
    case 7: {
      const nul = rng.int(2) ? '\u0000' : '\\0';
      doc.setIn(['stages', i, 'name'], PLACEHOLDER);
      return {
        content: withRaw(doc, nul === '\u0000' ? `${stageName}\u0000x` : `"${stageName}\\0x"`),
        mutation: `stages[${i}].name: NUL ${nul === '\u0000' ? 'byte' : 'escape'} inside`,
      };
    }
    case 8: {
      // BOM, then UTF-16: the whole file in an encoding the loader does not read.
      const le = rng.int(2) === 0;
      const body = Buffer.from(seed.text, 'utf16le');
      if (!le) body.swap16();
      return { content: Buffer.concat([Buffer.from(le ? [0xff, 0xfe] : [0xfe, 0xff]), body]), mutation: `the file in UTF-16${le ? 'LE' : 'BE'} with a BOM` };
    }
    case 9: {
      // BOM at the start is fine; one before a later key is not.
      const lines = seed.text.split('\n');
      const keyLines = lines.map((line, k) => ({ line, k })).filter(({ line }) => /^[a-z_]+:/.test(line) && !line.startsWith('name:'));
      const { k } = rng.pick(keyLines);
      lines[k] = `\uFEFF${lines[k]}`;
      return { content: `\uFEFF${lines.join('\n')}`, mutation: `BOM at the start and before line ${k + 1}` };
    }
    case 10: {
      // Homoglyphs: Cyrillic letters that look Latin.
      const swaps: Record<string, string> = { a: '\u0430', e: '\u0435', o: '\u043e', p: '\u0440', c: '\u0441' };
      const key = rng.pick(['stages', 'builders', 'name', 'variables']);
      const letter = [...key].find((ch) => swaps[ch]);
      if (!letter || !renameKey([], key, key.replace(letter, swaps[letter]))) return undefined;
      return { content: render(doc), mutation: `top-level key '${key}': Cyrillic '${letter}'` };
    }
    default: {
      const name = rng.pick(['ｏｓ-ｂａｓｅ', 'os‐base', 'ǅungla', 'İstanbul']);
      doc.setIn(['stages', i, 'name'], name);
      return { content: render(doc), mutation: `stages[${i}].name: look-alike characters '${name}'` };
    }
  }
};

const BROKEN_TEMPLATES = [
  '{{ var.x',
  '{{ var.x }',
  '{% if true %}yes',
  '{% endif %}',
  '{{ }}',
  '{{ var.x | }}',
  '{% raw %}{{ x }}',
  '{{ "unclosed }}',
  '{% for x in %}{% endfor %}',
  '{{ var.x ) }}',
  '{# never closed',
  '{{ var..x }}',
  '{{ 1 + }}',
  '{% set %}',
  '{{ var.x | nosuchfilter }}',
  '{% nosuchtag %}',
  '{{ isotime( }}',
  '{% block %}',
];

const templateSyntax: Mutator = ({ seed, rng }) => {
  const doc = parse(seed);
  const { path, node } = rng.pick(stringEntries(doc, (entry) => isTemplatePath(entry.path)));
  const original = String((node as { value: string }).value);
  const broken = rng.pick(BROKEN_TEMPLATES);
  const value = rng.int(2) ? broken : `${original} ${broken}`;
  doc.setIn(path, value);
  return { content: render(doc), mutation: `${pathText(path)}: '${broken}'` };
};

const undefinedName: Mutator = ({ seed, rng }) => {
  const doc = parse(seed);
  const data = doc.toJS() as any;
  const variables = Object.keys(data.variables ?? {});
  const candidates = [
    '{{ var.nope }}',
    '{{ nope }}',
    '{{ stage.nme }}',
    '{{ pipeline.id }}',
    '{{ env.HOME }}',
    '{{ env("PATH") }}',
    '{{ build.id }}',
    '{{ base.id }}',
    '{{ git.branch }}',
    '{% if not_defined %}x{% endif %}',
    '{{ var.nope | upper }}',
    '{{ ansible_hostname }}',
    '{{ item }}',
    ...variables.map((name) => `{{ var.${typo(name, rng)} }}`),
  ];
  const { path, node } = rng.pick(stringEntries(doc, (entry) => isTemplatePath(entry.path)));
  const original = String((node as { value: string }).value);
  const name = rng.pick(candidates);
  doc.setIn(path, rng.int(2) ? name : `${original} ${name}`);
  return { content: render(doc), mutation: `${pathText(path)}: '${name}'` };
};

const EMPTY_FILES: [string, string][] = [
  ['', 'zero bytes'],
  ['\n', 'one newline'],
  ['\n\n\n\n', 'newlines only'],
  ['   \n  \n', 'spaces only'],
  ['\r\n\r\n', 'CRLF newlines only'],
  ['# only a comment\n', 'a comment only'],
  ['---\n', 'a document start only'],
  ['---\n...\n', 'an empty document'],
  ['---\n# nothing here\n...\n', 'an empty document with a comment'],
  ['\uFEFF', 'a BOM only'],
  ['\uFEFF\n# BOM and a comment\n', 'a BOM and a comment'],
  ['~\n', 'null (~)'],
  ['null\n', 'null'],
  ['%YAML 1.2\n---\n', 'a directive and an empty document'],
  ['\t\n', 'a tab only'],
];

const emptyFile: Mutator = ({ seed, rng, variant }) => {
  if (variant % (EMPTY_FILES.length + 1) === EMPTY_FILES.length) {
    // The seed with everything but its comments removed.
    const comments = seed.text.split('\n').filter((line) => /^\s*#/.test(line));
    if (comments.length > 0) return { content: `${comments.join('\n')}\n`, mutation: 'the seed with only its comments kept', folders: false };
  }
  const [content, what] = rng.int(4) === 0 ? rng.pick(EMPTY_FILES) : EMPTY_FILES[variant % (EMPTY_FILES.length + 1)];
  return { content, mutation: what, folders: false };
};

/** The variants of `notAMap` made from the seed's text. */
const SEED_VARIANTS = new Set([8, 9, 10, 11, 15]);

const notAMap: Mutator = ({ seed, variant }) => {
  const doc = parse(seed);
  const data = doc.toJS() as any;
  const variants: (() => [string, string])[] = [
    () => ['- a\n- b\n', 'a list of strings'],
    () => ['[]\n', 'an empty flow list'],
    () => ['[name, stages]\n', 'a flow list of key names'],
    () => ['hello\n', 'a plain string'],
    () => ['42\n', 'a number'],
    () => ['true\n', 'a boolean'],
    () => ['"name: images"\n', 'a quoted string that looks like a map'],
    () => ['|\n  name: images\n  stages: []\n', 'a block scalar holding YAML'],
    () => [render(new Document(data.stages)), "the seed's stages list alone"],
    () => [
      seed.text
        .split('\n')
        .map((line, k) => (k === 0 ? `- ${line}` : `  ${line}`))
        .join('\n'),
      'the seed wrapped in a one-item list',
    ],
    () => [`${JSON.stringify(seed.text)}\n`, 'the seed as one JSON string'],
    () => [`${JSON.stringify(Object.entries(data))}\n`, "the seed's entries as a JSON list of pairs"],
    () => ['!!binary aGVsbG8=\n', 'a binary scalar'],
    () => ['&a [1, 2]\n', 'an anchored list'],
    () => ['2024-01-01\n', 'a date'],
    () => [`---\n${seed.text}\n---\nname: second\n`, 'two documents in one file'],
  ];
  const pick = variant % variants.length;
  const [content, what] = variants[pick]();
  // Only the seed's own variants need its stage folders: the rest are the same file whatever the seed.
  return { content, mutation: what, folders: SEED_VARIANTS.has(pick) };
};

const missingFile: Mutator = ({ seed, rng, variant }) => {
  const doc = parse(seed);
  const data = doc.toJS() as any;
  const fileKeys = stringEntries(doc, (entry) => ['playbook', 'script', 'source', 'vars_template', 'galaxy_file'].includes(String(entry.path[entry.path.length - 1])));
  const stages = stageEntries(doc);
  const i = rng.int(stages.length);
  const stageName = seed.stageNames[i];
  const add = (provisioner: Record<string, unknown>) => {
    const list = doc.getIn(['stages', i, 'provisioners']);
    if (isSeq(list)) list.items.push(doc.createNode(provisioner) as never);
    else doc.setIn(['stages', i, 'provisioners'], doc.createNode([provisioner]));
  };
  // A stage that bakes projects may point outside its folder (build outputs): keep those paths inside.
  const local = (file: string) => `${stageName}/${file}`;
  switch (variant % 9) {
    case 0: {
      const candidates = fileKeys.filter((entry) => !String((entry.node as { value: string }).value).startsWith('..'));
      if (candidates.length === 0) return undefined;
      const { path, node } = rng.pick(candidates);
      const value = String((node as { value: string }).value);
      const renamed = value.replace(/[^/]+$/, (base) => typo(base, rng));
      doc.setIn(path, renamed);
      return { content: render(doc), mutation: `${pathText(path)}: '${value}' -> '${renamed}' (no such file)` };
    }
    case 1: {
      const candidates = fileKeys
        .map((entry) => String((entry.node as { value: string }).value))
        .filter((value) => !value.startsWith('..') && existsSync(join(REPO_ROOT, seed.dir, value)) && statSync(join(REPO_ROOT, seed.dir, value)).isFile());
      if (candidates.length === 0) return undefined;
      const file = rng.pick(candidates);
      return { content: seed.text, mutation: `the provisioner file ${file} is not there`, remove: [file] };
    }
    case 2:
      add({ type: 'shell', script: local('setup.sh') });
      return { content: render(doc), mutation: `stage '${stageName}': shell script ${local('setup.sh')} missing` };
    case 3:
      add({ type: 'shell', scripts: [local('one.sh'), local('two.sh')] });
      return { content: render(doc), mutation: `stage '${stageName}': shell scripts missing` };
    case 4:
      add({ type: 'file', source: rng.pick([local('motd'), local('conf.d/'), '/nonexistent/nx-bake/file']), destination: '/etc/motd' });
      return { content: render(doc), mutation: `stage '${stageName}': file source missing` };
    case 5:
      add({ type: 'ansible', playbook: local('site.yml'), [rng.pick(['vars_template', 'galaxy_file'])]: local('extra.yml') });
      return { content: render(doc), mutation: `stage '${stageName}': ansible playbook and its extra file missing` };
    case 6: {
      // The whole stage folder gone: the stage cannot be an Nx project.
      const folder = seed.folders.includes(stageName) ? stageName : undefined;
      return { content: seed.text, mutation: `stage folder ${stageName}/ missing`, remove: [folder ?? stageName] };
    }
    case 7:
      add({ type: 'shell', script: '../../outside-the-pipeline.sh' });
      if (data.stages[i].bakes) doc.deleteIn(['stages', i, 'bakes']);
      return { content: render(doc), mutation: `stage '${stageName}': script outside the pipeline folder missing` };
    default:
      add({ type: 'file', sources: [local('a.txt'), local('b.txt')], destination: '/tmp/' });
      return { content: render(doc), mutation: `stage '${stageName}': file sources missing` };
  }
};

const MUTATORS: Record<PipelineKind, Mutator> = {
  'deleted-key': deletedKey,
  'renamed-key': renamedKey,
  'wrong-type': wrongType,
  'yaml-syntax': yamlSyntax,
  'bad-reference': badReference,
  cycle,
  'huge-value': hugeValue,
  'odd-unicode': oddUnicode,
  'template-syntax': templateSyntax,
  'undefined-name': undefinedName,
  'empty-file': emptyFile,
  'not-a-map': notAMap,
  'missing-file': missingFile,
};

// ---------------------------------------------------------------------------------------------------
// Checking: the CLI's validation, in process.

export type Verdict = { valid: true } | { valid: false; crash?: string; ms: number; problems: number };

/** `validatePipeline` as `nx-bake validate` runs it from the repo root (the workspace root: nx.json). */
export function check(pipelineFile: string, vars: string[] = [], varFiles: string[] = []): Verdict {
  const start = Date.now();
  try {
    validatePipeline({
      workspaceRoot: REPO_ROOT,
      pipelineFile: toPosix(relative(REPO_ROOT, pipelineFile)),
      vars,
      varFiles: varFiles.map((file) => resolve(file)),
      requireStageFolders: true,
      env: cleanEnv(),
    });
    return { valid: true };
  } catch (error) {
    const ms = Date.now() - start;
    if (error instanceof PipelineError) return { valid: false, ms, problems: error.diagnostics.length };
    return { valid: false, ms, problems: 0, crash: error instanceof Error ? `${error.name}: ${error.message.slice(0, 200)}` : String(error) };
  }
}

/** The environment without BAKE_VAR_* (they would set variables). */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('BAKE_VAR_')));
}

const toPosix = (path: string): string => path.split(sep).join('/');

function copySeedFolders(seed: Seed, dir: string): void {
  for (const folder of seed.folders) cpSync(join(REPO_ROOT, seed.dir, folder), join(dir, folder), { recursive: true });
  for (const stage of seed.stageNames) {
    if (!seed.folders.includes(stage)) {
      mkdirSync(join(dir, stage), { recursive: true });
      writeFileSync(join(dir, stage, '.gitkeep'), '');
    }
  }
}

/** Sensitive defaults still declared sensitive, with the same value, in the mutant: they must not be printed. */
function canariesOf(seed: Seed, content: string | Buffer): string[] {
  if (Object.keys(seed.secrets).length === 0) return [];
  try {
    const doc = parseDocument(content.toString(), { merge: true });
    if (doc.errors.length > 0) return [];
    const data = doc.toJS({ maxAliasCount: 1000 }) as any;
    return Object.entries(seed.secrets)
      .filter(([name, value]) => data?.variables?.[name]?.sensitive === true && data.variables[name].default === value)
      .map(([, value]) => value);
  } catch {
    return [];
  }
}

function writeCase(dir: string, entry: CorpusCase): void {
  writeFileSync(join(dir, 'case.json'), `${JSON.stringify(entry, null, 2)}\n`);
}

interface Options {
  seed: number;
  perKind: number;
  out: string;
  log: (line: string) => void;
}

export function makeCorpus(options: Options): { counts: Record<string, number>; crashes: string[]; slow: string[] } {
  const { out, log } = options;
  const rng = new Rng(options.seed);
  const seeds = SEED_DIRS.map(loadSeed);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });

  // The seeds must be valid as the CLI checks them (with their stage folders), or no mutant means anything.
  for (const seed of seeds) {
    const dir = join(out, `seed-check-${seed.name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'pipeline.yaml'), seed.text);
    copySeedFolders(seed, dir);
    const verdict = check(join(dir, 'pipeline.yaml'));
    rmSync(dir, { recursive: true, force: true });
    if (!verdict.valid) throw new Error(`seed ${seed.dir} is not valid as a corpus seed`);
  }

  const counts: Record<string, number> = {};
  const crashes: string[] = [];
  const slow: string[] = [];
  let number = 0;
  const note = (name: string, verdict: Verdict) => {
    if (verdict.valid) return;
    if (verdict.crash) crashes.push(`${name}: ${verdict.crash}`);
    if (verdict.ms > 500) slow.push(`${name}: ${verdict.ms} ms`);
  };

  for (const kind of PIPELINE_KINDS) {
    const seen = new Set<string>();
    let made = 0;
    let dropped = 0;
    // Every huge-value variant once at least.
    const target = kind === 'huge-value' ? Math.max(options.perKind, HUGE.length) : options.perKind;
    for (let attempt = 0; made < target && attempt < target * 40; attempt++) {
      const seed = seeds[rng.int(seeds.length)];
      const name = `${String(number + 1).padStart(3, '0')}-${kind}`;
      const pipelineName = seed.explicitName ?? name;
      let mutant: Mutant | undefined;
      try {
        mutant = MUTATORS[kind]({ seed, rng, pipelineName, variant: attempt });
      } catch {
        // Not writable as YAML (e.g. an alias whose anchor was deleted): draw another.
        continue;
      }
      if (!mutant) continue;
      // The same file (with the same folders next to it) twice is one case.
      const key = `${mutant.folders === false ? '' : seed.name}\u0000${(mutant.remove ?? []).join()}\u0000${createHash('sha1').update(mutant.content).digest('hex')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const dir = join(out, name);
      mkdirSync(dir, { recursive: true });
      if (mutant.folders !== false) copySeedFolders(seed, dir);
      for (const file of mutant.remove ?? []) rmSync(join(dir, file), { recursive: true, force: true });
      for (const [file, content] of Object.entries(mutant.files ?? {})) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        writeFileSync(join(dir, file), content);
      }
      writeFileSync(join(dir, 'pipeline.yaml'), mutant.content);
      const verdict = check(join(dir, 'pipeline.yaml'));
      if (verdict.valid) {
        // Still a valid pipeline: not a broken input. Draw another.
        rmSync(dir, { recursive: true, force: true });
        dropped++;
        continue;
      }
      note(name, verdict);
      writeCase(dir, {
        kind,
        seed: seed.dir,
        mutation: brief(mutant.mutation),
        vars: [],
        varFiles: [],
        expectFile: 'pipeline.yaml',
        canaries: canariesOf(seed, mutant.content),
      });
      number++;
      made++;
    }
    counts[kind] = made;
    log(`${kind}: ${made} (dropped ${dropped} that still validated)`);
  }

  const varCounts = makeVarCases(join(out, 'vars'), rng, options.perKind, (name, verdict) => note(`vars/${name}`, verdict));
  for (const [kind, count] of Object.entries(varCounts)) {
    counts[kind] = count;
    log(`${kind}: ${count}`);
  }
  writeFileSync(join(out, 'README.md'), readme(options.seed, counts));
  return { counts, crashes, slow };
}

// ---------------------------------------------------------------------------------------------------
// Bad --var values and var files, against one valid pipeline with typed and sensitive variables.

const VARS_PIPELINE = `# Typed variables, two of them sensitive: their values must never be printed.
name: vars-cases
variables:
  region: { type: string, default: eu-west-1 }
  replicas: { type: number, default: 2 }
  debug: { type: boolean, default: false }
  zones: { type: list, default: [a, b] }
  labels: { type: map, default: { team: infra } }
  token: { type: string, sensitive: true }
  pin: { type: number, sensitive: true, default: 1234 }
builders:
  local: { type: docker }
stages:
  - name: base
    from: { image: "debian:{{ var.region }}" }
    provisioners:
      - type: shell
        environment_vars: ["TOKEN={{ var.token }}", "PIN={{ var.pin }}"]
        inline: ["echo {{ var.replicas }} {{ var.debug }} {{ var.zones | join(',') }} {{ var.labels.team }}"]
`;

/** The good var file every case also passes, so that `token` (required) holds the canary. */
const SECRETS_FILE = `token: ${CANARY}\n`;

interface VarCase {
  kind: VarKind;
  mutation: string;
  vars?: string[];
  /** Var files written next to the pipeline, name → content. */
  files?: Record<string, string>;
  /** Which of `files` is broken (expected in the output); `--var` when absent. */
  broken?: string;
}

function varCases(rng: Rng): VarCase[] {
  const secret = `"${CANARY}"`;
  const cases: VarCase[] = [
    // Wrong types through --var.
    { kind: 'var-wrong-type', mutation: 'number given a word', vars: ['replicas=two'] },
    { kind: 'var-wrong-type', mutation: 'number given a trailing unit', vars: ['replicas=3x'] },
    { kind: 'var-wrong-type', mutation: 'number given nothing', vars: ['replicas='] },
    { kind: 'var-wrong-type', mutation: 'boolean given yes', vars: ['debug=yes'] },
    { kind: 'var-wrong-type', mutation: 'boolean given 1', vars: ['debug=1'] },
    { kind: 'var-wrong-type', mutation: 'list given a scalar', vars: ['zones=a'] },
    { kind: 'var-wrong-type', mutation: 'list given a map', vars: ['zones={a: 1}'] },
    { kind: 'var-wrong-type', mutation: 'list given broken YAML', vars: ['zones=[a, b'] },
    { kind: 'var-wrong-type', mutation: 'map given a list', vars: ['labels=[a]'] },
    { kind: 'var-wrong-type', mutation: 'map given a scalar', vars: ['labels=team'] },
    { kind: 'var-wrong-type', mutation: 'sensitive number given the canary', vars: [`pin=${CANARY}`] },
    { kind: 'var-wrong-type', mutation: 'several wrong, one right', vars: ['region=us-east-1', 'replicas=NaN', 'debug=maybe', `pin=${CANARY}`] },
    // Unknown names.
    { kind: 'var-unknown', mutation: 'typo of a name', vars: ['regoin=us-east-1'] },
    { kind: 'var-unknown', mutation: 'case of a name', vars: ['Region=us-east-1'] },
    { kind: 'var-unknown', mutation: 'undeclared name', vars: ['colour=blue'] },
    { kind: 'var-unknown', mutation: 'undeclared name holding the canary', vars: [`api_key=${CANARY}`] },
    { kind: 'var-unknown', mutation: 'empty name', vars: ['=value'] },
    { kind: 'var-unknown', mutation: 'name with a dot', vars: ['labels.team=ops'] },
    { kind: 'var-unknown', mutation: 'typo of a sensitive name, with the canary', vars: [`tokn=${CANARY}`] },
    { kind: 'var-unknown', mutation: 'env-style name', vars: ['BAKE_VAR_region=x'] },
    // Malformed.
    { kind: 'var-malformed', mutation: 'a name without =', vars: ['region'] },
    { kind: 'var-malformed', mutation: 'name:value instead of name=value, the canary as value', vars: [`token:${CANARY}`] },
    { kind: 'var-malformed', mutation: 'an empty --var', vars: [''] },
    { kind: 'var-malformed', mutation: 'a bare =', vars: ['='] },
    { kind: 'var-malformed', mutation: 'a value without a name, the canary', vars: [CANARY] },
    { kind: 'var-malformed', mutation: 'a space instead of =', vars: ['region us-east-1'] },
    { kind: 'var-malformed', mutation: 'a good one then a malformed one', vars: ['region=x', 'replicas'] },
    // Var files: broken YAML.
    { kind: 'varfile-broken-yaml', mutation: 'unclosed double quote on the secret', files: { 'bad.yaml': `token: ${secret.slice(0, -1)}\nregion: x\n` } },
    { kind: 'varfile-broken-yaml', mutation: "unclosed single quote", files: { 'bad.yaml': `region: 'eu-west-1\nreplicas: 3\n` } },
    { kind: 'varfile-broken-yaml', mutation: 'bad indentation', files: { 'bad.yaml': `region: x\n  replicas: 3\n` } },
    { kind: 'varfile-broken-yaml', mutation: 'tab indentation', files: { 'bad.yaml': `labels:\n\tteam: ops\n` } },
    { kind: 'varfile-broken-yaml', mutation: 'duplicate key, the secret twice', files: { 'bad.yaml': `token: ${CANARY}\ntoken: ${CANARY}-2\n` } },
    { kind: 'varfile-broken-yaml', mutation: 'unclosed flow list', files: { 'bad.yaml': `zones: [a, b\nregion: x\n` } },
    { kind: 'varfile-broken-yaml', mutation: 'unclosed flow map holding the secret', files: { 'bad.yaml': `labels: { secret: ${CANARY}\n` } },
    { kind: 'varfile-broken-yaml', mutation: 'broken JSON', files: { 'bad.json': `{"region": "x", "token": ${secret},}\n` } },
    { kind: 'varfile-broken-yaml', mutation: 'JSON with a missing brace', files: { 'bad.json': `{"region": "x"\n` } },
    { kind: 'varfile-broken-yaml', mutation: 'two documents', files: { 'bad.yaml': `region: x\n---\nregion: y\n` } },
    { kind: 'varfile-broken-yaml', mutation: 'alias to an unknown anchor', files: { 'bad.yaml': `region: *nowhere\n` } },
    // Var files: unknown keys.
    { kind: 'varfile-unknown-key', mutation: 'typo of a name', files: { 'bad.yaml': `regoin: x\n` } },
    { kind: 'varfile-unknown-key', mutation: 'typo of the sensitive name, with the canary', files: { 'bad.yaml': `tokne: ${CANARY}\n` } },
    { kind: 'varfile-unknown-key', mutation: 'undeclared names', files: { 'bad.yaml': `colour: blue\nsize: 3\n` } },
    { kind: 'varfile-unknown-key', mutation: 'nested under a key', files: { 'bad.yaml': `variables:\n  region: x\n` } },
    { kind: 'varfile-unknown-key', mutation: 'JSON with an unknown key', files: { 'bad.json': `{"region": "x", "replica": 3}\n` } },
    { kind: 'varfile-unknown-key', mutation: 'a number as a key', files: { 'bad.yaml': `42: x\n` } },
    { kind: 'varfile-unknown-key', mutation: 'zero-width space in a name', files: { 'bad.yaml': `reg\u200Bion: x\n` } },
    // Var files: wrong types.
    { kind: 'varfile-wrong-type', mutation: 'map for a string', files: { 'bad.yaml': `region: { a: 1 }\n` } },
    { kind: 'varfile-wrong-type', mutation: 'list for a number', files: { 'bad.yaml': `replicas: [1, 2]\n` } },
    { kind: 'varfile-wrong-type', mutation: 'string for a boolean', files: { 'bad.yaml': `debug: "maybe"\n` } },
    { kind: 'varfile-wrong-type', mutation: 'number for a list', files: { 'bad.yaml': `zones: 3\n` } },
    { kind: 'varfile-wrong-type', mutation: 'list for a map', files: { 'bad.yaml': `labels: [team, ops]\n` } },
    { kind: 'varfile-wrong-type', mutation: 'the canary for a sensitive number', files: { 'bad.yaml': `pin: ${CANARY}\n` } },
    { kind: 'varfile-wrong-type', mutation: 'a map holding the canary for the sensitive string', files: { 'bad.yaml': `token: { value: ${CANARY} }\n` } },
    { kind: 'varfile-wrong-type', mutation: 'null for a number', files: { 'bad.yaml': `replicas: null\n` } },
    { kind: 'varfile-wrong-type', mutation: 'JSON: string for a number', files: { 'bad.json': `{"replicas": "three"}\n` } },
    // Var files that are not maps.
    { kind: 'varfile-not-a-map', mutation: 'a list', files: { 'bad.yaml': `- region=x\n- replicas=3\n` } },
    { kind: 'varfile-not-a-map', mutation: 'a scalar', files: { 'bad.yaml': `region\n` } },
    { kind: 'varfile-not-a-map', mutation: 'the canary alone', files: { 'bad.yaml': `${CANARY}\n` } },
    { kind: 'varfile-not-a-map', mutation: 'a JSON list', files: { 'bad.json': `[{"region": "x"}]\n` } },
    { kind: 'varfile-not-a-map', mutation: 'a shell env file', files: { 'bad.env': `REGION=x\nTOKEN=${CANARY}\n` } },
    { kind: 'varfile-not-a-map', mutation: 'a file that does not exist', files: {}, broken: 'missing.yaml' },
  ];
  // A few combinations, drawn from the rest: a bad --var with a broken var file.
  const flagCases = cases.filter((entry) => entry.vars);
  const fileCases = cases.filter((entry) => entry.files && Object.keys(entry.files).length);
  for (let k = 0; k < 6; k++) {
    const flag = rng.pick(flagCases);
    const file = rng.pick(fileCases);
    cases.push({ kind: file.kind, mutation: `${file.mutation}; and --var: ${flag.mutation}`, vars: flag.vars, files: file.files });
  }
  return cases;
}

function makeVarCases(out: string, rng: Rng, perKind: number, note: (name: string, verdict: Verdict) => void): Record<string, number> {
  const counts: Record<string, number> = Object.fromEntries(VAR_KINDS.map((kind) => [kind, 0]));
  let number = 0;
  for (const entry of varCases(rng)) {
    if (counts[entry.kind] >= perKind) continue;
    const name = `${String(number + 1).padStart(3, '0')}-${entry.kind}`;
    const dir = join(out, name);
    mkdirSync(join(dir, 'base'), { recursive: true });
    writeFileSync(join(dir, 'base', '.gitkeep'), '');
    writeFileSync(join(dir, 'pipeline.yaml'), VARS_PIPELINE);
    writeFileSync(join(dir, 'secrets.yaml'), SECRETS_FILE);
    for (const [file, content] of Object.entries(entry.files ?? {})) writeFileSync(join(dir, file), content);
    const varFiles = ['secrets.yaml', ...Object.keys(entry.files ?? {}), ...(entry.broken ? [entry.broken] : [])];
    const vars = entry.vars ?? [];
    const verdict = check(
      join(dir, 'pipeline.yaml'),
      vars,
      varFiles.map((file) => join(dir, file)),
    );
    if (verdict.valid) {
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    note(name, verdict);
    const brokenFile = entry.broken ?? Object.keys(entry.files ?? {})[0];
    writeCase(dir, {
      kind: entry.kind,
      seed: 'vars-cases',
      mutation: entry.mutation,
      vars,
      varFiles,
      expectFile: brokenFile ?? '--var',
      canaries: [CANARY],
    });
    counts[entry.kind]++;
    number++;
  }
  return counts;
}

function readme(seed: number, counts: Record<string, number>): string {
  const pipelines = PIPELINE_KINDS.reduce((sum, kind) => sum + (counts[kind] ?? 0), 0);
  const vars = VAR_KINDS.reduce((sum, kind) => sum + (counts[kind] ?? 0), 0);
  return `# Broken-input corpus

Generated by \`packages/nx-bake/test/reliability/make-broken-corpus.ts\` (seed ${seed}); checked in so that
every failure reproduces. Do not edit by hand: change the generator and regenerate:

    npx ts-node -P packages/nx-bake/tsconfig.spec.json --transpile-only \\
      packages/nx-bake/test/reliability/make-broken-corpus.ts --seed ${seed}

Each \`<NNN-kind>/\` folder is a mutant of a valid example pipeline (${pipelines} of them) that
\`validatePipeline\` rejects; \`case.json\` says what was changed. \`vars/<NNN-kind>/\` (${vars}) are bad
\`--var\` values and var files against a valid pipeline whose sensitive variables hold a canary value. Run one:

    node packages/nx-bake/dist/cli/main.js validate packages/nx-bake/test/fixtures/broken-corpus/<entry>/pipeline.yaml \\
      [--var <each of case.json vars>] [--var-file <entry>/<each of case.json varFiles>]

Counts by kind:

${Object.entries(counts)
  .map(([kind, count]) => `- ${kind}: ${count}`)
  .join('\n')}
`;
}

// ---------------------------------------------------------------------------------------------------

if (require.main === module) {
  const argv = process.argv.slice(2);
  const option = (name: string, fallback: number) => {
    const at = argv.indexOf(name);
    return at >= 0 ? Number(argv[at + 1]) : fallback;
  };
  const result = makeCorpus({ seed: option('--seed', 1), perKind: option('--per-kind', 20), out: CORPUS, log: (line) => console.log(line) });
  const pipelines = PIPELINE_KINDS.reduce((sum, kind) => sum + result.counts[kind], 0);
  console.log(`broken pipelines: ${pipelines}; var cases: ${VAR_KINDS.reduce((sum, kind) => sum + result.counts[kind], 0)}`);
  for (const line of result.slow) console.log(`slow to validate: ${line}`);
  for (const line of result.crashes) console.log(`CRASH (not a PipelineError): ${line}`);
  if (pipelines < 200) {
    console.error(`only ${pipelines} broken pipelines (at least 200 wanted)`);
    process.exitCode = 1;
  }
}
