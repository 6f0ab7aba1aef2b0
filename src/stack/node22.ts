/**
 * Runs a tool of the project on Node.js 22 without touching the machine's Node: `npm run test:node22`
 * (the whole test suite again on Node 22: AWS SDK releases after January 2027 need it) and
 * `npm run mutation` (Stryker, which needs Node 22). Node 22 comes from the npm registry's binary package
 * for this platform (`node-<platform>-<arch>`, version pinned below), installed into .tools/node22/;
 * Jest then runs on it, and so does every process a test spawns (process.execPath, and `node`, `npm`
 * and `npx` through PATH).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { toolsDir } from './tools';
import { PROJECT_ROOT } from '../config';

export const NODE22_VERSION = '22.23.3';

function node22Package(): string {
  return `node-${process.platform}-${process.arch}`;
}

/** The Node 22 binary, installed on first use. */
export function ensureNode22(log: (line: string) => void = console.log): string {
  const prefix = path.join(toolsDir(), 'node22');
  const bin = path.join(prefix, 'node_modules', node22Package(), 'bin', 'node');
  const current = fs.existsSync(bin) ? spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim() : undefined;
  if (current === `v${NODE22_VERSION}`) return bin;
  log(`  installing ${node22Package()}@${NODE22_VERSION} from the npm registry into ${prefix} ...`);
  fs.mkdirSync(prefix, { recursive: true });
  const r = spawnSync(
    'npm',
    [
      'install',
      '--prefix',
      prefix,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      `${node22Package()}@${NODE22_VERSION}`,
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (r.status !== 0 || !fs.existsSync(bin)) {
    throw new Error(
      `could not install ${node22Package()}@${NODE22_VERSION}: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`,
    );
  }
  return bin;
}

/** The project's own tools this script runs, by the name given as its first argument. */
const TOOLS: Record<string, string> = {
  jest: path.join('node_modules', 'jest', 'bin', 'jest.js'),
  stryker: path.join('node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'),
};

function main(): number {
  const [tool = '', ...args] = process.argv.slice(2);
  const script = TOOLS[tool];
  if (!script) {
    console.error(`usage: tsx src/stack/node22.ts <${Object.keys(TOOLS).join('|')}> [arguments…]`);
    return 2;
  }
  const node = ensureNode22();
  const binDir = path.dirname(node);
  // npm/npx stay the project's npm, run by Node 22 (its shebang finds `node` first on PATH).
  const env = { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}` };
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`[node22] running ${tool} on Node.js ${version} (${node})`);
  const r = spawnSync(node, [path.join(PROJECT_ROOT, script), ...args], { stdio: 'inherit', env, cwd: PROJECT_ROOT });
  return r.status ?? 1;
}

if (require.main === module) process.exitCode = main();
