import type { Config } from 'jest';

const config: Config = {
  projects: ['<rootDir>/packages/nx-bake', '<rootDir>/packages/fake-digitalocean', '<rootDir>/packages/fake-nx-cache', '<rootDir>/packages/fake-vault', '<rootDir>/packages/fake-ec2'],
  // Integration tests start real containers and ansible runs; they bound their own waits.
  testTimeout: 600_000,
  // The reliability suite's counters: a run id for the tests, the summary (and a failure on leaks) at the end.
  globalSetup: '<rootDir>/packages/nx-bake/test/support/global-setup.cjs',
  globalTeardown: '<rootDir>/packages/nx-bake/test/support/global-teardown.cjs',
};

export default config;
