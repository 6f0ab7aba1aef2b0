/**
 * `npm run demo` on a machine whose default ports are taken — as on most Temporal users' machines, where a Temporal
 * dev server holds 7233: the demo starts its stack on free ports of its own, says so, runs the sync and the AEP
 * activation, and a second run (`npm run demo -- aep`, the activation alone) reuses that stack. Uses its own state folder; every default port it would take is held by this test (or by
 * whoever held it already), so the demo touches none of them.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseEnvFile, PROJECT_ROOT } from '../../src/config';
import { isAlive } from '../../src/stack/processes';
import { DEFAULT_STACK_OPTIONS } from '../../src/stack/defaults';
import type { StackState } from '../../src/stack/stack-state';
import { killOnExit } from '../harness';
import type { CliResult } from './cli-support';
import { runCli } from './cli-support';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'af-demo-'));
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  AUDIENCEFLOW_HOME: home,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
const held: net.Server[] = [];
/** The demo's profiles: all with an e-mail, every fifth without a phone, every seventh has exited the segment. */
const PROFILES = 70;
const ACTIVATED = Array.from({ length: PROFILES }, (_, i) => i)
  .filter((i) => i % 7 !== 6)
  .reduce((n, i) => n + (i % 5 === 0 ? 1 : 2), 0);

/** Listens on the port unless something else already does; either way the port is busy afterwards. */
async function hold(port: number): Promise<boolean> {
  const server = net.createServer();
  const ok = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(true));
  });
  if (ok) held.push(server);
  return ok;
}

function runDemo(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'demo', '--', ...args], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const forget = killOnExit(child.pid ?? 0);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      forget();
      resolve({ code, stdout, stderr });
    });
  });
}

afterAll(async () => {
  await runCli(['stack', 'down', '--purge'], env, 60_000).catch(() => undefined);
  try {
    const state = JSON.parse(fs.readFileSync(path.join(home, 'stack.json'), 'utf8')) as StackState;
    for (const p of Object.values(state.parts)) if (isAlive(p.pid)) process.kill(p.pid, 'SIGKILL');
  } catch {
    /* nothing recorded */
  }
  for (const s of held) s.close();
  fs.rmSync(home, { recursive: true, force: true });
});

it('runs with every default port taken (a Temporal dev server on 7233), on free ports it names; a second run reuses its stack', async () => {
  const d = DEFAULT_STACK_OPTIONS;
  const mine = await hold(d.temporalPort);
  for (const port of [d.uiPort, d.s3Port, d.emulatorPort, d.aepPort]) await hold(port);

  const first = await runDemo(['--endpoints', '300', '--profiles', String(PROFILES)]);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  const moved = /Temporal dev server: port 7233 is in use(.*?); the demo uses port (\d+) instead/.exec(first.stdout);
  expect(moved).not.toBeNull();
  if (mine) expect(moved![1]).toContain(`by pid ${process.pid} (`);
  for (const label of ['Temporal Web UI', 'S3 (SeaweedFS)', 'Pinpoint emulator', 'AEP emulator']) {
    expect(first.stdout).toMatch(
      new RegExp(`${label.replace(/[()]/g, '\\$&')}: port \\d+ is in use.*uses port \\d+ instead`),
    );
  }
  expect(first.stdout).toContain('The target application now holds');
  expect(first.stdout).toContain(`The activation application now holds ${ACTIVATED} endpoints`);
  expect(first.stdout).toMatch(
    /Temporal UI: +http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows\/demo-activate-/,
  );
  const stackEnv = parseEnvFile(fs.readFileSync(path.join(home, 'stack.env'), 'utf8'));
  expect(stackEnv.TEMPORAL_ADDRESS).toBe(`127.0.0.1:${moved![2]}`);
  for (const port of [d.temporalPort, d.uiPort, d.s3Port, d.emulatorPort, d.aepPort]) {
    expect(Object.values(stackEnv).join(' ')).not.toContain(`:${port}`);
  }

  const second = await runDemo(['aep', '--profiles', String(PROFILES)]);
  expect(second.stderr).toBe('');
  expect(second.code).toBe(0);
  // Temporal, S3, the Pinpoint emulator and the AEP emulator.
  expect(second.stdout.match(/the demo's stack already runs it \(pid \d+\); reused/g)).toHaveLength(4);
  expect(second.stdout).not.toContain('instead');
  expect(second.stdout).not.toContain('demo-sync-');
  // The same profiles again: the same endpoint ids are updated, none added.
  expect(second.stdout).toContain(`The activation application now holds ${ACTIVATED} endpoints`);
  expect(parseEnvFile(fs.readFileSync(path.join(home, 'stack.env'), 'utf8'))).toEqual(stackEnv);
}, 480_000);
