/**
 * The CLI as a user gets it: `npm pack`, the tarball installed into a fresh prefix (as
 * `npm install -g` does), then `audienceflow --version` / `--help` from there; `npx audienceflow`
 * from the project folder; a plain symlink; and `--help | head -1` closing the pipe early.
 * Each must print: a bin that silently does nothing once reached through a link is the bug this
 * file keeps away.
 */
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../../src/config';

const run = promisify(execFile);
const VERSION = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string })
  .version;
const BIN = path.join(PROJECT_ROOT, 'bin', 'audienceflow.js');
const npmEnv = {
  ...process.env,
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
};

/** Runs one endpoint through a processing thread of the engine at argv[1] (an installed copy); prints the counts. */
const THREAD_CHECK = `
const path = require('node:path');
const root = process.argv[1];
require(require.resolve('tsx/cjs', { paths: [root] }));
const { LineThread } = require(path.join(root, 'src', 'engine', 'line-threads.ts'));
(async () => {
  const config = { gzipped: false, codec: { kind: 'endpoint-file', format: 'JSON' }, maxPartBytes: 1 << 20 };
  const thread = new LineThread(config);
  const line = JSON.stringify({ Id: 'e-1', ChannelType: 'EMAIL', Address: 'someone@example.com' });
  const outs = [await thread.send({ chunk: Buffer.from(line + '\\n') }, []), await thread.send({ end: true }, [])];
  await thread.close();
  const sum = (k) => outs.reduce((n, o) => n + o.counts[k], 0);
  console.log(JSON.stringify({ read: sum('read'), written: sum('written') }));
})().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
`;

describe('installing and running audienceflow as users do', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'install-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('npm pack → install the tarball into a prefix → `audienceflow --version` and `--help` print', async () => {
    const packed = await run('npm', ['pack', '--silent', '--pack-destination', dir], {
      cwd: PROJECT_ROOT,
      env: npmEnv,
    });
    const tarball = path.join(dir, packed.stdout.trim().split('\n').pop()!);
    expect(fs.existsSync(tarball)).toBe(true);
    const prefix = path.join(dir, 'prefix');
    await run('npm', ['install', '--global', '--prefix', prefix, tarball], { env: npmEnv, maxBuffer: 16 << 20 });
    const installed = path.join(prefix, 'bin', 'audienceflow');
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(true);

    const env = { ...process.env, PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH ?? ''}` };
    const version = await run('audienceflow', ['--version'], { env, cwd: dir });
    expect(version.stdout.trim()).toBe(VERSION);
    const help = await run('audienceflow', ['--help'], { env, cwd: dir });
    expect(help.stdout).toMatch(/^Usage: audienceflow \[options\] \[command\]/);
    expect(help.stdout).toContain('export');
    expect(help.stdout).toContain('stack');

    // The installed worker's processing threads load the engine's TypeScript files by path: start one the way the
    // bin loads the program (tsx from the package), from a directory outside the package.
    const installedRoot = path.join(prefix, 'lib', 'node_modules', 'audienceflow');
    const thread = await run(process.execPath, ['-e', THREAD_CHECK, installedRoot], { cwd: dir });
    expect(JSON.parse(thread.stdout)).toEqual({ read: 1, written: 1 });
  });

  it('`npx audienceflow --version` from the project folder prints the version', async () => {
    const out = await run('npx', ['audienceflow', '--version'], { cwd: PROJECT_ROOT, env: npmEnv });
    expect(out.stdout.trim()).toBe(VERSION);
  });

  it('a symlink to the bin (as `npm link` makes) runs the program', async () => {
    const link = path.join(dir, 'linked-audienceflow');
    fs.symlinkSync(BIN, link);
    const out = await run(process.execPath, [link, '--help']);
    expect(out.stdout).toMatch(/^Usage: audienceflow/);
  });

  it('`audienceflow --help | head -1` ends quietly when the reader closes the pipe', async () => {
    const child = spawn(process.execPath, [BIN, 'schedule', 'create', 'sync', '--help'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const first = await new Promise<string>((resolve) =>
      child.stdout.once('data', (d: Buffer) => {
        child.stdout.destroy(); // like `head -1`: read once, close the pipe
        resolve(d.toString().split('\n')[0] ?? '');
      }),
    );
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(first).toMatch(/^Usage: audienceflow schedule create sync/);
    expect(stderr).not.toMatch(/EPIPE|Error|at /);
    expect(code).toBe(0);
  });
});
