/**
 * Process-level helpers of the crash and cancellation tests: a worker in a child process (the real
 * `audienceflow worker` command, killable with SIGKILL), and a bandwidth-limited TCP proxy in front of S3 so a
 * download or upload lasts long enough to be interrupted (network conditions, not a hook in the code under test).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';
import { PROJECT_ROOT } from '../../src/config';
import { killOnExit } from '../harness';
import type { PipelineEnv } from './export-import-support';

export interface ChildWorker {
  pid: number;
  /** What the worker printed (for a failing test's message). */
  output(): string;
  /** SIGKILL: no graceful shutdown, in-flight activities are simply lost. */
  kill(): Promise<void>;
}

const cleanups = new Set<() => Promise<void>>();

/** Kills the child workers and closes the proxies a test left behind (call in afterEach). */
export async function stopProcesses(): Promise<void> {
  for (const c of [...cleanups]) await c().catch(() => undefined);
  cleanups.clear();
}

/** `node bin/audienceflow.js worker` on the env's task queue; resolves once the worker polls. */
export async function spawnWorker(env: PipelineEnv, extraEnv: Record<string, string> = {}): Promise<ChildWorker> {
  const child: ChildProcess = spawn(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'audienceflow.js'), 'worker'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env.stack.env, AUDIENCEFLOW_TASK_QUEUE: env.taskQueue, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid ?? 0;
  const forget = killOnExit(pid);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('audienceflow worker:')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited early (${code}):\n${output.slice(-2000)}`)));
    setTimeout(() => reject(new Error(`worker did not start within 90 s:\n${output.slice(-2000)}`)), 90_000).unref();
  });
  child.stdout?.on('data', (c: Buffer) => void (output += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => void (output += c.toString('utf8')));
  const kill = async () => {
    cleanups.delete(kill);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    forget();
  };
  cleanups.add(kill);
  return { pid, output: () => output, kill };
}

/** Delays chunks so that at most `bytesPerSecond` pass (per direction and connection). */
class Throttle extends Transform {
  private nextFree = Date.now();
  constructor(private readonly bytesPerSecond: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const slice = 16 * 1024;
    const pieces: Buffer[] = [];
    for (let i = 0; i < chunk.length; i += slice) pieces.push(chunk.subarray(i, i + slice));
    const pushNext = () => {
      const piece = pieces.shift();
      if (!piece) return done();
      const now = Date.now();
      const at = Math.max(now, this.nextFree);
      this.nextFree = at + (piece.length / this.bytesPerSecond) * 1000;
      setTimeout(() => {
        this.push(piece);
        pushNext();
      }, at - now);
    };
    pushNext();
  }
}

export interface SlowProxy {
  url: string;
  close(): Promise<void>;
}

/** A TCP proxy to `targetUrl` (http://host:port) passing at most `bytesPerSecond` each way per connection. */
export async function startSlowProxy(targetUrl: string, bytesPerSecond: number): Promise<SlowProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(new Throttle(bytesPerSecond)).pipe(upstream);
    upstream.pipe(new Throttle(bytesPerSecond)).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  const close = async () => {
    cleanups.delete(close);
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  };
  cleanups.add(close);
  return { url: `http://127.0.0.1:${port}`, close };
}
