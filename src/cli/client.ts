/** Connects the CLI to Temporal (settings from src/config.ts: TEMPORAL_* env, temporal.toml, the stack's env file). */
import { Client, Connection } from '@temporalio/client';
import type { TemporalSettings } from '../config';
import { temporalSettings } from '../config';
import { ExitCode } from '../contracts/failures';
import { CliError } from './errors';

export interface CliClient {
  client: Client;
  settings: TemporalSettings;
  close(): Promise<void>;
}

export function temporalAddress(settings: TemporalSettings): string {
  return settings.connection?.address ?? 'localhost:7233';
}

export function unreachableMessage(address: string, cause?: string): string {
  return (
    `cannot reach Temporal at ${address}${cause ? ` (${cause})` : ''}; ` +
    'run `audienceflow stack up` or set TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE) to your server'
  );
}

/** Connects, or throws a CliError (exit 4) that says how to get a server. */
export async function connectClient(settings: TemporalSettings = temporalSettings()): Promise<CliClient> {
  const address = temporalAddress(settings);
  let connection: Connection;
  try {
    connection = await Connection.connect({ ...settings.connection, connectTimeout: '5s' });
  } catch (e) {
    throw new CliError(unreachableMessage(address, (e as Error).message.split('\n')[0]), ExitCode.Error);
  }
  const client = new Client({ connection, namespace: settings.namespace });
  return { client, settings, close: () => connection.close() };
}

/** Runs `fn` with a connected client and closes the connection afterwards. */
export async function withClient<T>(fn: (c: CliClient) => Promise<T>): Promise<T> {
  const c = await connectClient();
  try {
    return await fn(c);
  } finally {
    await c.close().catch(() => undefined);
  }
}

/** `http://<ui>/namespaces/<ns>/workflows/<id>`; the UI address comes from AUDIENCEFLOW_UI_URL (the stack writes it). */
export function workflowUiUrl(namespace: string, workflowId: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = (env.AUDIENCEFLOW_UI_URL ?? 'http://localhost:8233').replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

export function scheduleUiUrl(namespace: string, scheduleId: string, env: NodeJS.ProcessEnv = process.env): string {
  const base = (env.AUDIENCEFLOW_UI_URL ?? 'http://localhost:8233').replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(namespace)}/schedules/${encodeURIComponent(scheduleId)}`;
}
