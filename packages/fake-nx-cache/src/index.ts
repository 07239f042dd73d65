export { startFakeNxCache, type FakeNxCache, type FakeNxCacheOptions, type CacheViolation, type CacheRequest } from './server';
export { Contract } from './contract';
export { resolveSpecPath, SPEC_FILE } from './spec-path';
