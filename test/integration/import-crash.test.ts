/**
 * A local-file import survives its worker: `audienceflow worker` in a child process is killed
 * (SIGKILL) in the middle of the upload (S3 reached through a slow link, so the upload lasts) and,
 * in a second run, while it waits for the import job (held by the emulator). A new worker finishes
 * each run: the target application holds exactly the file's endpoints, made by one import job.
 * Real Temporal, real S3, the emulator.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ImportReport, PollHeartbeat } from '../../src/contracts';
import { spawnWorker, startSlowProxy, stopProcesses } from './export-import-processes';
import {
  createApp,
  emulatorAdmin,
  eventually,
  pendingActivityDetails,
  localImportInput,
  startPipelineEnv,
} from './export-import-support';
import type { PipelineEnv, RunningWorker } from './export-import-support';

let env: PipelineEnv;
let tmp: string;
let replacement: RunningWorker | undefined;
const FAST_POLL = { initialIntervalMs: 100, maxIntervalMs: 500, maxWaitMs: 300_000 };

beforeAll(async () => {
  env = await startPipelineEnv({ emulator: { pace: 'fast' }, worker: false });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'af-import-crash-'));
});
afterEach(async () => {
  await stopProcesses();
  await replacement?.stop();
  replacement = undefined;
  await emulatorAdmin(env).clearFaults();
});
afterAll(async () => {
  await env?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function csvFile(name: string, rows: number): string {
  const lines = ['Id,ChannelType,Address,Attributes.plan'];
  for (let i = 0; i < rows; i++) lines.push(`${name}-${i},EMAIL,${name}.${i}@example.test,${i % 3 ? 'pro' : 'free'}`);
  const file = path.join(tmp, `${name}.csv`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function start(applicationId: string, file: string) {
  const input = localImportInput(env, applicationId, { source: { kind: 'local', paths: [file] }, poll: FAST_POLL });
  return env.client.workflow.start('importEndpoints', {
    taskQueue: env.taskQueue,
    workflowId: `import-crash-${applicationId}`,
    args: [input],
  });
}

test('worker killed mid-upload: a new worker finishes with exactly the file, in one import job', async () => {
  const rows = 40_000; // ~2 MB through a 256 KB/s link: several seconds of upload
  const app = await createApp(env.pinpoint);
  const proxy = await startSlowProxy(env.stack.s3.endpoint, 256 * 1024);
  const child = await spawnWorker(env, { AWS_ENDPOINT_URL_S3: proxy.url });
  const handle = await start(app, csvFile('upload', rows));

  await eventually(
    'the upload to be under way',
    async () => {
      const d = await handle.describe();
      return d.raw.pendingActivities?.some(
        (a) => a.activityType?.name === 'uploadLocalFiles' && a.heartbeatDetails?.payloads?.length,
      )
        ? true
        : undefined;
    },
    90_000,
  );
  await child.kill();
  await proxy.close();
  expect((await emulatorAdmin(env).app(app)).jobs.import).toBe(0); // killed before any job

  replacement = await env.startWorker();
  const report = (await handle.result()) as ImportReport;

  expect(report.status).toBe('COMPLETED');
  expect(report.totals).toMatchObject({ rejectedLocally: 0, processed: rows, failed: 0 });
  const counts = await emulatorAdmin(env).app(app);
  expect(counts.jobs.import).toBe(1);
  expect(counts.endpoints).toBe(rows);
});

test('worker killed while waiting for the import job: the new worker polls the same job to its end', async () => {
  const rows = 500;
  const app = await createApp(env.pinpoint);
  await emulatorAdmin(env).faults({ stallNextJobs: 1, jobKind: 'IMPORT' });
  await spawnWorker(env);
  const handle = await start(app, csvFile('wait', rows));

  const polling = await eventually(
    'the wait for the import job',
    () => pendingActivityDetails<PollHeartbeat>(handle, 'waitForJob'),
    90_000,
  );
  await stopProcesses(); // SIGKILL the child worker
  await emulatorAdmin(env).release(polling.jobId);
  replacement = await env.startWorker();
  const report = (await handle.result()) as ImportReport;

  expect(report.status).toBe('COMPLETED');
  expect(report.jobs.map((j) => j.jobId)).toEqual([polling.jobId]);
  const counts = await emulatorAdmin(env).app(app);
  expect(counts.jobs.import).toBe(1);
  expect(counts.endpoints).toBe(rows);
});
