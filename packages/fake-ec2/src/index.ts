export { startFakeEc2, DEFAULT_BASE_IMAGE, DEFAULT_CREDENTIALS } from './fake';
export type { FakeEc2, FakeEc2Options } from './fake';
export type { FakeEc2State, RegionState } from './admin/state';
export { Faults } from './faults';
export type { FaultsSnapshot } from './faults';
export type { Credentials } from './http/sigv4';
export { ACCOUNT_ID, DEBIAN_OWNER_ID, DEBIAN_12_AMI_NAME, DEFAULT_REGIONS } from './cloud/catalog';
export { EC2_LABEL, AMI_REPOSITORY } from './docker/identity';
export { resolveModelPath } from './model/load';
