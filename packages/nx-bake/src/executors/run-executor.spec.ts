import { PipelineError } from '../pipeline/diagnostics';
import { runExecutor } from './run-executor';

describe('runExecutor', () => {
  let stderr: string;
  let write: jest.SpyInstance;
  const debug = process.env.NX_BAKE_DEBUG;

  beforeEach(() => {
    stderr = '';
    write = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      stderr += String(chunk);
      return true;
    });
    delete process.env.NX_BAKE_DEBUG;
  });

  afterEach(() => {
    write.mockRestore();
    if (debug === undefined) delete process.env.NX_BAKE_DEBUG;
    else process.env.NX_BAKE_DEBUG = debug;
  });

  it('succeeds when the work returns nothing or true, and fails when it returns false', async () => {
    expect(await runExecutor(async () => undefined)).toEqual({ success: true });
    expect(await runExecutor(async () => true)).toEqual({ success: true });
    expect(await runExecutor(async () => false)).toEqual({ success: false });
    expect(stderr).toBe('');
  });

  it("fails with the error's message on stderr, without a stack", async () => {
    expect(await runExecutor(async () => Promise.reject(new Error('the registry said no')))).toEqual({ success: false });
    expect(stderr).toBe('the registry said no\n');
  });

  it('adds the stack of an internal error with NX_BAKE_DEBUG, but never to a pipeline error', async () => {
    process.env.NX_BAKE_DEBUG = '1';
    await runExecutor(async () => Promise.reject(new Error('internal')));
    expect(stderr).toMatch(/^Error: internal\n\s+at /);
    stderr = '';
    const diagnostic = { file: 'pipelines/images/pipeline.yaml', line: 3, col: 5, message: 'unknown stage' };
    await runExecutor(async () => Promise.reject(new PipelineError([diagnostic])));
    expect(stderr).toBe('pipelines/images/pipeline.yaml:3:5: unknown stage\n');
  });

  it('treats NX_BAKE_DEBUG=0 as off', async () => {
    process.env.NX_BAKE_DEBUG = '0';
    await runExecutor(async () => Promise.reject(new Error('internal')));
    expect(stderr).toBe('internal\n');
  });
});
