/**
 * importEndpoints' branches with mocked activities on Temporal's time-skipping test server: the job window
 * (never more jobs at once than maxConcurrentJobs), a failure that stops new jobs, nothing to import, too many
 * rejected rows, and what is deleted at the end. The same paths on real servers are in test/integration/.
 */
import { ApplicationFailure } from '@temporalio/client';
import { FailureType } from '../../src/contracts';
import type { ImportInput, ImportReport, JobSnapshot } from '../../src/contracts';
import { runFailure, runWithActivities, timeSkippingSuite, type MockActivities } from './mock-worker';

const APP = 'b'.repeat(32);
const INPUT: ImportInput = {
  provider: 'pinpoint',
  applicationId: APP,
  source: { kind: 'local', paths: ['/data/a.csv'] },
  format: 'CSV',
  stagingUrl: 's3://bucket/staging/',
  roleArn: 'arn:aws:iam::123456789012:role/test',
};

function job(jobId: string, state: JobSnapshot['state'], processed = 10, failures = 0): JobSnapshot {
  return {
    provider: 'pinpoint',
    kind: 'IMPORT',
    applicationId: APP,
    jobId,
    state,
    rawStatus: state === 'SUCCEEDED' ? 'COMPLETED' : state,
    counters: { totalProcessed: processed, totalFailures: failures },
  };
}

interface Trace {
  events: string[];
  running: number;
  maxRunning: number;
}

/** A run that staged `parts` parts of 10 rows (`rejected` rows refused locally) whose jobs all succeed. */
function activities(trace: Trace, parts: number, rejected = 0): MockActivities {
  let created = 0;
  return {
    checkImportInput: (input: ImportInput) => input,
    checkApplication: () => undefined,
    uploadLocalFiles: (input: { bucket: string; prefix: string }) => ({
      format: 'JSON',
      parts: Array.from({ length: parts }, (_, i) => ({ s3Url: `s3://${input.bucket}/${input.prefix}parts/p${i}/` })),
      uploaded: parts * 10,
      rejected,
      fileProblems: [],
      inputBytes: 100,
    }),
    createOrAdoptImportJob: () => {
      created++;
      trace.events.push(`create ${created}`);
      return { job: job(`job-${created}`, 'CREATED', 0), adopted: false };
    },
    waitForJob: async (input: { job: { jobId: string } }) => {
      trace.running++;
      trace.maxRunning = Math.max(trace.maxRunning, trace.running);
      await new Promise((r) => setTimeout(r, 50));
      trace.running--;
      return job(input.job.jobId, 'SUCCEEDED');
    },
    writeFailureReport: (input: { location: string }) => ({ location: input.location }),
    deleteRunData: (input: { prefix: string; only?: string[] }) => {
      trace.events.push(`delete ${input.only?.join(',') ?? 'all'}`);
      return { deletedObjects: 1, deletedFiles: 0 };
    },
    cancelJobs: () => [],
  };
}

const newTrace = (): Trace => ({ events: [], running: 0, maxRunning: 0 });

const suite = timeSkippingSuite();

test('five parts, two jobs at a time: every part gets one job, never three at once; staging is released', async () => {
  const trace = newTrace();
  const report = (await runWithActivities(suite.env, suite.bundle, activities(trace, 5), (client, taskQueue) =>
    client.workflow.execute('importEndpoints', {
      args: [{ ...INPUT, maxConcurrentJobs: 2 }],
      taskQueue,
      workflowId: 'imp-window',
    }),
  )) as ImportReport;
  expect(report.status).toBe('COMPLETED');
  expect(report.jobs.map((j) => j.jobId).sort()).toEqual(['job-1', 'job-2', 'job-3', 'job-4', 'job-5']);
  expect(report.totals.processed).toBe(50);
  expect(trace.maxRunning).toBe(2);
  expect(trace.events.at(-1)).toBe('delete parts/,jobs/');
});

test('a wait that fails stops the lanes: no new job starts after it, and the run fails', async () => {
  const trace = newTrace();
  const acts = activities(trace, 5);
  acts.waitForJob = (input: { job: { jobId: string } }) => {
    if (input.job.jobId === 'job-1') throw ApplicationFailure.nonRetryable('access denied', 'AccessDenied');
    return new Promise((resolve) => setTimeout(() => resolve(job(input.job.jobId, 'SUCCEEDED')), 200));
  };
  const f = await runFailure(
    runWithActivities(suite.env, suite.bundle, acts, (client, taskQueue) =>
      client.workflow.execute('importEndpoints', {
        args: [{ ...INPUT, maxConcurrentJobs: 1 }],
        taskQueue,
        workflowId: 'imp-stop',
      }),
    ),
  );
  expect(f.message).toMatch(/access denied/);
  expect(trace.events.filter((e) => e.startsWith('create'))).toEqual(['create 1']);
  expect(trace.events.at(-1)).toBe('delete parts/,jobs/');
});

test('every row rejected: the run fails as NothingToImport without creating a job', async () => {
  const trace = newTrace();
  const f = await runFailure(
    runWithActivities(suite.env, suite.bundle, activities(trace, 0, 3), (client, taskQueue) =>
      client.workflow.execute('importEndpoints', { args: [INPUT], taskQueue, workflowId: 'imp-nothing' }),
    ),
  );
  expect(f.type).toBe(FailureType.NothingToImport);
  expect(f.message).toMatch(/all 3 entries were rejected/);
  expect(trace.events.filter((e) => e.startsWith('create'))).toEqual([]);
});

test('rejected rows over --max-rejected fail the run as TooManyRejected after the valid rows were imported', async () => {
  const trace = newTrace();
  const input = { ...INPUT, maxRejected: { percent: 10 } };
  const f = await runFailure(
    runWithActivities(suite.env, suite.bundle, activities(trace, 1, 2), (client, taskQueue) =>
      client.workflow.execute('importEndpoints', { args: [input], taskQueue, workflowId: 'imp-too-many' }),
    ),
  );
  expect(f.type).toBe(FailureType.TooManyRejected);
  // 2 rejected locally of 12 rows (10 processed by the job) is 16.7 % > 10 %.
  expect(f.message).toMatch(/^2 of 12 rows were rejected/);
  expect((f.details?.[0] as ImportReport).totals.processed).toBe(10);
  const within = await runWithActivities(suite.env, suite.bundle, activities(newTrace(), 1, 1), (client, taskQueue) =>
    client.workflow.execute('importEndpoints', {
      args: [{ ...INPUT, maxRejected: { percent: 10 } }],
      taskQueue,
      workflowId: 'imp-within',
    }),
  );
  expect((within as ImportReport).status).toBe('COMPLETED');
});

test('--keep-staging: nothing is deleted when the run ends', async () => {
  const trace = newTrace();
  const report = (await runWithActivities(suite.env, suite.bundle, activities(trace, 2), (client, taskQueue) =>
    client.workflow.execute('importEndpoints', {
      args: [{ ...INPUT, keepStaging: true }],
      taskQueue,
      workflowId: 'imp-keep',
    }),
  )) as ImportReport;
  expect(report.message).toMatch(/Staged files kept under s3:\/\/bucket\/staging\/imp-keep\//);
  expect(trace.events.filter((e) => e.startsWith('delete'))).toEqual([]);
});
