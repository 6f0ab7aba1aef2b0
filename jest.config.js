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
  globalSetup: '<rootDir>/test/harness/global-setup.ts',
  setupFiles: ['<rootDir>/test/harness/setup-env.ts'],
  // Integration tests start real servers (Temporal, S3, the emulator); give them room.
  testTimeout: 180_000,
  // 2-core machines: more parallel files would only fight over the CPU.
  maxWorkers: 2,
};
