import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';

export interface SpawnOptions {
  /** stdout and stderr go here (appended). */
  logFile: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Outlive the parent (the local stack); tests keep children attached. */
  detached?: boolean;
}

export function spawnLogged(command: string, args: string[], opts: SpawnOptions): ChildProcess {
  const out = fs.openSync(opts.logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: opts.detached ?? false,
      stdio: ['ignore', out, out],
    });
    if (opts.detached) child.unref();
    return child;
  } finally {
    fs.closeSync(out);
  }
}

/** True while the process runs. A zombie (exited, not yet reaped by its parent) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..." — the state letter follows the last ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** SIGTERM, then SIGKILL after `graceMs`. Only ever called with pids we started and recorded. */
export async function stopPid(pid: number, graceMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await sleep(100);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

/** Thrown from a `waitUntil` check to stop waiting at once (e.g. the process died). */
export class GaveUp extends Error {}

/** Polls `check` until it returns true; throws `${what} not ready after Ns` otherwise. */
export async function waitUntil(
  check: () => Promise<boolean>,
  what: string,
  { timeoutMs = 60_000, intervalMs = 200, logFile }: { timeoutMs?: number; intervalMs?: number; logFile?: string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const tail = (): string =>
    logFile && fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
  while (Date.now() < deadline) {
    const ok = await check().catch((err: unknown) => {
      if (err instanceof GaveUp)
        throw new Error(`${what}: ${err.message}${tail() ? `; last log lines:\n${tail()}` : ''}`);
      return false;
    });
    if (ok) return;
    await sleep(intervalMs);
  }
  const last = tail();
  throw new Error(
    `${what} not ready after ${Math.round(timeoutMs / 1000)} s${last ? `; last log lines:\n${last}` : ''}`,
  );
}
