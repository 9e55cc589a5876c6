import type { Config } from 'jest';

type Project = NonNullable<Config['projects']>[number] & object;

// Tests are TypeScript run as native ESM (p-limit is ESM-only); swc strips types, `tsc -b` type-checks.
const base: Project = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' } }],
  },
  // Source imports use the `.js` extension that NodeNext requires; map them back to the `.ts` files.
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
};

/** One project per package; a backend whose tests need a server adds its globalSetup/globalTeardown here. */
function project(name: string, extra: Partial<Project> = {}): Project {
  return { ...base, displayName: name, rootDir: `<rootDir>/packages/${name}`, ...extra } as Project;
}

const config: Config = {
  projects: [
    project('core'),
    project('backend-local'),
    project('backend-s3', { globalSetup: '<rootDir>/test/global-setup.mjs', globalTeardown: '<rootDir>/test/global-teardown.mjs' }),
    project('cli'),
    project('backend-azure', { globalSetup: '<rootDir>/test/global-setup.mjs', globalTeardown: '<rootDir>/test/global-teardown.mjs' }),
    project('ui'),
    project('testing', { globalSetup: '<rootDir>/test/global-setup.mjs', globalTeardown: '<rootDir>/test/global-teardown.mjs' }),
    // A user's jest test against @modelreg/testing, with its own config (examples/jest-integration/jest.config.mjs).
    '<rootDir>/examples/jest-integration',
  ],
  testTimeout: 120_000,
  maxWorkers: 2,
};

export default config;
