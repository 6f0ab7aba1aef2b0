/**
 * exportEndpoints end to end on a real Temporal server, real S3 (SeaweedFS) and the Pinpoint emulator: export with
 * download, a job that ends FAILED, a 4xx that fails the run at once with a clear message, injected throttling and
 * 5xx (plus a lost create response) retried to success with exactly one job.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { progressQuery, SA_JOB_ID, SA_STATUS } from '../../src/contracts';
import type { ExportInput, ExportReport } from '../../src/contracts';
import { generateEndpoint } from '../../src/demo/generate-endpoints';
import {
  createApp,
  emulatorAdmin,
  eventually,
  historyText,
  occurrences,
  pendingActivityDetails,
  seedEndpoints,
  startPipelineEnv,
  TEST_ROLE_ARN,
} from './export-import-support';
import type { PipelineEnv } from './export-import-support';
import { runEnd } from './run-end';

let env: PipelineEnv;
let tmp: string;
const FAST_POLL = { initialIntervalMs: 100, maxIntervalMs: 400, maxWaitMs: 120_000 };

beforeAll(async () => {
  env = await startPipelineEnv({ emulator: { pace: 'fast', exportPieceSize: 150 } });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'af-export-'));
});
afterAll(async () => {
  await env?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function exportInput(applicationId: string, extra: Partial<ExportInput> = {}): ExportInput {
  return {
    provider: 'pinpoint',
    applicationId,
    s3Url: `s3://${env.bucket}/exports/`,
    roleArn: TEST_ROLE_ARN,
    poll: FAST_POLL,
    ...extra,
  };
}

function start(input: ExportInput) {
  return env.client.workflow.start('exportEndpoints', {
    taskQueue: env.taskQueue,
    workflowId: `export-${input.applicationId}-${Date.now()}`,
    args: [input],
  });
}

test('exports every endpoint, downloads the pieces intact, keeps addresses out of history', async () => {
  const app = await createApp(env.pinpoint);
  const endpoints = Array.from({ length: 400 }, (_, i) => generateEndpoint(i, { invalidEvery: 0 }));
  await seedEndpoints(env, app, endpoints);
  const downloadDir = path.join(tmp, 'download');

  const handle = await start(exportInput(app, { downloadDir }));
  const report: ExportReport = await handle.result();

  expect(report.status).toBe('COMPLETED');
  expect(report.job).toMatchObject({ state: 'SUCCEEDED', rawStatus: 'COMPLETED', kind: 'EXPORT', applicationId: app });
  expect(report.outputUrl).toBe(`s3://${env.bucket}/exports/${handle.workflowId}/${report.runId}/`);
  expect(report.objects.length).toBe(3); // 400 endpoints, 150 per piece
  for (const o of report.objects) expect(o.key.startsWith(`exports/${handle.workflowId}/${report.runId}/`)).toBe(true);
  expect(report.totalBytes).toBe(report.objects.reduce((s, o) => s + o.size, 0));
  expect(Object.keys(report.durationsMs)).toEqual(
    expect.arrayContaining(['creating-job', 'waiting', 'listing', 'downloading', 'total']),
  );

  // Local files: one per piece, inside the download dir, of the listed size, complete gzip with every endpoint.
  expect(report.localFiles).toHaveLength(3);
  const exported = new Map<string, unknown>();
  for (const [i, file] of report.localFiles!.entries()) {
    expect(file.startsWith(downloadDir + path.sep)).toBe(true);
    expect(fs.statSync(file).size).toBe(report.objects[i]!.size);
    for (const line of gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n').filter(Boolean)) {
      const e = JSON.parse(line) as { Address: string; ApplicationId: string };
      expect(e.ApplicationId).toBe(app);
      exported.set(e.Address, e);
    }
  }
  expect(exported.size).toBe(new Set(endpoints.map((e) => e.Address)).size);
  for (const e of endpoints) expect(exported.has(e.Address!)).toBe(true);
  const leftovers = fs.readdirSync(downloadDir, { recursive: true }).filter((f) => String(f).endsWith('.af-partial'));
  expect(leftovers).toEqual([]);

  // Exactly one export job in the emulator; search attributes and the progress query tell the same story.
  expect((await emulatorAdmin(env).app(app)).jobs.export).toBe(1);
  const described = await handle.describe();
  expect(described.typedSearchAttributes.get(SA_JOB_ID)).toEqual([report.job!.jobId]);
  expect(described.typedSearchAttributes.get(SA_STATUS)).toBe('COMPLETED');
  expect(await handle.query(progressQuery)).toMatchObject({
    pipeline: 'export',
    phase: 'done',
    jobId: report.job!.jobId,
  });

  // The run's history (inputs, results, heartbeats) carries no endpoint data.
  const history = await historyText(handle);
  expect(history.includes(report.job!.jobId)).toBe(true); // decoded payloads are searchable
  expect(history.includes('COMPLETED')).toBe(true);
  expect(
    occurrences(
      history,
      endpoints.map((e) => e.Address!),
    ),
  ).toBe(0);
});

test('a job that ends FAILED fails the run (JobFailed) with a FAILED report naming the job', async () => {
  const app = await createApp(env.pinpoint);
  await seedEndpoints(env, app, [generateEndpoint(1, { invalidEvery: 0 })]);
  await emulatorAdmin(env).faults({ failNextJobs: 1, jobKind: 'EXPORT' });
  const handle = await start(exportInput(app));
  const { report, temporalStatus, failureType, failureMessage } = await runEnd<ExportReport>(handle);
  expect(temporalStatus).toBe('FAILED');
  expect(failureType).toBe('JobFailed');
  expect(failureMessage).toMatch(/^export job \S+ ended FAILED/);
  expect(report.status).toBe('FAILED');
  expect(report.job?.state).toBe('FAILED');
  expect(report.message).toContain(`export job ${report.job!.jobId} ended FAILED`);
  expect(report.objects).toEqual([]);
  expect((await handle.describe()).typedSearchAttributes.get(SA_STATUS)).toBe('FAILED');
});

test("an export into a bucket that does not exist fails (JobFailed) with the platform's failure string", async () => {
  const app = await createApp(env.pinpoint);
  await seedEndpoints(env, app, [generateEndpoint(4, { invalidEvery: 0 })]);
  const handle = await start(exportInput(app, { s3Url: `s3://no-such-bucket-${Date.now()}/exports/` }));
  const { report, temporalStatus, failureType, failureMessage } = await runEnd<ExportReport>(handle);
  expect(temporalStatus).toBe('FAILED');
  expect(failureType).toBe('JobFailed');
  expect(failureMessage).toMatch(
    /^export job \S+ ended FAILED \(1 failed pieces\): s3:\/\/no-such-bucket-\S+ could not be written: \w+/,
  );
  // The S3 error code as the storage answered it (SeaweedFS: AccessDenied; AWS: NoSuchBucket).
  expect(failureMessage).toMatch(/could not be written: (NoSuchBucket|AccessDenied)/);
  expect(report.message).toBe(failureMessage);
});

test('a job that outlives --max-wait: the run cleans up and fails (JobTimedOut) naming the job and the time waited', async () => {
  const app = await createApp(env.pinpoint);
  await seedEndpoints(env, app, [generateEndpoint(5, { invalidEvery: 0 })]);
  const admin = emulatorAdmin(env);
  await admin.faults({ stallNextJobs: 1, jobKind: 'EXPORT' });
  const handle = await start(
    exportInput(app, { poll: { initialIntervalMs: 100, maxIntervalMs: 300, maxWaitMs: 2_000 } }),
  );
  const { report, temporalStatus, failureType, failureMessage } = await runEnd<ExportReport>(handle);
  await admin.clearFaults();
  expect(temporalStatus).toBe('FAILED');
  expect(failureType).toBe('JobTimedOut');
  const jobId = report.job!.jobId;
  expect(failureMessage).toMatch(
    new RegExp(`^export job ${jobId} is still \\w+ after \\d+ s \\(poll maxWaitMs 2000\\)`),
  );
  expect(report.status).toBe('FAILED');
  expect(report.message).toBe(failureMessage);
  expect(await env.stack.s3.listKeys(env.bucket, `exports/${handle.workflowId}/`)).toEqual([]);
  await admin.release(jobId);
});

test('an unknown application fails the run at once (non-retryable) saying what to fix', async () => {
  const missing = 'f'.repeat(32);
  const handle = await start(exportInput(missing));
  const err: unknown = await handle.result().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect(cause?.message).toBe(`application ${missing} not found in region us-east-1; check --app (and AWS_REGION)`);
  expect((cause as ApplicationFailure).type).toBe('NotFound');
  // One attempt only: the activity was not retried.
  const history = await handle.fetchHistory();
  const failedAttempts = history.events?.filter((e) => e.activityTaskFailedEventAttributes) ?? [];
  expect(failedAttempts).toHaveLength(1);
  expect((await handle.describe()).typedSearchAttributes.get(SA_STATUS)).toBe('FAILED');
});

test('bad input fails before any remote call, naming the field', async () => {
  const before = await emulatorAdmin(env).counts();
  const handle = await start(exportInput('not-an-app', { s3Url: 'https://nope' }));
  const err = (await handle.result().catch((e: unknown) => e)) as WorkflowFailedError;
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect(err.cause?.message).toContain('applicationId');
  expect((err.cause as ApplicationFailure).type).toBe('BadInput');
  expect(err.cause?.message).toMatch(
    /applicationId: "not-an-app" is not a Pinpoint application id.*\n.*s3Url: .*s3:\/\//,
  );
  expect((await emulatorAdmin(env).counts()).exportJobs).toBe(before.exportJobs);
});

test('throttling, 5xx and a lost create response are retried to success with exactly one job', async () => {
  const app = await createApp(env.pinpoint);
  await seedEndpoints(env, app, [generateEndpoint(2, { invalidEvery: 0 }), generateEndpoint(3, { invalidEvery: 0 })]);
  const admin = emulatorAdmin(env);
  // CreateExportJob: 429, then 500, then carried out but answered 500 (the response is lost) — then the job stalls
  // in PROCESSING so the polls can be hit too.
  await admin.faults({
    operations: ['CreateExportJob'],
    throttleNext: 1,
    errorNext: 1,
    errorAfterCommitNext: 1,
    stallNextJobs: 1,
  });
  const handle = await start(exportInput(app));
  const polling = await eventually('the wait activity to heartbeat', () =>
    pendingActivityDetails<{ jobId: string; polls: number }>(handle, 'waitForJob'),
  );
  await admin.faults({ operations: ['GetExportJob'], throttleNext: 2, errorNext: 1 });
  await admin.release(polling.jobId);
  const report: ExportReport = await handle.result();
  await admin.clearFaults();

  expect(report.status).toBe('COMPLETED');
  expect(report.job!.jobId).toBe(polling.jobId);
  expect((await admin.app(app)).jobs.export).toBe(1);
  const history = await handle.fetchHistory();
  const retried = history.events?.filter((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1) ?? [];
  expect(retried.length).toBeGreaterThanOrEqual(2); // create and wait were both retried
});
