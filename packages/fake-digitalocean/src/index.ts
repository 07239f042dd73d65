export { startFakeDigitalOcean, DEFAULT_IMAGES } from './fake';
export type { FakeDigitalOcean, FakeDigitalOceanOptions } from './fake';
export type { FakeState } from './admin/state';
export type { Violation } from './violations';
export { Faults } from './faults';
export type { FaultsSnapshot } from './faults';
export { Contract } from './contract/contract';
export { resolveSpecPath } from './contract/spec-path';
export { LABEL, SNAPSHOT_REPOSITORY } from './docker/labels';
