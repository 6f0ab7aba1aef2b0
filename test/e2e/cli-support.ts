/**
 * Helpers of the CLI end-to-end tests: run `node bin/audienceflow.js …` as a child process against
 * the harness stack (real Temporal, real S3, the Pinpoint emulator), and run a worker the same way
 * (`audienceflow worker`), so the tests drive exactly what a user types.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateAppCommand, PinpointClient } from '@aws-sdk/client-pinpoint';
import { PROJECT_ROOT } from '../../src/config';
import { adminHeaders } from '../../src/emulator/admin-guard';
import { killOnExit, TEST_ROLE_ARN } from '../harness';
import type { TestStack } from '../harness';

export const BIN = path.join(PROJECT_ROOT, 'bin', 'audienceflow.js');

/**
 * The CLI as npm installs it: a link named `audienceflow` to bin/audienceflow.js (npx's cache,
 * global installs and `npm link` all run it through such a link), so every e2e test exercises the
 * entry point the way users reach it, not only `node bin/audienceflow.js`.
 */
const LINKED_BIN = (() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audienceflow-bin-'));
  const link = path.join(dir, 'audienceflow');
  fs.symlinkSync(BIN, link);
  return link;
})();

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a user would have after `stack up`, pointed at this test's stack and task queue. */
export function cliEnv(stack: TestStack, taskQueue: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...stack.env,
    AUDIENCEFLOW_TASK_QUEUE: taskQueue,
    AUDIENCEFLOW_S3_URL: `s3://${stack.bucket}/cli/`,
    AUDIENCEFLOW_ROLE_ARN: TEST_ROLE_ARN,
    AUDIENCEFLOW_UI_URL: 'http://127.0.0.1:8233',
    AUDIENCEFLOW_NO_STACK_ENV: '1',
    ...extra,
  };
}

/** Runs the CLI to completion (killed after `timeoutMs`). stdout is a pipe, so it is not a TTY. */
export function runCli(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
  cwd = PROJECT_ROOT,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LINKED_BIN, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const forget = killOnExit(child.pid ?? 0);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `audienceflow ${args.join(' ')} did not finish in ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      forget();
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts the CLI in the background (e.g. `--wait` that the test interrupts). */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [LINKED_BIN, ...args], {
    cwd: PROJECT_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const forget = killOnExit(child.pid ?? 0);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) =>
    child.on('close', (code) => {
      forget();
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, done };
}

export interface CliWorker {
  stop(): Promise<void>;
  /** SIGKILL: the worker dies without finishing anything (a crash). */
  kill(): Promise<void>;
  output(): string;
}

/** `audienceflow worker` as a child process; resolves once it polls the task queue. */
export async function startCliWorker(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliWorker> {
  const { child, done } = spawnCli(['worker'], env);
  let out = '';
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start in ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      if (out.includes('audienceflow worker:')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr?.on('data', check);
    void done.then((r) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${r.code}:\n${out}`));
    });
  });
  return {
    output: () => out,
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await done;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await done;
      clearTimeout(timer);
    },
  };
}

export async function createApp(stack: TestStack, name = `cli-${randomUUID().slice(0, 8)}`): Promise<string> {
  const pinpoint = new PinpointClient({
    endpoint: stack.emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  try {
    const out = await pinpoint.send(new CreateAppCommand({ CreateApplicationRequest: { Name: name } }));
    return out.ApplicationResponse!.Id!;
  } finally {
    pinpoint.destroy();
  }
}

/** The emulator's admin API (outside /v1). */
export async function emulatorAdmin<T>(stack: TestStack, method: string, p: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.emulator.url}/_emulator/${p}`, {
    method,
    headers: {
      ...adminHeaders(stack.emulator.adminToken),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`emulator admin ${method} ${p}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** `n` CSV rows with distinct e-mail endpoints (dot-notation header). */
export function endpointsCsv(n: number, tag = 'cli'): string {
  const rows = ['Id,ChannelType,Address,Attributes.plan,User.UserId'];
  for (let i = 0; i < n; i++)
    rows.push(`${tag}-${i},EMAIL,${tag}.${i}@example.com,${i % 2 ? 'pro' : 'free'},user-${i}`);
  return `${rows.join('\n')}\n`;
}

/**
 * JSON of anything the Temporal client returns, payload bytes decoded as text: raw bytes, Buffers
 * (already turned into {type, data} by their toJSON) and base64 `data` strings of raw protos.
 */
export function temporalText(v: unknown): string {
  return JSON.stringify(v, (k, x: unknown) => {
    if (x instanceof Uint8Array) return Buffer.from(x).toString('utf8');
    const b = x as { type?: unknown; data?: unknown } | null;
    if (b && b.type === 'Buffer' && Array.isArray(b.data)) return Buffer.from(b.data as number[]).toString('utf8');
    if (k === 'data' && typeof x === 'string') return Buffer.from(x, 'base64').toString('utf8');
    if (typeof x === 'bigint') return x.toString();
    return x;
  });
}
