/**
 * Cancel that leaves nothing behind (issue #11 item 2, #14 item 3), on the real stack: an export cancelled while the
 * emulator holds its job ends Canceled at once with the job's real last status in its report, and its follow-up
 * workflow (`<id>-cancel-followup`, parent close policy ABANDON) waits for the released job, then deletes the pieces
 * the job wrote after the cancel (likewise a sync's export); a follow-up whose grace runs out fails naming the job; an export cancelled while
 * downloading removes the local files it had written. Each test owns its worker(s) and releases what it held in
 * `finally`, so a failure never takes the next test down.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { GetExportJobCommand } from '@aws-sdk/client-pinpoint';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cancelFollowUpWorkflowId } from '../../src/contracts';
import type { CancelFollowUpReport, ExportInput, ExportReport, PollHeartbeat, SyncReport } from '../../src/contracts';
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
import { syncInput } from './sync-support';

let env: PipelineEnv;
let tmp: string;
const FAST_POLL = { initialIntervalMs: 100, maxIntervalMs: 400, maxWaitMs: 300_000 };

beforeAll(async () => {
  // No shared worker: each test starts the worker it needs and stops it in its own finally.
  env = await startPipelineEnv({ emulator: { pace: 'fast', exportPieceSize: 100 }, worker: false });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'af-cancel-followup-'));
});
afterEach(async () => {
  await stopProcesses();
  await emulatorAdmin(env).clearFaults();
});
afterAll(async () => {
  await env?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

function startExport(applicationId: string, extra: Partial<ExportInput> = {}) {
  const input: ExportInput = {
    provider: 'pinpoint',
    applicationId,
    roleArn: TEST_ROLE_ARN,
    s3Url: `s3://${env.bucket}/exports/`,
    poll: FAST_POLL,
    ...extra,
  };
  return env.client.workflow.start('exportEndpoints', {
    taskQueue: env.taskQueue,
    workflowId: `cancel-followup-${applicationId}-${Date.now()}`,
    args: [input],
  });
}

async function appWithEndpoints(count: number): Promise<string> {
  const app = await createApp(env.pinpoint);
  await seedEndpoints(
    env,
    app,
    Array.from({ length: count }, (_, i) => generateEndpoint(i, { invalidEvery: 0 })),
  );
  return app;
}

/** The UI's "current details" of a run (what setCurrentDetails last set), read like the Web UI reads them. */
async function currentDetails(handle: WorkflowHandle): Promise<string> {
  const meta = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
  return meta.currentDetails ?? '';
}

/** Holds the next export job in PROCESSING, starts the export, and waits until the run polls the held job. */
async function exportWithHeldJob(app: string, extra: Partial<ExportInput> = {}) {
  await emulatorAdmin(env).faults({ stallNextJobs: 1, jobKind: 'EXPORT' });
  const handle = await startExport(app, extra);
  const polling = await eventually(
    'the wait to see the held job PROCESSING',
    async () => {
      const hb = await pendingActivityDetails<PollHeartbeat>(handle, 'waitForJob');
      return hb?.rawStatus === 'PROCESSING' ? hb : undefined;
    },
    60_000,
  );
  return { handle, jobId: polling.jobId };
}

test('export cancelled while its job is held: Canceled at once with the job PROCESSING; the follow-up deletes every piece the released job wrote', async () => {
  const worker = await env.startWorker();
  let held: string | undefined;
  try {
    const app = await appWithEndpoints(450);
    const { handle, jobId } = await exportWithHeldJob(app);
    held = jobId;
    const prefix = `exports/${handle.workflowId}/`;

    // The UI's details name the running job once, with its kind and its live status (the wait activity signals it).
    const details = await eventually('the details to show the job PROCESSING', async () => {
      const d = await currentDetails(handle);
      return d.includes(`export job \`${jobId}\` PROCESSING`) ? d : undefined;
    });
    expect(details.split(jobId).length - 1).toBe(1);

    const cancelledAt = Date.now();
    await handle.cancel();
    const { report, temporalStatus } = await runEnd<ExportReport>(handle);
    expect(temporalStatus).toBe('CANCELLED');
    expect(Date.now() - cancelledAt).toBeLessThan(15_000);
    // The job's last known status, read after the cancel — not the CREATED it had when the run created it.
    expect(report.job).toMatchObject({ jobId, rawStatus: 'PROCESSING', state: 'RUNNING' });
    const followUpId = cancelFollowUpWorkflowId(handle.workflowId);
    expect(report.cancelFollowUpId).toBe(followUpId);
    expect(report.message).toContain(
      `Last known: export job ${jobId} PROCESSING (cannot be stopped: Pinpoint has no cancel operation).`,
    );
    expect(report.message).toContain(`Follow-up workflow ${followUpId} waits up to 1h for export job ${jobId} to end`);

    // The follow-up outlives the cancelled run, visible with a clear summary, still waiting for the held job.
    const followUp = env.client.workflow.getHandle(followUpId);
    const described = await followUp.describe();
    expect(described.status.name).toBe('RUNNING');
    expect(described.type).toBe('cancelFollowUp');
    expect(await described.staticSummary()).toContain(`wait up to 1h for export job ${jobId}`);
    expect(await currentDetails(followUp)).toContain(`export job \`${jobId}\` PROCESSING`);

    await emulatorAdmin(env).release(jobId);
    held = undefined;
    const end = await runEnd<CancelFollowUpReport>(followUp);

    // The released job wrote its pieces after the cancel; the follow-up deleted every one of them.
    const job = await env.pinpoint.send(new GetExportJobCommand({ ApplicationId: app, JobId: jobId }));
    const written = job.ExportJobResponse?.TotalPieces ?? 0;
    expect(job.ExportJobResponse?.JobStatus).toBe('COMPLETED');
    expect(written).toBeGreaterThanOrEqual(2);
    expect(end.temporalStatus).toBe('COMPLETED');
    expect(end.report.status).toBe('COMPLETED');
    expect(end.report.deletedObjects).toBeGreaterThanOrEqual(written);
    expect(end.report.jobs).toEqual([expect.objectContaining({ jobId, rawStatus: 'COMPLETED' })]);
    expect(await env.stack.s3.listKeys(env.bucket, prefix)).toEqual([]);
    expect(await currentDetails(followUp)).toContain('**COMPLETED**');
  } finally {
    if (held) await emulatorAdmin(env).release(held);
    await worker.stop();
  }
});

test('a follow-up whose grace runs out with the job still running fails, naming the job', async () => {
  const worker = await env.startWorker();
  let held: string | undefined;
  try {
    const app = await appWithEndpoints(5);
    const { handle, jobId } = await exportWithHeldJob(app, { cancelGraceMs: 2_000 });
    held = jobId;
    await handle.cancel();
    const { report } = await runEnd<ExportReport>(handle);
    expect(report.message).toContain(`waits up to 2s for export job ${jobId}`);

    const end = await runEnd<CancelFollowUpReport>(env.client.workflow.getHandle(report.cancelFollowUpId!));
    expect(end.temporalStatus).toBe('FAILED');
    expect(end.failureType).toBe('CancelGraceExpired');
    expect(end.failureMessage).toContain(`export job ${jobId} is still PROCESSING after the cancel grace of 2s`);
    expect(end.report.jobs).toEqual([expect.objectContaining({ jobId, rawStatus: 'PROCESSING' })]);
  } finally {
    if (held) await emulatorAdmin(env).release(held);
    await worker.stop();
  }
});

test('sync cancelled while its export job is held: the follow-up deletes the pieces the released job wrote', async () => {
  const worker = await env.startWorker();
  let held: string | undefined;
  try {
    const source = await appWithEndpoints(300);
    const target = await createApp(env.pinpoint);
    await emulatorAdmin(env).faults({ stallNextJobs: 1, jobKind: 'EXPORT' });
    const handle = await env.client.workflow.start('syncEndpoints', {
      taskQueue: env.taskQueue,
      workflowId: `cancel-followup-sync-${source}-${Date.now()}`,
      args: [syncInput(env.bucket, source, target, { poll: FAST_POLL })],
    });
    const polling = await eventually(
      'the sync to poll the held export job',
      async () => {
        const hb = await pendingActivityDetails<PollHeartbeat>(handle, 'waitForJob');
        return hb?.rawStatus === 'PROCESSING' ? hb : undefined;
      },
      60_000,
    );
    held = polling.jobId;
    // The details name the export job once, with its kind (the phase note does not repeat it).
    const details = await currentDetails(handle);
    expect(details).toContain(`export job \`${polling.jobId}\``);
    expect(details.split(polling.jobId).length - 1).toBe(1);
    await handle.cancel();
    const { report, temporalStatus } = await runEnd<SyncReport>(handle);
    expect(temporalStatus).toBe('CANCELLED');
    expect(report.exportJob).toMatchObject({ jobId: polling.jobId, rawStatus: 'PROCESSING' });
    expect(report.cancelFollowUpId).toBe(cancelFollowUpWorkflowId(handle.workflowId));

    await emulatorAdmin(env).release(polling.jobId);
    held = undefined;
    const end = await runEnd<CancelFollowUpReport>(env.client.workflow.getHandle(report.cancelFollowUpId!));
    const job = await env.pinpoint.send(new GetExportJobCommand({ ApplicationId: source, JobId: polling.jobId }));
    expect(end.temporalStatus).toBe('COMPLETED');
    expect(job.ExportJobResponse?.TotalPieces ?? 0).toBeGreaterThanOrEqual(2);
    expect(end.report.deletedObjects).toBeGreaterThanOrEqual(job.ExportJobResponse?.TotalPieces ?? 0);
    expect(await env.stack.s3.listKeys(env.bucket, `sync/${handle.workflowId}/`)).toEqual([]);
    // Only the export job's output: nothing was imported into the target.
    expect(await emulatorAdmin(env).app(target)).toMatchObject({ endpoints: 0, jobs: { import: 0 } });
  } finally {
    if (held) await emulatorAdmin(env).release(held);
    await worker.stop();
  }
});

test('export cancelled after some pieces were downloaded: the local files it wrote are removed', async () => {
  const app = await appWithEndpoints(2_000);
  const downloadDir = path.join(tmp, 'downloads');
  // The only worker reaches S3 through a slow link, so the download is still going when the cancel comes.
  const proxy = await startSlowProxy(env.stack.s3.endpoint, 48 * 1024);
  try {
    await spawnWorker(env, { AWS_ENDPOINT_URL_S3: proxy.url });
    const handle = await startExport(app, { downloadDir });
    const before = await eventually(
      'a first complete download',
      () => Promise.resolve(completeFiles(downloadDir).length >= 1 ? completeFiles(downloadDir) : undefined),
      90_000,
    );
    await handle.cancel();
    const { report, temporalStatus } = await runEnd<ExportReport>(handle);

    expect(temporalStatus).toBe('CANCELLED');
    expect(before.length).toBeGreaterThanOrEqual(1);
    for (const file of before) expect(fs.existsSync(file)).toBe(false);
    expect(completeFiles(downloadDir)).toEqual([]);
    expect(report.message).toMatch(/and [1-9]\d* local file\(s\) of this run/);
    // The job had ended before the download: nothing to follow up.
    expect(report.cancelFollowUpId).toBeUndefined();
    expect(await env.stack.s3.listKeys(env.bucket, `exports/${handle.workflowId}/`)).toEqual([]);
  } finally {
    await stopProcesses();
    await proxy.close();
  }
});

/** Downloaded pieces (complete, renamed) under dir. */
function completeFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true })
    .map((f) => path.join(dir, String(f)))
    .filter((f) => f.endsWith('.gz') && fs.statSync(f).isFile());
}
