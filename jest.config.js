/**
 * One Temporal dev server and one workflow bundle per run (tests/harness/global-setup.ts).
 * ts-jest transpiles only (tsconfig has isolatedModules); `npm run typecheck` checks types.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', {}] },
  globalSetup: '<rootDir>/tests/harness/global-setup.ts',
  globalTeardown: '<rootDir>/tests/harness/global-teardown.ts',
  reporters: ['default', '<rootDir>/tests/harness/summary-reporter.js'],
  // CI has 2 cores shared by jest, the Temporal server and the stand-ins.
  testTimeout: 120_000,
  forceExit: false,
};
