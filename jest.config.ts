import type { Config } from 'jest';

const config: Config = {
  projects: ['<rootDir>/packages/nx-bake', '<rootDir>/packages/fake-digitalocean'],
  // Integration tests start real containers and ansible runs; they bound their own waits.
  testTimeout: 600_000,
};

export default config;
