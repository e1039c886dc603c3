/**
 * Jest runs the TypeScript sources as native ES modules (middy 7 and jose 6 are ESM-only), compiled
 * by swc without type checking (`tsc --noEmit` does that in `npm test`).
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2023' }, module: { type: 'es6' } }],
  },
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
  setupFiles: ['<rootDir>/test/helpers/env.ts'],
  testTimeout: 30000,
  // Console output only for files with a failing test; then the run's summary.
  reporters: ['<rootDir>/test/helpers/quiet-reporter.js', 'summary'],
};
