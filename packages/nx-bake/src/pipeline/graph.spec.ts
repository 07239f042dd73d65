import { PipelineError } from './diagnostics';
import { childrenOf, findCycle, findCycles, parentOf, stageOrder } from './graph';
import { loadPipelines } from './load';
import { FIXTURES, problems } from '../../test/fixtures/pipelines/fixtures';
import type { Pipeline, Stage } from './types';

const load = (...names: string[]) => loadPipelines(names.map((name) => `pipelines/${name}/pipeline.yaml`), { workspaceRoot: FIXTURES });
const names = (refs: { pipeline: string; stage: string }[]) => refs.map((ref) => `${ref.pipeline}/${ref.stage}`);

/** A pipeline made by hand (the loader rejects cycles): stage name → parent (`pipeline/stage`, `stage`, or none). */
function pipeline(name: string, stages: Record<string, string | undefined>): Pipeline {
  return {
    name,
    file: `pipelines/${name}/pipeline.yaml`,
    dir: `pipelines/${name}`,
    variables: {},
    builders: { local: { type: 'docker' } },
    env: [],
    stages: Object.entries(stages).map(([stage, parent]): Stage => {
      const [fromPipeline, fromStage] = parent?.includes('/') ? parent.split('/') : [name, parent];
      return {
        name: stage,
        from: parent === undefined ? { kind: 'image', image: 'debian' } : { kind: 'stage', pipeline: fromPipeline, stage: fromStage! },
        builders: [{ name: 'local', config: { type: 'docker' } }],
        defaultBuilders: ['local'],
        provisioners: [],
        bakes: [],
        inputs: [],
        tags: {},
        root: `pipelines/${name}/${stage}`,
      };
    }),
  };
}

describe('stageOrder', () => {
  it('puts parents first, across pipelines, and otherwise keeps declaration order', () => {
    expect(names(stageOrder(load('graph-apps', 'graph-base')))).toEqual([
      'graph-apps/worker',
      'graph-base/os',
      'graph-base/runtime',
      'graph-apps/web',
      'graph-apps/web-debug',
      'graph-base/extras',
    ]);
    expect(names(stageOrder(load('graph-base', 'graph-apps')))).toEqual([
      'graph-base/os',
      'graph-base/runtime',
      'graph-base/extras',
      'graph-apps/web',
      'graph-apps/worker',
      'graph-apps/web-debug',
    ]);
  });

  it('keeps an order that is already topological as it is', () => {
    const chain = pipeline('chain', { a: undefined, b: 'a', c: 'b', d: 'a', e: undefined });
    expect(names(stageOrder([chain]))).toEqual(['chain/a', 'chain/b', 'chain/c', 'chain/d', 'chain/e']);
  });

  it('treats parents outside the given pipelines as external', () => {
    expect(names(stageOrder([pipeline('lone', { b: 'other/x', a: undefined })]))).toEqual(['lone/b', 'lone/a']);
  });

  it('throws a PipelineError naming the cycle', () => {
    const a = pipeline('one', { x: 'two/y', free: undefined });
    const b = pipeline('two', { y: 'one/x' });
    expect(problems(() => stageOrder([a, b]))).toEqual(['pipelines/one/pipeline.yaml:1:1: stage cycle: one/x -> two/y -> one/x']);
    expect(() => stageOrder([a, b])).toThrow(PipelineError);
  });
});

describe('parentOf / childrenOf', () => {
  it('follows from: { stage } within and across pipelines', () => {
    const pipelines = load('graph-apps', 'graph-base');
    expect(parentOf(pipelines, { pipeline: 'graph-apps', stage: 'web' })).toEqual({ pipeline: 'graph-base', stage: 'runtime' });
    expect(parentOf(pipelines, { pipeline: 'graph-apps', stage: 'web-debug' })).toEqual({ pipeline: 'graph-apps', stage: 'web' });
    expect(parentOf(pipelines, { pipeline: 'graph-apps', stage: 'worker' })).toBeUndefined();
    expect(parentOf(pipelines, { pipeline: 'graph-apps', stage: 'nope' })).toBeUndefined();
    expect(childrenOf(pipelines, { pipeline: 'graph-base', stage: 'os' })).toEqual([
      { pipeline: 'graph-base', stage: 'runtime' },
      { pipeline: 'graph-base', stage: 'extras' },
    ]);
  });
});

describe('findCycle', () => {
  it('finds cycles in build order, starting at the first declared stage of the cycle', () => {
    const p = pipeline('p', { a: 'c', b: 'a', c: 'b', ok: undefined, self: 'self' });
    expect(findCycles([p]).map(names)).toEqual([['p/a', 'p/b', 'p/c'], ['p/self']]);
    expect(names(findCycle([p])!)).toEqual(['p/a', 'p/b', 'p/c']);
  });

  it('finds a cycle through two pipelines once, and none in a valid graph', () => {
    const a = pipeline('a', { os: 'b/app', tools: 'os' });
    const b = pipeline('b', { runtime: 'a/os', app: 'runtime' });
    expect(findCycles([a, b]).map(names)).toEqual([['a/os', 'b/runtime', 'b/app']]);
    expect(findCycle(load('graph-apps', 'graph-base'))).toBeUndefined();
  });
});
