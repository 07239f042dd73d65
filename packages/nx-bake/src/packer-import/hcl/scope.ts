/** What translating an expression needs around it: where it is, where notes go, and the names in reach. */
import type { SourcePosition } from '../../pipeline/types';
import type { ImportNote } from '../template';
import type { SyntaxNode } from './parser';
import type { Translated } from './translated';

/** A `locals` entry or `local` block: inlined wherever it is referenced (pipelines have no locals). */
export interface LocalDefinition {
  expression: SyntaxNode;
  /** The file it is written in, for the positions of notes inside it. */
  file: string;
}

/** What a variable's value is at import time: its default, or a folder's auto var file value. */
export interface VariableValue extends LocalDefinition {
  /** Where the value comes from, as a note says it. */
  origin: string;
}

export interface Scope {
  /** The file the nodes being translated are in, as the report names it. */
  file: string;
  /** The template's folder, for `file()` at import time. */
  dir: string;
  notes: ImportNote[];
  /** Environment variables read through `env()`. */
  env: Set<string>;
  locals: Map<string, LocalDefinition>;
  /** Variables' values at import, for what is worked out then (for expressions). */
  variableValues: Map<string, VariableValue>;
  /** Go template fields (`{{ .Path }}`) Packer fills in the literal text of the field being read, as pipeline names. */
  dotFields?: Readonly<Record<string, string>>;
  /** The names a for expression binds, while its body is translated. */
  bindings?: ReadonlyMap<string, Translated>;
  /** Locals being inlined right now: a local that refers to itself is noted, not followed forever. */
  inlining: ReadonlySet<string>;
  /** What `source.type` and `source.name` stand for: the source of the block or the first of the build. */
  source?: { type: string; name: string; ofSeveral: boolean };
}

export function positionOf(scope: Scope, node: SyntaxNode): SourcePosition {
  return { file: scope.file, line: node.startPosition.row + 1, col: node.startPosition.column + 1 };
}

export function note(scope: Scope, node: SyntaxNode, kind: ImportNote['kind'], message: string): void {
  const at = positionOf(scope, node);
  // A local inlined in several places reports its note once.
  const known = scope.notes.some((other) => other.message === message && other.kind === kind && other.at.file === at.file && other.at.line === at.line && other.at.col === at.col);
  if (!known) scope.notes.push({ at, kind, message });
}

/** The named children of a node (tree-sitter types them as possibly null). */
export function namedChildren(node: SyntaxNode): SyntaxNode[] {
  return node.namedChildren.filter((child): child is SyntaxNode => child !== null);
}

export function children(node: SyntaxNode): SyntaxNode[] {
  return node.children.filter((child): child is SyntaxNode => child !== null);
}
