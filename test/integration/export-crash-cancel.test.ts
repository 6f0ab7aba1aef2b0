/**
 * exportEndpoints under failure: the worker process killed (SIGKILL) while polling and while downloading — a new
 * worker finishes the run, the emulator holds exactly one export job, no downloaded file is corrupt — and
 * cancellation while polling (CANCELLED report, nothing of the run left in S3).
 */
import type { WorkflowHandle } from '@temporalio/client';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { ExportInput, ExportReport, PollHeartbeat } from '../../src/contracts';
import { SA_STATUS } from '../../src/contracts';
import { generateEndpoint } from '../../src/demo/generate-endpoints';
import { spawnWorker, startSlowProxy, stopProcesses } from './export-import-processes';
import {
  createApp,
  emulatorAdmin,
  eventually,
  pendingActivityDetails,
  seedEndpoints,
  startPipelineEnv,
  TEST_ROLE_ARN,
} from './export-import-support';
import type { PipelineEnv } from './export-import-support';
import { runEnd } from './run-end';

let env: PipelineEnv;
let tmp: string;
const FAST_POLL = { initialIntervalMs: 100, maxIntervalMs: 500, maxWaitMs: 300_000 };

beforeAll(async () => {
  // No in-process worker at first: each test decides which worker runs when.
  env = await startPipelineEnv({ emulator: { pace: 'fast', exportPieceSize: 400 }, worker: false });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'af-export-crash-'));
});
afterEach(async () => {
  await stopProcesses();
  await emulatorAdmin(env).clearFaults();
});
afterAll(async () => {
  await env?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function start(input: Omit<ExportInput, 'provider' | 'roleArn' | 's3Url' | 'poll'>) {
  return env.client.workflow.start('exportEndpoints', {
    taskQueue: env.taskQueue,
    workflowId: `export-${input.applicationId}-${Date.now()}`,
    args: [
      { provider: 'pinpoint', roleArn: TEST_ROLE_ARN, s3Url: `s3://${env.bucket}/exports/`, poll: FAST_POLL, ...input },
    ],
  });
}

function gunzipLines(file: string): number {
  return gunzipSync(fs.readFileSync(file)).toString('utf8').split('\n').filter(Boolean).length;
}

test('worker killed mid-poll: a new worker polls the same job to its end (no second export job)', async () => {
  const app = await createApp(env.pinpoint);
  await seedEndpoints(
    env,
    app,
    Array.from({ length: 50 }, (_, i) => generateEndpoint(i, { invalidEvery: 0 })),
  );
  const admin = emulatorAdmin(env);
  await admin.faults({ stallNextJobs: 1, jobKind: 'EXPORT' });
  const child = await spawnWorker(env);
  const handle = await start({ applicationId: app });
  const polling = await eventually(
    'the child worker to poll the job',
    () => pendingActivityDetails<PollHeartbeat>(handle, 'waitForJob'),
    60_000,
  );
  expect(['CREATED', 'RUNNING']).toContain(polling.state); // killed while the job is still going
  await child.kill();
  await admin.release(polling.jobId);

  const replacement = await env.startWorker();
  const report: ExportReport = await handle.result();
  await replacement.stop();

  expect(report.status).toBe('COMPLETED');
  expect(report.job!.jobId).toBe(polling.jobId);
  expect((await admin.app(app)).jobs.export).toBe(1);
  const history = await handle.fetchHistory();
  const waitAttempts = history.events
    ?.filter((e) => e.activityTaskStartedEventAttributes)
    .map((e) => e.activityTaskStartedEventAttributes!.attempt);
  expect(waitAttempts).toContain(2); // the wait was retried after the heartbeat timeout
});

test('worker killed mid-download: the new worker resumes, files are complete and intact', async () => {
  const app = await createApp(env.pinpoint);
  const total = 4_000;
  await seedEndpoints(
    env,
    app,
    Array.from({ length: total }, (_, i) => generateEndpoint(i, { invalidEvery: 0 })),
  );
  const downloadDir = path.join(tmp, 'dl');
  // The child worker reaches S3 through a slow link, so the download takes several seconds.
  const proxy = await startSlowProxy(env.stack.s3.endpoint, 48 * 1024);
  const child = await spawnWorker(env, { AWS_ENDPOINT_URL_S3: proxy.url });
  const handle = await start({ applicationId: app, downloadDir });

  // Killed as soon as the first piece is complete on disk (the others are still to come or half-written).
  await eventually(
    'a first complete download',
    () => Promise.resolve(completeFiles(downloadDir).size >= 1 ? true : undefined),
    90_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n${child.output().slice(-3000)}`);
  });
  await child.kill();
  await proxy.close();
  const before = completeFiles(downloadDir);
  const pieces = (await env.stack.s3.listKeys(env.bucket, `exports/${handle.workflowId}/`)).filter((k) =>
    k.endsWith('.gz'),
  );
  expect(before.size).toBeGreaterThanOrEqual(1);
  expect(before.size).toBeLessThan(pieces.length);

  const replacement = await env.startWorker();
  const report: ExportReport = await handle.result();
  await replacement.stop();

  expect(report.status).toBe('COMPLETED');
  expect((await emulatorAdmin(env).app(app)).jobs.export).toBe(1);
  expect(report.localFiles).toHaveLength(report.objects.length);
  let lines = 0;
  for (const [i, file] of report.localFiles!.entries()) {
    expect(fs.statSync(file).size).toBe(report.objects[i]!.size);
    lines += gunzipLines(file);
  }
  expect(lines).toBe(total);
  // Files finished before the kill were kept (not downloaded again); no partial file is left behind.
  for (const [file, mtime] of before) expect(fs.statSync(file).mtimeMs).toBe(mtime);
  const partial = fs.readdirSync(downloadDir, { recursive: true }).filter((f) => String(f).endsWith('.af-partial'));
  expect(partial).toEqual([]);
});

test('cancel while polling: Canceled with a report saying Pinpoint cannot stop the job, run prefix empty', async () => {
  const worker = await env.startWorker();
  try {
    const app = await createApp(env.pinpoint);
    await seedEndpoints(env, app, [generateEndpoint(7, { invalidEvery: 0 })]);
    const admin = emulatorAdmin(env);
    await admin.faults({ stallNextJobs: 1, jobKind: 'EXPORT' });
    const handle = await start({ applicationId: app, downloadDir: path.join(tmp, 'cancelled') });
    const polling = await eventually('the wait to start', () =>
      pendingActivityDetails<PollHeartbeat>(handle, 'waitForJob'),
    );
    await handle.cancel();
    const { report, temporalStatus } = await runEnd<ExportReport>(handle);

    expect(temporalStatus).toBe('CANCELLED');
    expect(report.status).toBe('CANCELLED');
    // The job's status read after the cancel (held by the emulator), not the one it had when created.
    expect(report.message).toMatch(
      new RegExp(
        `export job ${polling.jobId} (INITIALIZING|PROCESSING) \\(cannot be stopped: Pinpoint has no cancel operation\\)`,
      ),
    );
    expect(report.objects).toEqual([]);
    expect(await env.stack.s3.listKeys(env.bucket, `exports/${handle.workflowId}/`)).toEqual([]);
    expect((await handle.describe()).typedSearchAttributes.get(SA_STATUS)).toBe('CANCELLED');
    // The wait activity ended as cancelled (it saw the cancellation through its heartbeat), not by timeout.
    const history = await handle.fetchHistory();
    expect(history.events?.some((e) => e.activityTaskCanceledEventAttributes)).toBe(true);
    // Prompt: from the cancel request to the polling activity reporting itself cancelled, within 2 s.
    const requested = eventTimeMs(history, (e) => e.workflowExecutionCancelRequestedEventAttributes);
    const seen = eventTimeMs(history, (e) => e.activityTaskCanceledEventAttributes);
    expect(seen - requested).toBeGreaterThanOrEqual(0);
    expect(seen - requested).toBeLessThan(2_000);
    await admin.release(polling.jobId);
  } finally {
    await worker.stop();
  }
});

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

/** When the first event `pick` selects was recorded (ms since the epoch; NaN when there is none). */
function eventTimeMs(history: History, pick: (e: NonNullable<History['events']>[number]) => unknown): number {
  const t = history.events?.find((e) => pick(e))?.eventTime;
  return t ? Number(t.seconds) * 1000 + Math.round((t.nanos ?? 0) / 1e6) : NaN;
}

/** Finished (renamed) files under dir with their modification times. */
function completeFiles(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  if (!fs.existsSync(dir)) return out;
  for (const f of fs.readdirSync(dir, { recursive: true })) {
    const full = path.join(dir, String(f));
    if (full.endsWith('.gz') && fs.statSync(full).isFile()) out.set(full, fs.statSync(full).mtimeMs);
  }
  return out;
}
