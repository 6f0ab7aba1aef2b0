#!/usr/bin/env node
// Runs the TypeScript CLI from source through tsx, so `npx audienceflow` works right after
// `npm install` with no build step.
require('tsx/cjs');
require('../src/cli/main.ts');
