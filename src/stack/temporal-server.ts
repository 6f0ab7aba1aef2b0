/** The Temporal dev server (`temporal server start-dev`), as the local stack runs it. */
import type { ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../contracts/search-attributes';
import { GaveUp, spawnLogged, waitUntil } from './processes';

export interface TemporalDevOptions {
  binary: string;
  port: number;
  uiPort: number;
  dbFile: string;
  namespace: string;
  logFile: string;
  detached?: boolean;
  /** Called with the pid right after spawning, before waiting for health (so it can be recorded). */
  onSpawn?: (pid: number | undefined) => void;
}

export function temporalDevArgs(o: Pick<TemporalDevOptions, 'port' | 'uiPort' | 'dbFile' | 'namespace'>): string[] {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(o.port),
    '--ui-port',
    String(o.uiPort),
    '--db-filename',
    o.dbFile,
    '--namespace',
    o.namespace,
    '--log-level',
    'warn',
  ];
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTES)) args.push('--search-attribute', `${name}=${type}`);
  return args;
}

export async function temporalHealthy(address: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 2_000 });
  try {
    await connection.workflowService.getSystemInfo({});
    return true;
  } finally {
    await connection.close();
  }
}

export async function startTemporalDev(o: TemporalDevOptions): Promise<ChildProcess> {
  const child = spawnLogged(o.binary, temporalDevArgs(o), { logFile: o.logFile, detached: o.detached });
  o.onSpawn?.(child.pid);
  let exited = false;
  child.once('exit', () => (exited = true));
  await waitUntil(
    async () => {
      if (exited) throw new GaveUp('temporal exited');
      return temporalHealthy(`127.0.0.1:${o.port}`);
    },
    `Temporal dev server on 127.0.0.1:${o.port}`,
    { timeoutMs: 90_000, intervalMs: 500, logFile: o.logFile },
  );
  return child;
}
