/**
 * Cancelling importEndpoints on a real Temporal server, real S3 (SeaweedFS) and the Pinpoint emulator: while the job is
 * polled and while local files are still uploading. Either way the run ends Canceled in Temporal with a CANCELLED report
 * (kept in its memo), no new job starts, and nothing the run staged is left in S3 (objects or unfinished multipart
 * uploads). Every worker and proxy a test starts is stopped in `finally` (and afterEach), so one failure never takes
 * the next test down.
 */
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SA_STATUS } from '../../src/contracts';
import type { ImportInput, ImportReport, PollHeartbeat } from '../../src/contracts';
import { awsSettings } from '../../src/config';
import { generateEndpoint } from '../../src/demo/generate-endpoints';
import { endpointsToCsv } from '../../src/formats';
import { createS3Client } from '../../src/providers/s3-client';
import { activityDepsFromEnv } from '../../src/worker';
import { startSlowProxy, stopProcesses } from './export-import-processes';
import {
  createApp,
  emulatorAdmin,
  eventually,
  pendingActivityDetails,
  startPipelineEnv,
  TEST_ROLE_ARN,
} from './export-import-support';
import type { PipelineEnv } from './export-import-support';
import { runEnd } from './run-end';

let env: PipelineEnv;
let tmp: string;

beforeAll(async () => {
  env = await startPipelineEnv({ emulator: { pace: 'fast' }, worker: false });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'af-import-cancel-'));
});
afterEach(async () => {
  await stopProcesses();
  await emulatorAdmin(env).clearFaults();
});
afterAll(async () => {
  await env?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function start(applicationId: string, extra: Partial<ImportInput>) {
  const input: ImportInput = {
    provider: 'pinpoint',
    applicationId,
    source: { kind: 'local', paths: [] },
    format: 'CSV',
    stagingUrl: `s3://${env.bucket}/staging/`,
    roleArn: TEST_ROLE_ARN,
    poll: { initialIntervalMs: 100, maxIntervalMs: 500, maxWaitMs: 120_000 },
    ...extra,
  };
  return env.client.workflow.start('importEndpoints', {
    taskQueue: env.taskQueue,
    workflowId: `import-${applicationId}-${Date.now()}`,
    args: [input],
  });
}

async function stagedLeft(workflowId: string): Promise<{ objects: string[]; uploads: number }> {
  const prefix = `staging/${workflowId}/`;
  const uploads = await env.s3.send(new ListMultipartUploadsCommand({ Bucket: env.bucket, Prefix: prefix }));
  return { objects: await env.stack.s3.listKeys(env.bucket, prefix), uploads: uploads.Uploads?.length ?? 0 };
}

/** Runs `body` with a worker, stopping the worker whatever happens. */
async function withWorker<T>(
  deps: Parameters<PipelineEnv['startWorker']>[0] | undefined,
  body: () => Promise<T>,
): Promise<T> {
  const worker = await env.startWorker(deps);
  try {
    return await body();
  } finally {
    await worker.stop();
  }
}

test('cancel while polling: Canceled, the job is named as unstoppable, staged objects deleted', async () => {
  await withWorker(undefined, async () => {
    const app = await createApp(env.pinpoint);
    const file = path.join(tmp, 'small.csv');
    fs.writeFileSync(
      file,
      endpointsToCsv(Array.from({ length: 20 }, (_, i) => generateEndpoint(i, { invalidEvery: 0 }))),
    );
    const admin = emulatorAdmin(env);
    await admin.faults({ stallNextJobs: 1, jobKind: 'IMPORT' });

    const handle = await start(app, { source: { kind: 'local', paths: [file] } });
    const polling = await eventually('the wait to start', () =>
      pendingActivityDetails<PollHeartbeat>(handle, 'waitForJob'),
    );
    expect((await stagedLeft(handle.workflowId)).objects.length).toBeGreaterThan(0); // staged before the job started
    await handle.cancel();
    const { report, temporalStatus } = await runEnd<ImportReport>(handle);

    expect(temporalStatus).toBe('CANCELLED');
    expect(report.status).toBe('CANCELLED');
    // The job's status read after the cancel (held by the emulator), not the one it had when created.
    expect(report.message).toMatch(
      new RegExp(
        `import job ${polling.jobId} (INITIALIZING|PROCESSING) \\(cannot be stopped: Pinpoint has no cancel operation\\)`,
      ),
    );
    expect(report.jobs.map((j) => j.jobId)).toEqual([polling.jobId]);
    // The held job outlives the run: a follow-up waits for it (import jobs write nothing under the run's prefix).
    expect(report.cancelFollowUpId).toBe(`${handle.workflowId}-cancel-followup`);
    expect(await stagedLeft(handle.workflowId)).toEqual({ objects: [], uploads: 0 });
    expect((await handle.describe()).typedSearchAttributes.get(SA_STATUS)).toBe('CANCELLED');
    expect((await admin.app(app)).jobs.import).toBe(1);
    await admin.release(polling.jobId);
  });
});

test('cancel during upload: Canceled, no job created, no staged object or multipart upload left', async () => {
  // This worker reaches S3 through a slow link (256 KiB/s per connection) so the upload is still running when cancelled.
  const proxy = await startSlowProxy(env.stack.s3.endpoint, 256 * 1024);
  try {
    await withWorker(
      { ...activityDepsFromEnv(), s3: createS3Client(awsSettings(), { endpoint: proxy.url }) },
      async () => {
        const app = await createApp(env.pinpoint);
        const file = path.join(tmp, 'big.ndjson');
        const out = fs.createWriteStream(file);
        for (let i = 0; i < 24_000; i++) out.write(`${JSON.stringify(generateEndpoint(i, { invalidEvery: 0 }))}\n`);
        await new Promise((r) => out.end(r));
        expect(fs.statSync(file).size).toBeGreaterThan(9 * 1024 * 1024); // more than one 8 MiB multipart chunk

        const handle = await start(app, { source: { kind: 'local', paths: [file] }, format: 'JSON' });
        // Cancelled once S3 holds a partial (multipart) upload of this run.
        await eventually('a multipart upload in S3', async () =>
          (await stagedLeft(handle.workflowId)).uploads > 0 ? true : undefined,
        );
        await handle.cancel();
        const { report, temporalStatus } = await runEnd<ImportReport>(handle);

        expect(temporalStatus).toBe('CANCELLED');
        expect(report.status).toBe('CANCELLED');
        expect(report.message).toContain('No import job was started');
        expect(report.jobs).toEqual([]);
        expect(await stagedLeft(handle.workflowId)).toEqual({ objects: [], uploads: 0 });
        expect((await emulatorAdmin(env).app(app)).jobs.import).toBe(0);
        const history = await handle.fetchHistory();
        expect(history.events?.some((e) => e.activityTaskCanceledEventAttributes)).toBe(true);
      },
    );
  } finally {
    await proxy.close();
  }
});
