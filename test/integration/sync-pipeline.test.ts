/**
 * syncEndpoints end to end on a real Temporal dev server, real S3 (SeaweedFS) and the Pinpoint
 * emulator, with the real activities in an in-process worker: exact counts in the target
 * application, transforms, a dry run, cancellation mid-transfer, and a schedule that fires.
 */
import { GetEndpointCommand } from '@aws-sdk/client-pinpoint';
import { ScheduleOverlapPolicy } from '@temporalio/client';
import type { ActivityDeps } from '../../activities';
import { safeSegment } from '../../src/contracts';
import type { SyncReport } from '../../src/contracts';
import { seedEndpoints } from '../../src/demo/seed-endpoints';
import { activityDepsFromEnv } from '../../src/worker';
import { syncEndpoints } from '../../workflows';
import {
  createApp,
  emulatorAdmin,
  eventually,
  historyText,
  occurrences,
  pendingActivityDetails,
  startPipelineEnv,
} from './export-import-support';
import type { PipelineEnv, RunningWorker } from './export-import-support';
import { runEnd } from './run-end';
import { generated, GEN, readJson, syncInput } from './sync-support';
import type { SyncReportFile } from './sync-support';

const SEEDED = 600;
const PIECE = 150; // the emulator writes 4 export pieces
let env: PipelineEnv;
let worker: RunningWorker;
let source: string;

beforeAll(async () => {
  env = await startPipelineEnv({
    emulator: { pace: 'fast', exportPieceSize: PIECE },
    worker: false,
  });
  worker = await env.startWorker();
  source = await createApp(env.pinpoint, 'sync-source');
  await seedEndpoints(env.pinpoint, source, SEEDED, GEN);
});

afterAll(async () => {
  await env?.stop();
});

function start(
  target: string,
  extra: Parameters<typeof syncInput>[3] = {},
  id = `sync-${target.slice(0, 8)}-${Date.now()}`,
) {
  return env.client.workflow.start(syncEndpoints, {
    taskQueue: env.taskQueue,
    workflowId: id,
    args: [syncInput(env.bucket, source, target, extra)],
  });
}

test('a sync copies every valid endpoint: exact counts at every stage and in the target app', async () => {
  const target = await createApp(env.pinpoint, 'sync-target');
  const all = generated(SEEDED);
  const invalid = all.filter((e) => e.Address === '').length;
  expect(invalid).toBe(6);
  const exportsBefore = (await emulatorAdmin(env).app(source)).jobs.export;
  // Small jobs: several import jobs; two pieces per transfer batch: child workflows.
  const handle = await start(target, { maxJobBytes: 128 * 1024, transferBatchSize: 2, maxParallelTransfers: 2 });
  const report: SyncReport = await handle.result();

  expect(report.status).toBe('COMPLETED');
  // Findable: by the target application and by one import job id (keyword lists), not only by the source.
  const found = async (query: string) => {
    const ids: string[] = [];
    for await (const w of env.client.workflow.list({ query })) ids.push(w.workflowId);
    return ids.includes(report.workflowId) ? true : undefined;
  };
  await eventually('the sync found by its target app', () => found(`AudienceflowApplicationId = '${target}'`));
  await eventually('the sync found by an import job id', () =>
    found(`AudienceflowJobId = '${report.importJobs[1]!.jobId}'`),
  );
  // Retention: the exported pieces, parts and job copies are gone; the reports and rejected rows stay.
  expect(await runFolders(`sync/${report.workflowId}/${report.runId}/`)).toEqual([
    'import-failures.json',
    'rejected',
    'report.json',
  ]);
  expect(report.counts).toEqual({
    exported: SEEDED,
    transformed: SEEDED - invalid,
    filtered: 0,
    rejected: invalid,
    processed: SEEDED - invalid,
    failed: 0,
  });
  expect(report.importJobs.length).toBeGreaterThan(2);
  expect(report.importJobs.every((j) => j.state === 'SUCCEEDED')).toBe(true);
  expect(Object.keys(report.durationsMs).sort()).toEqual(['export', 'import', 'list', 'report', 'total', 'transfer']);

  const admin = emulatorAdmin(env);
  const t = await admin.app(target);
  expect(t.endpoints).toBe(SEEDED - invalid);
  expect(t.jobs.import).toBe(report.importJobs.length);
  expect(t.jobs.export).toBe(0);
  expect((await admin.app(source)).jobs.export - exportsBefore).toBe(1);

  // The same endpoint, same id, in the target app.
  const sample = all[0]!;
  const got = await env.pinpoint.send(new GetEndpointCommand({ ApplicationId: target, EndpointId: sample.Id }));
  expect(got.EndpointResponse?.Address).toBe(sample.Address);
  expect(got.EndpointResponse?.Attributes).toEqual(sample.Attributes);

  // The report in S3 lists the rejected rows; the history holds no endpoint data.
  const file = await readJson<SyncReportFile>(env.s3, report.reportLocation!);
  expect(file.rejectedRows).toHaveLength(invalid);
  expect(file.rejectedRows.every((r) => r.reason === 'Address is required for a new endpoint')).toBe(true);
  expect(file.summary.counts.transformed).toBe(SEEDED - invalid);
  expect(file.importReports[0]!.jobs).toHaveLength(report.importJobs.length);
  const history = await historyText(handle);
  const addresses = all.map((e) => e.Address).filter((a): a is string => Boolean(a));
  expect(addresses).toHaveLength(SEEDED - invalid);
  expect(occurrences(history, addresses)).toBe(0); // every seeded address, not a sample
  // Four pieces in batches of two: two child workflows did the transfers.
  const children = await eventually('transfer batch children in visibility', async () => {
    const ids: string[] = [];
    for await (const w of env.client.workflow.list({ query: `WorkflowType = 'syncTransferBatch'` })) {
      if (w.workflowId.startsWith(handle.workflowId)) ids.push(w.workflowId);
    }
    return ids.length === 2 ? ids : undefined;
  });
  expect(children.sort()).toEqual([
    `${handle.workflowId}-transfer-1-of-2-${report.runId.slice(-12)}`,
    `${handle.workflowId}-transfer-2-of-2-${report.runId.slice(-12)}`,
  ]);
});

test('transforms shape the imported endpoints; a dry run counts without any import job', async () => {
  const target = await createApp(env.pinpoint, 'sync-transformed');
  const transform = {
    keepChannelTypes: ['EMAIL', 'SMS'],
    dropOptedOut: true,
    excludeAttributes: ['interests'],
    renameAttributes: { plan: 'subscription' },
    set: { 'Attributes.origin': 'sync', 'Location.Country': 'ZZ' },
  };
  const all = generated(SEEDED);
  const kept = all.filter((e) => (e.ChannelType === 'EMAIL' || e.ChannelType === 'SMS') && e.OptOut !== 'ALL');
  expect(kept.length).toBeGreaterThan(100);

  const dry: SyncReport = await (await start(target, { transform, dryRun: true })).result();
  expect(dry).toMatchObject({ status: 'COMPLETED', dryRun: true, importJobs: [] });
  expect(dry.counts).toEqual({
    exported: SEEDED,
    transformed: kept.length,
    filtered: SEEDED - kept.length,
    rejected: 0,
    processed: 0,
    failed: 0,
  });
  expect(dry.message).toMatch(/would be imported/);
  const admin = emulatorAdmin(env);
  expect(await admin.app(target)).toMatchObject({ endpoints: 0, jobs: { import: 0 } });
  expect(await env.stack.s3.listKeys(env.bucket, `sync/${dry.workflowId}/${dry.runId}/parts/`)).toEqual([]);

  const real: SyncReport = await (await start(target, { transform })).result();
  expect(real.status).toBe('COMPLETED');
  expect(real.counts.processed).toBe(kept.length);
  expect((await admin.app(target)).endpoints).toBe(kept.length);
  const sample = kept[3]!;
  const got = await env.pinpoint.send(new GetEndpointCommand({ ApplicationId: target, EndpointId: sample.Id }));
  const attrs = got.EndpointResponse?.Attributes ?? {};
  expect(attrs.subscription).toEqual(sample.Attributes?.plan);
  expect(attrs.plan).toBeUndefined();
  expect(attrs.interests).toBeUndefined();
  expect(attrs.origin).toEqual(['sync']);
  expect(got.EndpointResponse?.Location?.Country).toBe('ZZ');
  expect(got.EndpointResponse?.Location?.City).toBe(sample.Location?.City);
});

test('bad input fails the run before any job is created, naming the field', async () => {
  const target = await createApp(env.pinpoint, 'sync-bad');
  const exportsBefore = (await emulatorAdmin(env).app(source)).jobs.export;
  const handle = await start(target, { transform: { keepChannelTypes: ['FAX'] } });
  await expect(handle.result()).rejects.toMatchObject({
    cause: { message: expect.stringMatching(/"FAX" is not a channel type/) },
  });
  expect((await emulatorAdmin(env).app(source)).jobs.export).toBe(exportsBefore);
});

test('an import job that ends FAILED fails the sync (JobFailed), with the provider failures in the report', async () => {
  const target = await createApp(env.pinpoint, 'sync-import-fails');
  const admin = emulatorAdmin(env);
  await admin.faults({ failNextJobs: 1, jobKind: 'IMPORT' });
  try {
    const { report, temporalStatus, failureType } = await runEnd<SyncReport>(await start(target));
    expect(temporalStatus).toBe('FAILED');
    expect(await runFolders(`sync/${report.workflowId}/${report.runId}/`)).toEqual([
      'import-failures.json',
      'rejected',
      'report.json',
    ]);
    expect(failureType).toBe('JobFailed');
    expect(report.status).toBe('FAILED');
    expect(report.importJobs).toHaveLength(1);
    expect(report.importJobs[0]!.state).toBe('FAILED');
    expect(report.message).toMatch(/^import job\(s\) \S+ ended FAILED; see the report/);
    const file = await readJson<SyncReportFile>(env.s3, report.reportLocation!);
    expect(file.summary.status).toBe('FAILED');
    expect(file.importReports[0]!.jobs[0]!.jobId).toBe(report.importJobs[0]!.jobId);
    expect(file.importReports[0]!.jobs[0]!.failures.length).toBeGreaterThan(0);
    expect(file.rejectedRows).toHaveLength(report.counts.rejected);
  } finally {
    await admin.clearFaults();
  }
});

/** The first level of what is left under a run's prefix (files and folders), sorted. */
async function runFolders(prefix: string): Promise<string[]> {
  const keys = await env.stack.s3.listKeys(env.bucket, prefix);
  return [...new Set(keys.map((k) => k.slice(prefix.length).split('/')[0]!))].sort();
}

/** Real S3, but reads of exported pieces wait first: transfers stay in flight long enough to cancel. */
function slowPieceReads(delayMs: number): ActivityDeps {
  const deps = activityDepsFromEnv();
  deps.s3.middlewareStack.add(
    (next, context) => async (args) => {
      const key = (args.input as { Key?: string }).Key ?? '';
      if (context.commandName === 'GetObjectCommand' && key.includes('/export/')) {
        await new Promise((r) => setTimeout(r, delayMs));
      }
      return next(args);
    },
    { step: 'initialize', name: 'slowPieceReads' },
  );
  return deps;
}

test('cancelling mid-transfer removes everything the run wrote and ends Canceled with a CANCELLED report', async () => {
  await worker.stop();
  const slow = await env.startWorker(slowPieceReads(4_000));
  try {
    const target = await createApp(env.pinpoint, 'sync-cancelled');
    const handle = await start(target, { maxParallelTransfers: 1 });
    await eventually('a transfer in flight', () => pendingActivityDetails(handle, 'transferPiece'), 60_000);
    // Let the first piece finish so the run has written parts that must be removed.
    await eventually(
      'one piece transferred',
      async () => {
        const p = await handle.query<{ pieces?: { completed: number } }>('progress');
        return (p.pieces?.completed ?? 0) >= 1 ? true : undefined;
      },
      60_000,
    );
    const prefix = `sync/${handle.workflowId}/`;
    expect((await env.stack.s3.listKeys(env.bucket, prefix)).some((k) => k.includes('/parts/'))).toBe(true);
    await handle.cancel();
    const { report, temporalStatus } = await runEnd<SyncReport>(handle);
    expect(temporalStatus).toBe('CANCELLED');
    expect(report.status).toBe('CANCELLED');
    // The export job had ended before the transfers: its last status is in the report, nothing is left to follow up.
    expect(report.message).toContain(`Last known: export job ${report.exportJob!.jobId} COMPLETED.`);
    expect(report.cancelFollowUpId).toBeUndefined();
    expect(report.importJobs).toEqual([]);
    expect(await env.stack.s3.listKeys(env.bucket, prefix)).toEqual([]);
    expect(await emulatorAdmin(env).app(target)).toMatchObject({ endpoints: 0, jobs: { import: 0 } });
  } finally {
    await slow.stop();
    worker = await env.startWorker();
  }
});

test('a schedule fires (trigger) and its run completes under its own prefix', async () => {
  const target = await createApp(env.pinpoint, 'sync-scheduled');
  const scheduleId = `sync-schedule-${Date.now()}`;
  const schedule = await env.client.schedule.create({
    scheduleId,
    spec: { intervals: [{ every: '1 day' }] },
    action: {
      type: 'startWorkflow',
      workflowType: syncEndpoints,
      workflowId: `scheduled-sync-${target.slice(0, 8)}`,
      taskQueue: env.taskQueue,
      args: [syncInput(env.bucket, source, target)],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP },
    state: { paused: true },
  });
  try {
    await schedule.trigger();
    const started = await eventually('the scheduled run', async () => {
      const d = await schedule.describe();
      const action = d.info.recentActions[0]?.action;
      return action?.type === 'startWorkflow' ? action.workflow : undefined;
    });
    const report: SyncReport = await env.client.workflow.getHandle(started.workflowId).result();
    expect(report.status).toBe('COMPLETED');
    // Schedules suffix the id with the scheduled time: each run has its own work area.
    expect(report.workflowId).toMatch(/^scheduled-sync-[0-9a-f]{8}-\d{4}-\d\d-\d\dT/);
    expect(report.reportLocation).toContain(`/sync/${safeSegment(report.workflowId)}/${report.runId}/`);
    expect((await emulatorAdmin(env).app(target)).endpoints).toBe(report.counts.processed);
    expect(report.counts.processed).toBe(SEEDED - generated(SEEDED).filter((e) => e.Address === '').length);
  } finally {
    await schedule.delete();
  }
});

test('as a classic cron workflow, every run completes on its own under its own prefix', async () => {
  const target = await createApp(env.pinpoint, 'sync-cron');
  const handle = await env.client.workflow.start(syncEndpoints, {
    taskQueue: env.taskQueue,
    workflowId: `cron-sync-${Date.now()}`,
    args: [syncInput(env.bucket, source, target)],
    cronSchedule: '@every 2s',
  });
  try {
    const runs = await eventually(
      'two finished cron runs',
      async () => {
        const ids: string[] = [];
        for await (const w of env.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` })) {
          if (w.status.name !== 'RUNNING') ids.push(w.runId);
        }
        return ids.length >= 2 ? ids.slice(0, 2) : undefined;
      },
      90_000,
    );
    // A cron run's close event carries its result and the next run's id (the client would follow that run).
    const reports = await Promise.all(
      runs.map(async (runId) => {
        const history = await env.client.workflow.getHandle(handle.workflowId, runId).fetchHistory();
        const close = history.events?.[history.events.length - 1];
        const payload =
          close?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0] ??
          close?.workflowExecutionContinuedAsNewEventAttributes?.lastCompletionResult?.payloads?.[0];
        return JSON.parse(Buffer.from(payload!.data!).toString('utf8')) as SyncReport;
      }),
    );
    const invalid = generated(SEEDED).filter((e) => e.Address === '').length;
    for (const r of reports) {
      expect(r.status).toBe('COMPLETED');
      expect(r.counts.processed).toBe(SEEDED - invalid);
      expect(r.reportLocation).toContain(`/sync/${r.workflowId}/${r.runId}/`);
    }
    expect(reports.map((r) => r.runId).sort()).toEqual([...runs].sort());
    expect(reports[0]!.runId).not.toBe(reports[1]!.runId);
    // The second run upserted the same ids: the target holds each endpoint once.
    expect((await emulatorAdmin(env).app(target)).endpoints).toBe(SEEDED - invalid);
  } finally {
    await handle.terminate('test done');
  }
});
