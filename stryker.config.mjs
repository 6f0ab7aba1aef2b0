// @ts-check
/**
 * Mutation testing (`npm run mutation`): Stryker changes the code of the modules that fast unit tests
 * cover — one small change ("mutant") at a time — and runs the unit tests that reach it; a mutant the
 * tests do not notice ("survived") marks a behaviour no test pins down. Not part of CI (it runs every
 * covering unit test once per mutant); the last score and the reviewed survivors are in docs/testing.md.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  mutate: [
    'src/formats/**/*.ts',
    'src/transforms/**/*.ts',
    'src/providers/**/*.ts',
    'src/inputs/**/*.ts',
    'workflows/sync-plan.ts',
    'workflows/import-split.ts',
    'workflows/sync-window.ts',
    '!**/index.ts',
  ],
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // Unit tests only: the real-stack tests are not what a mutant should wait for.
    config: {
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      globalSetup: undefined,
      // Transpile only (the TypeScript checker already type-checks each mutant): a jest run per mutant stays fast.
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true, diagnostics: false }] },
    },
    enableFindRelatedTests: false,
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 30_000,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
