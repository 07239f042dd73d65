/**
 * Positions of YAML nodes in the original pipeline file. The loader registers one `YamlSource` per
 * loaded `Pipeline` (in a WeakMap, so `Pipeline` stays plain JSON data); `positionOf` answers for a
 * path in the ORIGINAL document, e.g. `['stages', 1, 'provisioners', 0, 'vars', 'motd']`.
 */
import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { Pipeline, SourcePosition } from './types';

export type Path = readonly (string | number)[];

/** Where a path points: the value's position, its key's position, or `auto` (see `YamlSource.position`). */
export type PositionMode = 'value' | 'key' | 'auto';

interface Located {
  node: Node | null | undefined;
  /** Key node of the last map entry walked, when the last segment reached was a map key. */
  key?: Node | null;
  /** Whether the whole path exists in the document. */
  complete: boolean;
}

export class YamlSource {
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lineCounter: LineCounter,
    /** Absolute workspace root the file was loaded from. */
    readonly workspaceRoot?: string,
  ) {}

  /** 1-based line and column of a character offset. */
  at(offset: number): SourcePosition {
    const { line, col } = this.lineCounter.linePos(offset);
    return { file: this.file, line, col };
  }

  /**
   * Position of the node at `path`; when the path does not exist, of its deepest existing ancestor.
   * `auto` (the default): the value for scalars and flow collections, the key for map entries whose
   * value is a block collection or empty (the key line is where the entry is written).
   */
  position(path: Path, mode: PositionMode = 'auto'): SourcePosition {
    const { node, key } = this.locate(path);
    const keyOffset = key?.range?.[0];
    const valueOffset = node?.range?.[0];
    let offset: number | undefined;
    if (mode === 'key') offset = keyOffset ?? valueOffset;
    else if (mode === 'value') offset = valueOffset ?? keyOffset;
    else {
      const block = isCollection(node) && !node.flow;
      offset = keyOffset !== undefined && (block || node == null) ? keyOffset : (valueOffset ?? keyOffset);
    }
    return offset === undefined ? { file: this.file, line: 1, col: 1 } : this.at(offset);
  }

  /** Whether `path` exists in the document. */
  has(path: Path): boolean {
    return this.locate(path).complete;
  }

  locate(path: Path): Located {
    let node = this.resolve(this.doc.contents as Node | null);
    let key: Node | null | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = findPair(this, node, segment);
        if (!pair) return { node, key, complete: false };
        key = pair.key as Node | null;
        node = this.resolve(pair.value as Node | null);
      } else if (isSeq(node) && typeof segment === 'number' && segment >= 0 && segment < node.items.length) {
        key = undefined;
        node = this.resolve(node.items[segment] as Node | null);
      } else {
        return { node, key, complete: false };
      }
    }
    return { node, key, complete: true };
  }

  resolve(node: Node | null | undefined): Node | null | undefined {
    for (let depth = 0; isAlias(node) && depth < 100; depth++) node = node.resolve(this.doc) as Node | undefined;
    return node;
  }
}

function keyText(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  // A merge key's value is a symbol (`Symbol(<<)`); its source is `<<`.
  return typeof key.value === 'symbol' ? key.source : String(key.value);
}

/** Each map's entries by key, built on first use: looking a key up must not scan a map of 10k keys each time. */
const entryIndex = new WeakMap<object, Map<string, { key: unknown; value: unknown }>>();

function entriesOf(map: { items: unknown[] }): Map<string, { key: unknown; value: unknown }> {
  let index = entryIndex.get(map);
  if (!index) {
    index = new Map();
    // A duplicate key is an error of its own; `toJS` keeps the last entry, so point at that one.
    for (const pair of map.items) {
      const text = isPair(pair) ? keyText(pair.key) : undefined;
      if (text !== undefined) index.set(text, pair as { key: unknown; value: unknown });
    }
    entryIndex.set(map, index);
  }
  return index;
}

/** The entry for `segment` in a map, looking through YAML merge keys (`<<: *anchor`) like `toJS` does. */
function findPair(source: YamlSource, map: Node, segment: string | number, depth = 0): { key: unknown; value: unknown } | undefined {
  if (!isMap(map) || depth > 20) return undefined;
  const wanted = String(segment);
  const found = entriesOf(map).get(wanted);
  if (found) return found;
  for (const pair of map.items) {
    if (isPair(pair) && keyText(pair.key) === '<<') {
      const value = source.resolve(pair.value as Node);
      const sources = isSeq(value) ? value.items.map((item) => source.resolve(item as Node)) : [value];
      for (const merged of sources) {
        const inner = merged ? findPair(source, merged, segment, depth + 1) : undefined;
        if (inner) return inner;
      }
    }
  }
  return undefined;
}

const sources = new WeakMap<object, YamlSource>();

/** Called by the loader: remembers where `pipeline` came from. */
export function registerSource(pipeline: Pipeline, source: YamlSource): void {
  sources.set(pipeline, source);
}

export function sourceOf(pipeline: Pipeline): YamlSource | undefined {
  return sources.get(pipeline);
}

/**
 * Position of the YAML node at `path` in the pipeline's original document (see `YamlSource.position`
 * for `mode`). For a pipeline the loader did not produce, or a path that does not exist, the closest
 * position known (at worst the start of the pipeline file).
 */
export function positionOf(pipeline: Pipeline, path: Path, mode: PositionMode = 'auto'): SourcePosition {
  const source = sources.get(pipeline);
  return source ? source.position(path, mode) : { file: pipeline.file, line: 1, col: 1 };
}
