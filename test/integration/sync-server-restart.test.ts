/**
 * The Temporal server itself restarts mid-sync: a file-backed dev server (`temporal server
 * start-dev --db-filename`) is killed (SIGKILL, by its pid) while the sync waits for its export
 * job, and started again on the same port and database. Worker and client reconnect; the sync
 * completes with exact counts.
 */
import { GetExportJobsCommand } from '@aws-sdk/client-pinpoint';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection } from '@temporalio/worker';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SyncReport } from '../../src/contracts';
import { adminHeaders } from '../../src/emulator/admin-guard';
import { seedEndpoints } from '../../src/demo/seed-endpoints';
import { freePort } from '../../src/stack/ports';
import { startTemporalDev } from '../../src/stack/temporal-server';
import { requireTool } from '../../src/stack/tools';
import { activityDepsFromEnv, createWorker, WORKFLOWS_PATH } from '../../src/worker';
import { syncEndpoints } from '../../workflows';
import { killOnExit, quietTemporalLogs, say, startEmulator, startS3 } from '../harness';
import type { HarnessEmulator, HarnessEmulatorOptions, S3Harness } from '../harness';
import { createApp, eventually, pendingActivityDetails, sleep } from './export-import-support';
import { generated, GEN, syncInput } from './sync-support';

const SEEDED = 200;
let s3: S3Harness;
let emulator: HarnessEmulator;
let dir: string;
let server: ChildProcess | undefined;
let forgetServer = () => undefined as void;

async function startServer(port: number, uiPort: number): Promise<ChildProcess> {
  const child = await startTemporalDev({
    binary: requireTool('temporal'),
    port,
    uiPort,
    dbFile: path.join(dir, 'temporal.db'),
    namespace: 'default',
    logFile: path.join(dir, 'temporal.log'),
  });
  forgetServer = killOnExit(child.pid ?? 0);
  return child;
}

async function killServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL'); // the server we spawned, by its handle (pid)
  await exited;
  forgetServer();
}

beforeAll(async () => {
  quietTemporalLogs();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'af-restart-'));
  s3 = await startS3();
  const options: HarnessEmulatorOptions & { exportPieceSize?: number } = { pace: 'fast', exportPieceSize: 100 };
  emulator = await startEmulator(s3, options);
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_PINPOINT: emulator.url,
    AWS_REGION: s3.region,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AUDIENCEFLOW_NO_STACK_ENV: '1',
  });
});

afterAll(async () => {
  if (server) await killServer(server);
  await emulator?.close().catch(() => undefined);
  await s3?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a sync completes across a restart of the Temporal server', async () => {
  const port = await freePort();
  const uiPort = await freePort();
  server = await startServer(port, uiPort);
  const address = `127.0.0.1:${port}`;
  say(`file-backed Temporal dev server at ${address} (pid ${server.pid})`);

  const deps = activityDepsFromEnv();
  const bucket = await s3.newBucket('restart');
  const source = await createApp(deps.pinpoint, 'restart-source');
  const target = await createApp(deps.pinpoint, 'restart-target');
  await seedEndpoints(deps.pinpoint, source, SEEDED, GEN);

  const taskQueue = 'sync-restart';
  const nativeConnection = await NativeConnection.connect({ address });
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  const worker = await createWorker({
    connection: nativeConnection,
    taskQueue,
    deps,
    workflowBundle,
    worker: { shutdownGraceTime: '1s' },
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  try {
    // The export job holds in PROCESSING until released: the restart happens while the sync waits for it.
    await fetch(`${emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...adminHeaders(emulator.adminToken) },
      body: JSON.stringify({ stallNextJobs: 1, jobKind: 'EXPORT' }),
    });
    const handle = await client.workflow.start(syncEndpoints, {
      taskQueue,
      workflowId: `restart-sync-${Date.now()}`,
      args: [syncInput(bucket, source, target, { maxJobBytes: 64 * 1024 })],
    });
    await eventually('the export wait heartbeating', () => pendingActivityDetails(handle, 'waitForJob'), 60_000);

    await killServer(server);
    say('Temporal server killed');
    await sleep(1_000);
    server = await startServer(port, uiPort);
    say('Temporal server restarted on the same port and database');

    const jobs = await deps.pinpoint.send(new GetExportJobsCommand({ ApplicationId: source }));
    const exportJobs = jobs.ExportJobsResponse?.Item ?? [];
    expect(exportJobs).toHaveLength(1);
    await fetch(`${emulator.url}/_emulator/jobs/${exportJobs[0]!.Id}/release`, {
      method: 'POST',
      headers: adminHeaders(emulator.adminToken),
    });

    const report: SyncReport = await handle.result();
    const invalid = generated(SEEDED).filter((e) => e.Address === '').length;
    expect(report.status).toBe('COMPLETED');
    expect(report.counts).toMatchObject({
      exported: SEEDED,
      rejected: invalid,
      processed: SEEDED - invalid,
      failed: 0,
    });
    const counts = (await (
      await fetch(`${emulator.url}/_emulator/counts`, { headers: adminHeaders(emulator.adminToken) })
    ).json()) as {
      byApp: Record<string, { endpoints: number; jobs: { import: number; export: number } }>;
    };
    expect(counts.byApp[target]).toMatchObject({
      endpoints: SEEDED - invalid,
      jobs: { import: report.importJobs.length },
    });
    expect(counts.byApp[source]?.jobs.export).toBe(1);
  } finally {
    worker.shutdown();
    await running.catch(() => undefined);
    await nativeConnection.close();
    await connection.close();
  }
});
