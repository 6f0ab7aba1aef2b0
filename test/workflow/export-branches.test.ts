/**
 * exportEndpoints' branches with mocked activities on Temporal's time-skipping test server: success, a job that
 * ends FAILED, a max wait that runs out, transient failures retried with back-off (minutes of back-off pass at
 * once), bad input, and a cancel during the wait. Seconds in all; the same paths on real servers are in
 * test/integration/.
 */
import type { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/client';
import { Context } from '@temporalio/activity';
import { FailureType } from '../../src/contracts';
import type { ExportInput, ExportReport, JobSnapshot } from '../../src/contracts';
import { runFailure, runWithActivities, timeSkippingSuite, type MockActivities } from './mock-worker';

const APP = 'a'.repeat(32);
const INPUT: ExportInput = {
  provider: 'pinpoint',
  applicationId: APP,
  s3Url: 's3://bucket/exports/',
  roleArn: 'arn:aws:iam::123456789012:role/test',
};

function snapshot(state: JobSnapshot['state'], rawStatus: string): JobSnapshot {
  return { provider: 'pinpoint', kind: 'EXPORT', applicationId: APP, jobId: 'job-1', state, rawStatus, counters: {} };
}

/** The activities of a run whose job succeeds and wrote two pieces; each test overrides what it is about. */
function happyActivities(calls: string[]): MockActivities {
  return {
    checkExportInput: (input: ExportInput) => input,
    createOrAdoptExportJob: () => {
      calls.push('create');
      return { job: snapshot('CREATED', 'CREATED'), adopted: false };
    },
    waitForJob: () => snapshot('SUCCEEDED', 'COMPLETED'),
    listObjects: (input: { prefix: string }) => {
      calls.push(`list ${input.prefix}`);
      return {
        objects: [
          { key: `${input.prefix}a.gz`, size: 10 },
          { key: `${input.prefix}b.gz`, size: 5 },
        ],
        totalBytes: 15,
      };
    },
    exportFailureReasons: () => ['Bucket is not writable'],
    cancelJobs: () => [],
    deleteRunData: (input: { prefix: string; local?: { keys: string[] } }) => {
      calls.push(`delete ${input.prefix} local=${input.local?.keys.length ?? 0}`);
      return { deletedObjects: 2, deletedFiles: input.local?.keys.length ?? 0 };
    },
    downloadObjects: (input: { objects: unknown[] }) => ({ files: input.objects.map((_, i) => `f${i}`), bytes: 15 }),
  };
}

const suite = timeSkippingSuite();

test('a job that succeeds: the pieces under the run prefix are listed and reported', async () => {
  const calls: string[] = [];
  const report = await runWithActivities(suite.env, suite.bundle, happyActivities(calls), (client, taskQueue) =>
    client.workflow.execute('exportEndpoints', { args: [INPUT], taskQueue, workflowId: 'exp-ok' }),
  );
  const r = report as ExportReport;
  expect(r.status).toBe('COMPLETED');
  expect(r.totalBytes).toBe(15);
  expect(r.outputUrl).toMatch(/^s3:\/\/bucket\/exports\/exp-ok\/[0-9a-f-]+\/$/);
  expect(calls).toEqual(['create', `list ${r.outputUrl.slice('s3://bucket/'.length)}`]);
});

test('a job that ends FAILED fails the run as JobFailed with the platform’s reason; nothing is listed', async () => {
  const calls: string[] = [];
  const acts = { ...happyActivities(calls), waitForJob: () => snapshot('FAILED', 'FAILED') };
  const f = await runFailure(
    runWithActivities(suite.env, suite.bundle, acts, (client, taskQueue) =>
      client.workflow.execute('exportEndpoints', { args: [INPUT], taskQueue, workflowId: 'exp-failed' }),
    ),
  );
  expect(f.type).toBe(FailureType.JobFailed);
  expect(f.message).toMatch(/export job job-1 ended FAILED .*: Bucket is not writable/);
  expect((f.details?.[0] as ExportReport).status).toBe('FAILED');
  expect(calls).toEqual(['create']);
});

test('a max wait that runs out: the run deletes what it wrote and fails as JobTimedOut', async () => {
  const calls: string[] = [];
  const acts = {
    ...happyActivities(calls),
    waitForJob: () => {
      throw ApplicationFailure.nonRetryable(
        'export job job-1 is still PROCESSING after 21600 s',
        FailureType.WaitTimeout,
      );
    },
  };
  const f = await runFailure(
    runWithActivities(suite.env, suite.bundle, acts, (client, taskQueue) =>
      client.workflow.execute('exportEndpoints', { args: [INPUT], taskQueue, workflowId: 'exp-timeout' }),
    ),
  );
  expect(f.type).toBe(FailureType.JobTimedOut);
  expect(f.message).toMatch(/still PROCESSING after 21600 s/);
  expect(calls).toEqual(['create', expect.stringMatching(/^delete exports\/exp-timeout\/.+\/ local=0$/)]);
});

test('transient failures are retried with back-off until the call succeeds (minutes pass at once)', async () => {
  const calls: string[] = [];
  let attempts = 0;
  const acts = {
    ...happyActivities(calls),
    createOrAdoptExportJob: () => {
      attempts++;
      if (attempts < 6) throw ApplicationFailure.retryable('throttled', 'Throttled');
      return { job: snapshot('CREATED', 'CREATED'), adopted: true };
    },
  };
  const started = await suite.env.currentTimeMs();
  const report = (await runWithActivities(suite.env, suite.bundle, acts, (client, taskQueue) =>
    client.workflow.execute('exportEndpoints', { args: [INPUT], taskQueue, workflowId: 'exp-retry' }),
  )) as ExportReport;
  expect(report.status).toBe('COMPLETED');
  expect(attempts).toBe(6);
  // Back-off 1 s, 2 s, 4 s, 8 s, 16 s: at least 31 s of workflow time passed.
  expect((await suite.env.currentTimeMs()) - started).toBeGreaterThanOrEqual(31_000);
});

test('bad input fails the run before any job is created', async () => {
  const calls: string[] = [];
  const acts = {
    ...happyActivities(calls),
    checkExportInput: () => {
      throw ApplicationFailure.nonRetryable('applicationId must be 32 hex characters', FailureType.BadInput);
    },
  };
  const f = await runFailure(
    runWithActivities(suite.env, suite.bundle, acts, (client, taskQueue) =>
      client.workflow.execute('exportEndpoints', { args: [INPUT], taskQueue, workflowId: 'exp-bad' }),
    ),
  );
  expect(f.type).toBe(FailureType.BadInput);
  expect(calls).toEqual([]);
});

test('a cancel during the wait: the run deletes what it wrote and ends Canceled; a follow-up waits for the job it could not stop, then deletes its late output', async () => {
  const calls: string[] = [];
  let waiting!: () => void;
  const waitStarted = new Promise<void>((resolve) => (waiting = resolve));
  let waits = 0;
  const acts = {
    ...happyActivities(calls),
    waitForJob: async () => {
      if (++waits > 1) return snapshot('SUCCEEDED', 'COMPLETED');
      waiting();
      const ctx = Context.current();
      for (;;) {
        ctx.heartbeat();
        await Promise.race([ctx.cancelled, new Promise((r) => setTimeout(r, 200))]);
      }
    },
    stopJobsAndSnapshot: () => ({
      jobs: [snapshot('RUNNING', 'PROCESSING')],
      stopped: [],
      cancelFailures: [],
      canCancel: false,
    }),
  };
  const { err, followUp } = await runWithActivities(suite.env, suite.bundle, acts, async (client, taskQueue) => {
    const handle = await client.workflow.start('exportEndpoints', {
      args: [INPUT],
      taskQueue,
      workflowId: 'exp-cancel',
    });
    await waitStarted;
    await handle.cancel();
    const outcome = await handle.result().then(
      () => undefined,
      (e: unknown) => e,
    );
    const described = await handle.describe();
    expect(described.status.name).toBe('CANCELLED');
    expect((described.memo?.report as ExportReport).job?.rawStatus).toBe('PROCESSING');
    const followUpResult = await client.workflow.getHandle('exp-cancel-cancel-followup').result();
    return { err: outcome, followUp: followUpResult as { status: string } };
  });
  expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  expect(followUp.status).toBe('COMPLETED');
  // The run's own cleanup, then the follow-up's once the job had ended.
  expect(calls).toEqual([
    'create',
    expect.stringMatching(/^delete exports\/exp-cancel\/.+\/ local=0$/),
    expect.stringMatching(/^delete exports\/exp-cancel\/.+\/ local=0$/),
  ]);
});
