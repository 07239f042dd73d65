/**
 * The stage graph: each stage has at most one parent (its `from: { stage }`), in its own pipeline or
 * another one. Cycles are printed in build order, parent first: `a -> b` means b is built from a.
 */
import { diagnostic, PipelineError } from './diagnostics';
import { positionOf } from './positions';
import type { Pipeline } from './types';

export interface StageRef {
  pipeline: string;
  stage: string;
}

export const refKey = (ref: StageRef): string => `${ref.pipeline}/${ref.stage}`;

/**
 * Cycles of a graph where every node has at most one parent, each found once. A cycle is listed in
 * build order (each node is the parent of the next, the last is the parent of the first), starting at
 * the node that comes first in `nodes`.
 */
export function findCyclesBy<N>(nodes: readonly N[], parent: (node: N) => N | undefined, key: (node: N) => string): N[][] {
  const order = new Map(nodes.map((node, i) => [key(node), i]));
  const walkOf = new Map<string, number>();
  const cycles: N[][] = [];
  nodes.forEach((start, walk) => {
    const path: N[] = [];
    let current: N | undefined = start;
    while (current !== undefined && !walkOf.has(key(current))) {
      walkOf.set(key(current), walk);
      path.push(current);
      current = parent(current);
    }
    if (current === undefined || walkOf.get(key(current)) !== walk) return;
    const at = path.findIndex((node) => key(node) === key(current!));
    const cycle = path.slice(at).reverse();
    const first = cycle.reduce((best, node, i) => ((order.get(key(node)) ?? 0) < (order.get(key(cycle[best])) ?? 0) ? i : best), 0);
    cycles.push([...cycle.slice(first), ...cycle.slice(0, first)]);
  });
  return cycles;
}

/** `a -> b -> c -> a`. */
export function formatCycle(names: string[]): string {
  return `stage cycle: ${[...names, names[0]].join(' -> ')}`;
}

function index(pipelines: Pipeline[]): Map<string, { pipeline: Pipeline; stageIndex: number }> {
  const stages = new Map<string, { pipeline: Pipeline; stageIndex: number }>();
  for (const pipeline of pipelines) {
    pipeline.stages.forEach((stage, stageIndex) => {
      const key = refKey({ pipeline: pipeline.name, stage: stage.name });
      if (!stages.has(key)) stages.set(key, { pipeline, stageIndex });
    });
  }
  return stages;
}

const allRefs = (pipelines: Pipeline[]): StageRef[] =>
  pipelines.flatMap((pipeline) => pipeline.stages.map((stage) => ({ pipeline: pipeline.name, stage: stage.name })));

function parentIn(stages: ReturnType<typeof index>, ref: StageRef): StageRef | undefined {
  const entry = stages.get(refKey(ref));
  const from = entry?.pipeline.stages[entry.stageIndex].from;
  if (!from || from.kind !== 'stage') return undefined;
  const parent = { pipeline: from.pipeline, stage: from.stage };
  return stages.has(refKey(parent)) ? parent : undefined;
}

/** The stage `ref` is built from, when it is built from a stage (of the given pipelines). */
export function parentOf(pipelines: Pipeline[], ref: StageRef): StageRef | undefined {
  return parentIn(index(pipelines), ref);
}

/** The stages built from `ref`, directly. */
export function childrenOf(pipelines: Pipeline[], ref: StageRef): StageRef[] {
  const stages = index(pipelines);
  return allRefs(pipelines).filter((candidate) => {
    const parent = parentIn(stages, candidate);
    return parent !== undefined && refKey(parent) === refKey(ref);
  });
}

/** Every stage cycle (see `findCyclesBy` for the order of each). */
export function findCycles(pipelines: Pipeline[]): StageRef[][] {
  const stages = index(pipelines);
  return findCyclesBy(allRefs(pipelines), (ref) => parentIn(stages, ref), refKey);
}

/** The first stage cycle, if any. */
export function findCycle(pipelines: Pipeline[]): StageRef[] | undefined {
  return findCycles(pipelines)[0];
}

/**
 * Every stage, parents before children; otherwise in declaration order (pipelines in the order given,
 * stages in file order): at each step the first declared stage whose parent is done comes next.
 * Throws a PipelineError on a cycle (the loader rejects those first).
 */
export function stageOrder(pipelines: Pipeline[]): StageRef[] {
  const stages = index(pipelines);
  const seen = new Set<string>();
  const refs = allRefs(pipelines).filter((ref) => !seen.has(refKey(ref)) && Boolean(seen.add(refKey(ref))));
  const cycles = findCyclesBy(refs, (ref) => parentIn(stages, ref), refKey);
  if (cycles.length > 0) {
    throw new PipelineError(
      cycles.map((cycle) => {
        const entry = stages.get(refKey(cycle[0]))!;
        const names = cycle.map((ref) => (new Set(cycle.map((r) => r.pipeline)).size > 1 ? refKey(ref) : ref.stage));
        return diagnostic(positionOf(entry.pipeline, ['stages', entry.stageIndex, 'from']), formatCycle(names));
      }),
    );
  }
  // Kahn's algorithm, always taking the ready stage declared first (a min-heap of declaration indexes).
  const position = new Map(refs.map((ref, i) => [refKey(ref), i]));
  const children = refs.map((): number[] => []);
  const ready: number[] = [];
  refs.forEach((ref, i) => {
    const parent = parentIn(stages, ref);
    if (parent === undefined) ready.push(i);
    else children[position.get(refKey(parent))!].push(i);
  });
  const heap = new MinHeap(ready);
  const order: StageRef[] = [];
  for (let next = heap.pop(); next !== undefined; next = heap.pop()) {
    order.push(refs[next]);
    children[next].forEach((child) => heap.push(child));
  }
  return order;
}

class MinHeap {
  private readonly items: number[] = [];

  constructor(items: number[]) {
    items.forEach((item) => this.push(item));
  }

  push(item: number): void {
    const items = this.items;
    items.push(item);
    for (let i = items.length - 1; i > 0; ) {
      const up = (i - 1) >> 1;
      if (items[up] <= items[i]) break;
      [items[up], items[i]] = [items[i], items[up]];
      i = up;
    }
  }

  pop(): number | undefined {
    const items = this.items;
    if (items.length === 0) return undefined;
    const top = items[0];
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (left < items.length && items[left] < items[least]) least = left;
        if (right < items.length && items[right] < items[least]) least = right;
        if (least === i) break;
        [items[least], items[i]] = [items[i], items[least]];
        i = least;
      }
    }
    return top;
  }
}
