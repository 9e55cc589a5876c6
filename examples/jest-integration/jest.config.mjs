// A user's jest config: TypeScript tests as native ESM, and one S3 server for the whole run.
// Run with: node --experimental-vm-modules node_modules/jest/bin/jest.js
export default {
  displayName: 'example-jest-integration',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'es6' } }] },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/**/*.test.ts'],
  // Starts (or finds, from MODELREG_TEST_S3_*) one S3 server; every worker's test registries use it.
  globalSetup: '<rootDir>/global-setup.mjs',
  globalTeardown: '<rootDir>/global-teardown.mjs',
};
