// ESM jest (Nest 12 is ESM-only): run with NODE_OPTIONS=--experimental-vm-modules (see package.json).
export default {
  testEnvironment: '<rootDir>/test/support/onnx-friendly.environment.cjs',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^@openrtc/nestjs$': '<rootDir>/lib/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
  },
  testMatch: ['<rootDir>/test/**/*.spec.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
  // Read with --coverage (scripts/coverage.mjs, run by `npm test`, adds the child processes' coverage).
  coverageProvider: 'v8',
  collectCoverageFrom: ['<rootDir>/lib/**/*.ts'],
  coverageReporters: ['json'],
};
