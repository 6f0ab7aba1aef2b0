import { isCancellation, patched } from '@temporalio/workflow';
import { FailureType, formatS3Url, isTerminal, parseS3Url, runPrefix } from '../src/contracts';
import type { JobSnapshot, SyncCounts, SyncInput, SyncReport } from '../src/contracts';
import { cleanup, longRunning, quick } from './helpers/activity-proxies';
import { CANCEL_FOLLOWUP_PATCH } from './helpers/cancel-followup-start';
import { exportFailureNote } from './helpers/export-failure';
import { endCancelled, failedRun } from './helpers/outcome';
import { releaseStaging, SYNC_STAGED_FOLDERS } from './helpers/retention';
import { PipelineTracker } from './helpers/tracker';
import { legacySyncCancel } from './legacy-cancel';
import { checked } from './steps/check-input';
import { cancelJobsAndCleanUp, endFailed } from './steps/finish';
import { importParts } from './steps/import-parts';
import { exportedFolder, listPieces } from './steps/list-pieces';
import { runJob } from './steps/run-job';
import { pipelineRun } from './steps/run-state';
import { transferPieces } from './steps/transfer-pieces';
import type { TransferRun } from './steps/transfer-pieces';
import { writeFailureReport } from './steps/write-report';
import { emptyTotals, groupParts, syncCounts, syncLimits } from './sync-plan';
import { syncVerdict } from './sync-verdict';

/** The search attribute holds the export job and the first import jobs: a keyword value must stay small (≤ 2 KB). */
const MAX_IMPORT_JOB_IDS_IN_SEARCH = 20;

/** A sync run's state, from step to step. */
interface SyncRun extends TransferRun {
  input: SyncInput;
  reportLocation?: string;
}

/**
 * syncEndpoints: export the source application → wait → list the pieces → transfer each piece
 * S3 → S3 (gunzip, parse, transform, validate, import-ready parts ≤ the per-job limit) with
 * bounded parallelism → group the parts into import jobs → import into the target application
 * (at most maxConcurrentJobs at once) → wait → write the failure report → SyncReport.
 *
 * History stays bounded: polling happens inside one activity per job; more than
 * transferBatchSize pieces are transferred by child workflows of one batch each; results carry
 * counts and keys only. A dry run stops after the transfers (counts, rejected rows, no job).
 * Cancelling removes everything this run wrote, reports each job's last status, and leaves a
 * follow-up workflow that deletes what an export job still running writes later (cancel-followup.ts).
 */
export async function syncEndpoints(raw: SyncInput): Promise<SyncReport> {
  const tracker = new PipelineTracker('sync', {
    provider: raw.provider,
    applicationIds: [raw.sourceApplicationId, raw.targetApplicationId],
  });
  const input = await checked(
    tracker,
    quick.checkSyncInput.executeWithOptions({ summary: 'validate the sync input and transform' }, [raw]),
  );
  const run = syncRun(input, tracker);
  try {
    const exported = await exportSource(run);
    const listed = await listPieces(run, exportedFolder(exported, exportFolder(run)));
    tracker.stage('list');
    await transferPieces(run, listed);
    tracker.stage('transfer');
    if (!run.dryRun && run.totals.written > 0) await importTarget(run);
    return await reportAndRelease(run);
  } catch (err) {
    if (isCancellation(err)) return cancelSync(run, err);
    await releaseStaging(run.prefix, SYNC_STAGED_FOLDERS, input.keepStaging);
    return endFailed(err, run, (message) => syncReport(run, 'FAILED', message));
  }
}

function syncRun(input: SyncInput, tracker: PipelineTracker): SyncRun {
  const run = pipelineRun(tracker, input, quick, 1 + MAX_IMPORT_JOB_IDS_IN_SEARCH);
  return {
    ...run,
    input,
    limits: syncLimits(input),
    dryRun: input.dryRun === true,
    prefix: runPrefix(parseS3Url(input.s3Url, 'sync S3 URL'), run.workflowId, run.runId),
    totals: emptyTotals(),
  };
}

/** Where the export job writes its pieces: export/ under the run's prefix. */
function exportFolder(run: SyncRun) {
  return { bucket: run.prefix.bucket, key: `${run.prefix.key}export/` };
}

function syncReport(run: SyncRun, status: SyncReport['status'], message?: string, extra: Partial<SyncReport> = {}) {
  const { tracker, jobs } = run;
  const { total } = tracker.finish(status, message);
  return tracker.settle<SyncReport>({
    workflowId: run.workflowId,
    runId: run.runId,
    status,
    dryRun: run.dryRun,
    message,
    exportJob: jobs.ofKind('EXPORT')[0],
    importJobs: jobs.ofKind('IMPORT'),
    counts: syncCounts(run.totals, jobs.counters('IMPORT')),
    reportLocation: run.reportLocation,
    durationsMs: { ...tracker.stagesMs, total: total ?? 0 },
    ...extra,
  });
}

/** 1. Export the source application under the run's prefix, and wait for the job: its final snapshot. */
async function exportSource(run: SyncRun): Promise<JobSnapshot> {
  const { input } = run;
  const job = await runJob(
    run,
    {
      kind: 'EXPORT',
      request: {
        provider: input.provider,
        applicationId: input.sourceApplicationId,
        s3UrlPrefix: formatS3Url(exportFolder(run)),
        roleArn: input.roleArn,
        segmentId: input.segmentId,
        segmentVersion: input.segmentVersion,
      },
    },
    { create: `create export job of app ${input.sourceApplicationId}`, progress: { phases: true, note: 'export' } },
  );
  run.tracker.update({ jobStatus: job.rawStatus });
  run.tracker.stage('export');
  if (job.state !== 'SUCCEEDED') {
    const why = await exportFailureNote(input.provider, job);
    const reason = `export job ${job.jobId} ended ${job.rawStatus}${why}; nothing was transferred or imported`;
    throw failedRun(FailureType.JobFailed, reason, syncReport(run, 'FAILED', reason));
  }
  return job;
}

/** 3. Import the parts into the target application: one job per group within the per-job limit, a few at a time. */
async function importTarget(run: SyncRun): Promise<void> {
  const { input, limits, prefix, tracker } = run;
  tracker.phase('creating-job', 'import');
  const groups = groupParts(run.totals.parts, limits.maxJobBytes);
  const folders =
    groups.length === 1
      ? [`${prefix.key}parts/`]
      : await longRunning.stageImportJobs.executeWithOptions(
          { summary: `group parts into ${groups.length} import jobs` },
          [{ bucket: prefix.bucket, prefix: prefix.key, groups: groups.map((g) => g.map((p) => p.key)) }],
        );
  tracker.phase('waiting', `${folders.length} import job(s)`);
  const parts = folders.map((key) => ({ s3Url: formatS3Url({ bucket: prefix.bucket, key }), format: 'JSON' as const }));
  const jobsInPartOrder = await importParts(run, parts, {
    applicationId: input.targetApplicationId,
    roleArn: input.roleArn,
    registerEndpoints: true,
    maxConcurrentJobs: limits.maxConcurrentJobs,
    failureStop: 'first-in-time',
    labels: (i, n) => ({
      create: `create import job ${i + 1}/${n} into app ${input.targetApplicationId}`,
      progress: { phases: false, note: `import job ${i + 1} of ${n}` },
    }),
    countJobsAsPieces: false,
  });
  // The report, the failure report and the sync report list the import jobs in the order of their parts.
  run.jobs.reorder(jobsInPartOrder);
  tracker.stage('import');
}

/**
 * 4. Report: the import jobs' failures and our rejected rows in JSON documents (never in history), the verdict, then
 * the staged files are released.
 */
async function reportAndRelease(run: SyncRun): Promise<SyncReport> {
  const { input, prefix, tracker, jobs, dryRun, totals } = run;
  tracker.phase('reporting');
  const importReportUrls = jobs.ofKind('IMPORT').length > 0 ? [await writeImportFailures(run)] : [];
  const counts = syncCounts(totals, jobs.counters('IMPORT'));
  const verdict = syncVerdict(counts, jobs.ofKind('IMPORT'), { dryRun, maxRejected: input.maxRejected });
  run.reportLocation = await writeSyncReport(run, verdict ? 'FAILED' : 'COMPLETED', counts, importReportUrls);
  tracker.stage('report');
  if (verdict) throw failedRun(verdict.type, verdict.reason, syncReport(run, 'FAILED', verdict.reason));
  const message = dryRun
    ? `dry run: ${counts.transformed} endpoint(s) would be imported into ${input.targetApplicationId}, ${counts.rejected} rejected, ${counts.filtered} filtered; no import job was created`
    : totals.written === 0
      ? `nothing to import: the export had ${counts.exported} endpoint(s), ${counts.filtered} filtered by the transform`
      : undefined;
  const kept = await releaseStaging(prefix, SYNC_STAGED_FOLDERS, input.keepStaging);
  return syncReport(run, 'COMPLETED', message || kept ? `${message ?? ''}${kept}`.trim() : undefined);
}

function writeImportFailures(run: SyncRun): Promise<string> {
  const { prefix } = run;
  return writeFailureReport(run, {
    summary: "collect the import jobs' failures",
    applicationId: run.input.targetApplicationId,
    location: formatS3Url({ bucket: prefix.bucket, key: `${prefix.key}import-failures.json` }),
  });
}

/** The sync report: a summary (counts, ids), the import jobs' failure reports and our rejected rows, embedded. */
function writeSyncReport(run: SyncRun, status: SyncReport['status'], counts: SyncCounts, importReportUrls: string[]) {
  const { input, prefix, jobs } = run;
  return longRunning.writeSyncReport.executeWithOptions({ summary: 'write the sync report' }, [
    {
      location: input.reportUrl ?? formatS3Url({ bucket: prefix.bucket, key: `${prefix.key}report.json` }),
      summary: {
        workflowId: run.workflowId,
        runId: run.runId,
        status,
        dryRun: run.dryRun,
        sourceApplicationId: input.sourceApplicationId,
        targetApplicationId: input.targetApplicationId,
        exportJobId: jobs.ofKind('EXPORT')[0]?.jobId,
        importJobIds: jobs.ofKind('IMPORT').map((j) => j.jobId),
        counts,
        workArea: formatS3Url(prefix),
      },
      importReportUrls,
      rejected: { bucket: prefix.bucket, keys: run.totals.rejectedKeys },
    },
  ]);
}

/** Cancelled: remove everything the run wrote, stop its jobs where the provider can, end Canceled (report in the memo). */
async function cancelSync(run: SyncRun, err: unknown): Promise<never> {
  const { input, prefix, tracker, jobs } = run;
  tracker.phase('cleaning-up');
  if (!patched(CANCEL_FOLLOWUP_PATCH)) {
    run.totals = { ...run.totals, parts: [], rejectedKeys: [] };
    return legacySyncCancel(err, prefix, jobs.ofKind('EXPORT')[0], jobs.ofKind('IMPORT'), (status, message) =>
      syncReport(run, status, message),
    );
  }
  const { removed, after } = await cancelJobsAndCleanUp(
    run,
    () =>
      cleanup.deleteRunData.executeWithOptions({ summary: 'delete what this run wrote' }, [
        { bucket: prefix.bucket, prefix: prefix.key },
      ]),
    // Only the export job writes under the run's prefix (export/); import jobs read the parts.
    {
      pipeline: 'sync',
      graceMs: input.cancelGraceMs,
      cleanup: [{ bucket: prefix.bucket, prefix: prefix.key, only: ['export/'] }],
    },
  );
  run.totals = { ...run.totals, parts: [], rejectedKeys: [] };
  const jobNote =
    after.note ||
    'No Pinpoint job had been confirmed; one may still have been created and cannot be stopped (Pinpoint has no cancel operation).';
  const late = jobs.ofKind('IMPORT').some((j) => !isTerminal(j.state))
    ? ' An import already started may still add endpoints to the target application.'
    : '';
  endCancelled(
    err,
    syncReport(
      run,
      'CANCELLED',
      `Cancelled. Removed ${removed.deletedObjects} object(s) under ${formatS3Url(prefix)} (exported pieces, parts, rejected rows). ${jobNote}${late}`,
      { cancelFollowUpId: after.followUpWorkflowId },
    ),
  );
}
