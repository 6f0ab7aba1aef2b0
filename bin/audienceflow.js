#!/usr/bin/env node
// Runs the TypeScript CLI from source through tsx, so `npx audienceflow` works right after
// `npm install` with no build step: tsx's require() hook, plus its ESM hook so that dynamic
// import() of .ts files works too (the equivalent of `node --import tsx`, from inside the script).
// The AWS SDK's notice that its 2027 releases need Node 22 is in the README; not on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { register } = require('node:module');
const { pathToFileURL } = require('node:url');
register(pathToFileURL(require.resolve('tsx/esm')), { data: { active: true } });
require('tsx/cjs');
// Start explicitly: npm reaches this file through links (npx's cache, global installs, `npm link`),
// so the program must not guess whether it is the main module.
require('../src/cli/main.ts').runCli(process.argv);
