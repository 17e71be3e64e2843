// ESM jest (Nest 12 is ESM-only): run with NODE_OPTIONS=--experimental-vm-modules (see package.json).
export default {
  testEnvironment: '<rootDir>/test/support/onnx-friendly.environment.cjs',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^@openrtc/nestjs$': '<rootDir>/lib/index.ts',
    '^@openrtc/nestjs/testing$': '<rootDir>/lib/testing/index.ts',
    '^@openrtc/nestjs/terminus$': '<rootDir>/lib/health/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  // Finds or builds livekit-server for test/live (or prints one SKIPPED line saying how to get one).
  globalSetup: '<rootDir>/test/support/live/global-setup.mjs',
  // A bound on waits for events, not a speed check: a loaded 2-core machine boots workers slowly.
  testTimeout: 120000,
  maxWorkers: 2,
  // Read with --coverage (scripts/coverage.mjs, run by `npm test`, adds the child processes' coverage).
  coverageProvider: 'v8',
  collectCoverageFrom: ['<rootDir>/lib/**/*.ts'],
  coverageReporters: ['json'],
};
