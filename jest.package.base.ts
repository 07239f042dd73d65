import type { Config } from 'jest';

/** The jest project every test-tooling package uses: its src/ and test/ specs through ts-jest with its tsconfig.spec.json. */
export function packageJestConfig(displayName: string): Config {
  return {
    displayName,
    testEnvironment: 'node',
    roots: ['<rootDir>/src', '<rootDir>/test'],
    testMatch: ['**/*.spec.ts'],
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: { warnOnly: false } }],
    },
  };
}
