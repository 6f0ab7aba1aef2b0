/**
 * A lost create response never makes a second job: CreateImportJob (and CreateExportJob) carried out
 * by the emulator but answered 500, so the activity fails after the job exists and its retry must
 * adopt that job. Deterministic (the emulator's errorAfterCommitNext fault), for a local-file import,
 * an S3-prefix import split into several jobs, and a sync's export and import steps; and a status answer slower
 * than the heartbeat timeout, which must not be mistaken for a dead worker. Real Temporal,
 * real S3, the emulator through the unmodified SDK.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ImportInput, ImportReport, SyncReport } from '../../src/contracts';
import { generateEndpoint } from '../../src/demo/generate-endpoints';
import { seedEndpoints } from '../../src/demo/seed-endpoints';
import { endpointsToCsv } from '../../src/formats';
import { createApp, emulatorAdmin, localImportInput, startPipelineEnv } from './export-import-support';
import type { PipelineEnv } from './export-import-support';
import { syncInput } from './sync-support';

let env: PipelineEnv;
let tmp: string;

beforeAll(async () => {
  env = await startPipelineEnv({ emulator: { pace: 'fast', exportPieceSize: 50 } });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'af-lost-'));
});
afterAll(async () => {
  await emulatorAdmin(env)
    .clearFaults()
    .catch(() => undefined);
  await env?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});
afterEach(async () => {
  await emulatorAdmin(env).clearFaults();
});

function rows(count: number, tag: string) {
  return Array.from({ length: count }, (_, i) => ({
    ...generateEndpoint(i, { invalidEvery: 0 }),
    Id: `${tag}-${i}`,
    Address: `${tag}-${i}@example.test`,
    ChannelType: 'EMAIL' as const,
  }));
}

const importInput = (applicationId: string, extra: Partial<ImportInput>): ImportInput =>
  localImportInput(env, applicationId, extra);

async function runImport(input: ImportInput) {
  const handle = await env.client.workflow.start('importEndpoints', {
    taskQueue: env.taskQueue,
    workflowId: `lost-import-${randomUUID()}`,
    args: [input],
  });
  return { handle, report: (await handle.result()) as ImportReport };
}

/** Activity attempts > 1 recorded for `activityType` (the retry that had to adopt). */
async function retriedAttempts(
  handle: { fetchHistory(): Promise<{ events?: unknown[] | null }> },
  activityType: string,
) {
  const history = await handle.fetchHistory();
  const events = (history.events ?? []) as {
    activityTaskScheduledEventAttributes?: { activityType?: { name?: string } | null } | null;
    activityTaskStartedEventAttributes?: { scheduledEventId?: unknown; attempt?: number | null } | null;
    eventId?: unknown;
  }[];
  const scheduled = new Map<string, string>();
  for (const e of events) {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name) scheduled.set(String(e.eventId), name);
  }
  return events.filter(
    (e) =>
      (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1 &&
      scheduled.get(String(e.activityTaskStartedEventAttributes?.scheduledEventId)) === activityType,
  ).length;
}

test('local-file import: a lost CreateImportJob response is adopted — exactly one import job', async () => {
  const app = await createApp(env.pinpoint);
  const file = path.join(tmp, 'lost.csv');
  fs.writeFileSync(file, endpointsToCsv(rows(60, 'lost')));
  await emulatorAdmin(env).faults({ operations: ['CreateImportJob'], errorAfterCommitNext: 1 });

  const { handle, report } = await runImport(importInput(app, { source: { kind: 'local', paths: [file] } }));

  expect(report.status).toBe('COMPLETED');
  expect(report.totals).toMatchObject({ processed: 60, failed: 0 });
  const counts = await emulatorAdmin(env).app(app);
  expect(counts.jobs.import).toBe(1);
  expect(counts.endpoints).toBe(60);
  expect(await retriedAttempts(handle, 'createOrAdoptImportJob')).toBe(1);
});

test('a status answer slower than the heartbeat timeout (10 s) is waited for, not taken for a dead worker', async () => {
  const app = await createApp(env.pinpoint);
  const file = path.join(tmp, 'slow.csv');
  fs.writeFileSync(file, endpointsToCsv(rows(5, 'slow')));
  // Only the job's status requests are slow: the wait activity heartbeats while each one is in flight.
  await emulatorAdmin(env).faults({ operations: ['GetImportJob'], latencyMs: 11_000 });

  const { handle, report } = await runImport(importInput(app, { source: { kind: 'local', paths: [file] } }));

  expect(report.status).toBe('COMPLETED');
  expect(report.totals).toMatchObject({ processed: 5, failed: 0 });
  expect((await emulatorAdmin(env).app(app)).jobs.import).toBe(1);
  expect(await retriedAttempts(handle, 'waitForJob')).toBe(0);
}, 90_000);

test('S3 import split into jobs: a lost response on the second job is adopted — one job per part', async () => {
  const app = await createApp(env.pinpoint);
  const prefix = `incoming/${randomUUID()}/`;
  for (let i = 0; i < 3; i++) {
    const body =
      rows(5, `part${i}`)
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n';
    await env.s3.send(new PutObjectCommand({ Bucket: env.bucket, Key: `${prefix}f${i}.json`, Body: body }));
  }
  // The first create goes through; the second is carried out but its answer lost.
  await emulatorAdmin(env).faults({ operations: ['CreateImportJob'], errorAfterCommitNext: 0 });
  const input = importInput(app, {
    source: { kind: 's3', s3Url: `s3://${env.bucket}/${prefix}` },
    format: 'JSON',
    stagingUrl: `s3://${env.bucket}/staging/`,
    maxJobBytes: 4096,
    maxConcurrentJobs: 1,
  });
  const handle = await env.client.workflow.start('importEndpoints', {
    taskQueue: env.taskQueue,
    workflowId: `lost-split-${randomUUID()}`,
    args: [input],
  });
  // Arm the fault once the first job exists, so it hits a later create.
  for (
    let i = 0;
    i < 200 &&
    (
      await emulatorAdmin(env)
        .app(app)
        .catch(() => undefined)
    )?.jobs.import !== 1;
    i++
  )
    await new Promise((r) => setTimeout(r, 50));
  await emulatorAdmin(env).faults({ operations: ['CreateImportJob'], errorAfterCommitNext: 1 });
  const report = (await handle.result()) as ImportReport;

  expect(report.status).toBe('COMPLETED');
  expect(report.totals).toMatchObject({ processed: 15, failed: 0 });
  const counts = await emulatorAdmin(env).app(app);
  expect(counts.jobs.import).toBe(report.jobs.length);
  expect(report.jobs.length).toBe(3); // each ~3 KB file is one job of at most 4096 bytes
  expect(counts.endpoints).toBe(15);
  expect(await retriedAttempts(handle, 'createOrAdoptImportJob')).toBe(1);
});

test('sync: lost create responses of the export and of the import step are adopted — one job each', async () => {
  const source = await createApp(env.pinpoint, 'lost-source');
  const target = await createApp(env.pinpoint, 'lost-target');
  await seedEndpoints(env.pinpoint, source, 120, { seed: 3, invalidEvery: 0 });
  await emulatorAdmin(env).faults({ operations: ['CreateExportJob', 'CreateImportJob'], errorAfterCommitNext: 2 });

  const handle = await env.client.workflow.start('syncEndpoints', {
    taskQueue: env.taskQueue,
    workflowId: `lost-sync-${randomUUID()}`,
    args: [syncInput(env.bucket, source, target)],
  });
  const report = (await handle.result()) as SyncReport;

  expect(report.status).toBe('COMPLETED');
  expect((await emulatorAdmin(env).app(source)).jobs.export).toBe(1);
  const targetCounts = await emulatorAdmin(env).app(target);
  expect(targetCounts.jobs.import).toBe(1);
  expect(targetCounts.endpoints).toBe(120);
  expect(await retriedAttempts(handle, 'createOrAdoptExportJob')).toBe(1);
  expect(await retriedAttempts(handle, 'createOrAdoptImportJob')).toBe(1);
});
