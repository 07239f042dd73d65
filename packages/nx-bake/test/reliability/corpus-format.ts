/** What the broken-input corpus is made of: shared by its generator and `bad-input.test.ts` (no pipeline code here). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
export const CORPUS = resolve(__dirname, '..', 'fixtures', 'broken-corpus');
/** The value given to sensitive variables in the var cases: it must never be printed. */
export const CANARY = 'canary-5f3e9a1c-never-print';

export const PIPELINE_KINDS = [
  'deleted-key',
  'renamed-key',
  'wrong-type',
  'yaml-syntax',
  'bad-reference',
  'cycle',
  'huge-value',
  'odd-unicode',
  'template-syntax',
  'undefined-name',
  'empty-file',
  'not-a-map',
  'missing-file',
] as const;
export type PipelineKind = (typeof PIPELINE_KINDS)[number];

export const VAR_KINDS = ['var-wrong-type', 'var-unknown', 'var-malformed', 'varfile-broken-yaml', 'varfile-unknown-key', 'varfile-wrong-type', 'varfile-not-a-map'] as const;
export type VarKind = (typeof VAR_KINDS)[number];

/** `case.json` of a corpus entry. Paths are relative to the entry's folder. */
export interface CorpusCase {
  kind: PipelineKind | VarKind;
  /** The valid example it was made from. */
  seed: string;
  /** What was changed (long values abbreviated). */
  mutation: string;
  /** Extra arguments of `nx-bake validate <folder>/pipeline.yaml` (file names relative to the folder). */
  vars: string[];
  varFiles: string[];
  /** The file the problems must be reported in: `pipeline.yaml`, a var file, or `--var`. */
  expectFile: string;
  /** A sensitive variable's value present in the input that must not appear in the output. */
  canaries: string[];
}

export interface CorpusEntry {
  /** `042-cycle` or `vars/007-var-unknown`. */
  name: string;
  /** The entry's folder relative to the repo root (posix). */
  dir: string;
  case: CorpusCase;
}

/** The corpus entries on disk, in order: pipelines, then var cases. */
export function corpusEntries(corpus = CORPUS): CorpusEntry[] {
  const list = (folder: string, prefix: string): CorpusEntry[] =>
    existsSync(folder)
      ? readdirSync(folder)
          .filter((name) => /^\d{3}-/.test(name))
          .sort()
          .map((name) => ({
            name: `${prefix}${name}`,
            dir: relative(REPO_ROOT, join(folder, name)).split(sep).join('/'),
            case: JSON.parse(readFileSync(join(folder, name, 'case.json'), 'utf8')) as CorpusCase,
          }))
      : [];
  return [...list(corpus, ''), ...list(join(corpus, 'vars'), 'vars/')];
}

/** The arguments of `nx-bake` that run an entry, from the repo root. */
export function cliArgs(entry: CorpusEntry): string[] {
  return [
    'validate',
    `${entry.dir}/pipeline.yaml`,
    ...entry.case.vars.flatMap((value) => ['--var', value]),
    ...entry.case.varFiles.flatMap((file) => ['--var-file', `${entry.dir}/${file}`]),
  ];
}

/** The file (as the CLI is given it) where the entry's problems must be reported, or `--var`. */
export function expectedFile(entry: CorpusEntry): string {
  return entry.case.expectFile === '--var' ? '--var' : `${entry.dir}/${entry.case.expectFile}`;
}
