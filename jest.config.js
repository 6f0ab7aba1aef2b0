/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } }],
    // hyparquet and hyparquet-writer ship ES modules only: compiled to CommonJS for Jest (Node loads them as they are).
    '/node_modules/hyparquet(-writer)?/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true }, diagnostics: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!hyparquet)'],
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  // A mutation run's sandbox copy of the project (stryker.config.mjs) is not part of this one.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/.stryker-tmp/'],
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  setupFiles: ['<rootDir>/test/harness/setup-env.ts'],
  // Integration tests start real servers (Temporal, S3, the emulator); give them room.
  testTimeout: 180_000,
  // Four files at once on 2 cores: most integration files mostly wait (heartbeat timeouts, paced jobs, throttled
  // links, worker processes starting), so more of them overlap. Measured on a fresh clone: 535 s with 2, 393 s with 3
  // (the suite before the AEP, load and follow-up tests); with 3 the grown suite took 562 s.
  maxWorkers: 4,
};
