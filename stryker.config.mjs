// @ts-check
import { createRequire } from 'node:module';

/** @type {import('jest').Config} */
const jestConfig = createRequire(import.meta.url)('./jest.config.js');

/**
 * The unit test files a run may use (comma-separated globs, e.g. MUTATION_TESTS='test/unit/transform-*.test.ts'),
 * default all of test/unit. Fewer files make each mutant cheaper; the score can only go down (a mutant that a
 * left-out file would kill counts as survived), so a narrowed score is a lower bound.
 */
const testMatch = (process.env.MUTATION_TESTS || 'test/unit/**/*.test.ts')
  .split(',')
  .map((glob) => `<rootDir>/${glob.trim()}`);

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
    'workflows/steps/window.ts',
    '!**/index.ts',
  ],
  // Kept out of the sandbox copy: .tools holds the downloaded servers and Node 22 (hundreds of MB; a symlink
  // in a git worktree, which Stryker cannot copy), the rest is run output.
  ignorePatterns: ['.tools', '.audienceflow', 'coverage', 'bench/results', '.scratch*', '*.log'],
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // Unit tests only: the real-stack tests are not what a mutant should wait for.
    config: {
      testMatch,
      globalSetup: undefined,
      // Transpile only (the TypeScript checker already type-checks each mutant): a jest run per mutant stays fast.
      transform: {
        ...jestConfig.transform,
        '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true, diagnostics: false }],
      },
    },
    // Per mutant, only the test files that import the mutated file (jest --findRelatedTests): a static mutant
    // (module-level code, e.g. a zod schema) would otherwise run every unit test file.
    enableFindRelatedTests: true,
  },
  checkers: ['typescript'],
  // The checker type-checks each mutant (a mutant that does not compile is left out of the score). On a loaded
  // machine it costs ~15 times the Jest run of a mutant; `--checkers ''` skips it (docs/testing.md).
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
