/**
 * A lost create response never makes a second job: CreateImportJob (and CreateExportJob) carried out
 * by the emulator but answered 500, so the activity fails after the job exists and its retry must
 * adopt that job. Deterministic (the emulator's errorAfterCommitNext fault), for a local-file import,
 * an S3-prefix import split into several jobs, and a sync's export and import steps; and a status answer slower
 * than the heartbeat timeout, which must not be mistaken for a dead worker; a create answer slower than 20 s, and a
 * twin export job under the run's export root (what an abandoned create attempt leaves), which the run must not read.
 * Real Temporal,
 * real S3, the emulator through the unmodified SDK.
 */
import { CreateExportJobCommand, GetExportJobCommand, GetExportJobsCommand } from '@aws-sdk/client-pinpoint';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseS3Url } from '../../src/contracts';
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

test('sync: a create call slower than 20 s is waited for while it heartbeats — no second attempt, one export job', async () => {
  const source = await createApp(env.pinpoint, 'slow-create-source');
  const target = await createApp(env.pinpoint, 'slow-create-target');
  await seedEndpoints(env.pinpoint, source, 60, { seed: 5, invalidEvery: 0 });
  // Before the create call heartbeated, 20 s was its whole budget: a slower answer started a second attempt next to
  // the first, and under load both created a job.
  await emulatorAdmin(env).faults({ operations: ['CreateExportJob'], latencyMs: 22_000 });

  const handle = await env.client.workflow.start('syncEndpoints', {
    taskQueue: env.taskQueue,
    workflowId: `slow-create-${randomUUID()}`,
    args: [syncInput(env.bucket, source, target)],
  });
  const report = (await handle.result()) as SyncReport;

  expect(report.status).toBe('COMPLETED');
  expect((await emulatorAdmin(env).app(source)).jobs.export).toBe(1);
  expect(report.counts.processed).toBe(60);
  expect((await emulatorAdmin(env).app(target)).endpoints).toBe(60);
  expect(await retriedAttempts(handle, 'createOrAdoptExportJob')).toBe(0);
}, 90_000);

test('sync: a second export job under the run (an abandoned attempt created it late) is never read', async () => {
  const source = await createApp(env.pinpoint, 'twin-source');
  const target = await createApp(env.pinpoint, 'twin-target');
  await seedEndpoints(env.pinpoint, source, 60, { seed: 6, invalidEvery: 0 });
  await emulatorAdmin(env).faults({ stallNextJobs: 1, jobKind: 'EXPORT' });
  const input = syncInput(env.bucket, source, target);
  const handle = await env.client.workflow.start('syncEndpoints', {
    taskQueue: env.taskQueue,
    workflowId: `twin-export-${randomUUID()}`,
    args: [input],
  });
  const own = await onlyExportJob(source);
  // The run's job writes to its attempt's folder below the run's export root.
  expect(own.Definition?.S3UrlPrefix).toMatch(/\/export\/attempt-1\/$/);
  const root = (own.Definition?.S3UrlPrefix ?? '').replace(/attempt-1\/$/, '');
  // What a stalled first attempt does when it wakes after its retry has created the run's job: a twin job at the run's
  // export root, in its own attempt's folder. It completes while the run's job is still held.
  const twin = await env.pinpoint.send(
    new CreateExportJobCommand({
      ApplicationId: source,
      ExportJobRequest: { S3UrlPrefix: `${root}attempt-2/`, RoleArn: input.roleArn },
    }),
  );
  await waitForExportJob(source, twin.ExportJobResponse?.Id ?? '');
  await emulatorAdmin(env).release(own.Id ?? '');
  const report = (await handle.result()) as SyncReport;

  expect(report.status).toBe('COMPLETED');
  expect(report.exportJob?.jobId).toBe(own.Id);
  expect(report.exportJob?.location).toBe(own.Definition?.S3UrlPrefix);
  // Only the run's own job's 60 endpoints were transferred and imported, not the twin's copy too.
  expect(report.counts.exported).toBe(60);
  expect(report.counts.processed).toBe(60);
  expect((await emulatorAdmin(env).app(target)).endpoints).toBe(60);
  // The run's staging, the twin's pieces included, is gone.
  const left = await env.s3.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: parseS3Url(root).key }));
  expect(left.KeyCount ?? 0).toBe(0);
}, 90_000);

async function onlyExportJob(applicationId: string) {
  for (let i = 0; i < 200; i++) {
    const out = await env.pinpoint.send(new GetExportJobsCommand({ ApplicationId: applicationId }));
    const items = out.ExportJobsResponse?.Item ?? [];
    if (items.length > 0) {
      expect(items).toHaveLength(1);
      return items[0]!;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no export job appeared in ${applicationId}`);
}

async function waitForExportJob(applicationId: string, jobId: string) {
  for (let i = 0; i < 300; i++) {
    const out = await env.pinpoint.send(new GetExportJobCommand({ ApplicationId: applicationId, JobId: jobId }));
    if (out.ExportJobResponse?.JobStatus === 'COMPLETED') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`export job ${jobId} did not complete`);
}
