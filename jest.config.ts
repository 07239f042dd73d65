import type { Config } from 'jest';

const config: Config = {
  projects: ['<rootDir>/packages/nx-bake'],
};

export default config;
