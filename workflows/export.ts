import { CancellationScope, isCancellation, patched } from '@temporalio/workflow';
import { FailureType, formatS3Url, parseS3Url, runPrefix } from '../src/contracts';
import type { ExportInput, ExportReport, JobSnapshot, S3Location, S3ObjectRef } from '../src/contracts';
import { calls, cleanup, longRunning } from './helpers/activity-proxies';
import { CANCEL_FOLLOWUP_PATCH } from './helpers/cancel-followup-start';
import { exportFailureNote } from './helpers/export-failure';
import { endCancelled, failedRun } from './helpers/outcome';
import { PipelineTracker } from './helpers/tracker';
import { isWaitTimeout } from './helpers/timeout';
import { legacyExportCancel } from './legacy-cancel';
import { checked } from './steps/check-input';
import { cancelJobsAndCleanUp, endFailed } from './steps/finish';
import { exportedFolder, listPieces } from './steps/list-pieces';
import { runJob } from './steps/run-job';
import type { PipelineRun } from './steps/run-state';
import { pipelineRun } from './steps/run-state';

/** An export run's state, from step to step. */
interface ExportRun extends PipelineRun {
  input: ExportInput;
  /** The export S3 URL as given (its key is the base of local file names). */
  base: S3Location;
  /** The run's own prefix under it: the job writes its pieces in its create attempt's folder below it. */
  out: S3Location;
  /** The pieces listed in the export job's folder below `out`. */
  objects: S3ObjectRef[];
}

/**
 * exportEndpoints: create the export job (or adopt the one a retried attempt created) → wait for it in one
 * heartbeating activity → list the .gz pieces under the run's own prefix → optionally download them → report.
 * Cancelling stops the wait, removes what this run wrote, asks the provider to stop the job where it can, and — when
 * the job is still running — leaves a follow-up workflow that deletes what the job writes later (cancel-followup.ts).
 */
export async function exportEndpoints(raw: ExportInput): Promise<ExportReport> {
  const tracker = new PipelineTracker('export', { provider: raw.provider, applicationIds: [raw.applicationId] });
  const input = await checked(
    tracker,
    calls.checkExportInput.executeWithOptions({ summary: 'validate the export input' }, [raw]),
  );
  const run = exportRun(input, tracker);
  try {
    const job = await exportApplication(run);
    const listedBytes = await listExportedPieces(run, job);
    const localFiles = await downloadPieces(run, listedBytes);
    return exportReport(run, 'COMPLETED', { localFiles });
  } catch (err) {
    if (isCancellation(err)) return cancelExport(run, err);
    if (isWaitTimeout(err)) await deleteOutput(run);
    return endFailed(err, run, (message) => exportReport(run, 'FAILED', { message }));
  }
}

function exportRun(input: ExportInput, tracker: PipelineTracker): ExportRun {
  const run = pipelineRun(tracker, input, calls);
  const base = parseS3Url(input.s3Url, 'export S3 URL');
  return { ...run, input, base, out: runPrefix(base, run.workflowId, run.runId), objects: [] };
}

function exportReport(run: ExportRun, status: ExportReport['status'], extra: Partial<ExportReport> = {}) {
  const { tracker } = run;
  return tracker.settle<ExportReport>({
    workflowId: run.workflowId,
    runId: run.runId,
    status,
    job: run.jobs.all[0],
    outputUrl: formatS3Url(run.out),
    objects: run.objects,
    totalBytes: run.objects.reduce((s, o) => s + o.size, 0),
    ...extra,
    durationsMs: tracker.finish(status, extra.message),
  });
}

/**
 * The export job: created or adopted, waited for; its final snapshot. A job that did not succeed fails the run with
 * its reasons.
 */
async function exportApplication(run: ExportRun): Promise<JobSnapshot> {
  const { input } = run;
  const job = await runJob(
    run,
    {
      kind: 'EXPORT',
      request: {
        provider: input.provider,
        applicationId: input.applicationId,
        s3UrlPrefix: formatS3Url(run.out),
        roleArn: input.roleArn,
        segmentId: input.segmentId,
        segmentVersion: input.segmentVersion,
      },
    },
    { create: `create export job of app ${input.applicationId}`, progress: { phases: true } },
  );
  run.tracker.update({
    jobStatus: job.rawStatus,
    pieces: { completed: job.counters.completedPieces ?? 0, total: job.counters.totalPieces ?? 0 },
    processed: job.counters.totalProcessed,
    failed: job.counters.totalFailures,
  });
  if (job.state !== 'SUCCEEDED') {
    const why = await exportFailureNote(input.provider, job);
    const reason = `export job ${job.jobId} ended ${job.rawStatus} (${job.counters.failedPieces ?? 0} failed pieces)${why}; nothing was listed or downloaded`;
    throw failedRun(FailureType.JobFailed, reason, exportReport(run, 'FAILED', { message: reason }));
  }
  return job;
}

/** The pieces the job wrote (in its own folder below the run's output), into the run's state; returns their bytes. */
async function listExportedPieces(run: ExportRun, job: JobSnapshot): Promise<number> {
  const listed = await listPieces(run, exportedFolder(job, run.out));
  run.objects = listed.objects;
  run.tracker.update({ bytes: { done: 0, total: listed.totalBytes }, note: `${run.objects.length} piece(s)` });
  return listed.totalBytes;
}

/** With --download-dir: the pieces to local files named after their keys below the export URL. */
async function downloadPieces(run: ExportRun, listedBytes: number): Promise<string[] | undefined> {
  const { input, objects, out, tracker } = run;
  if (!input.downloadDir) return undefined;
  tracker.phase('downloading', `${objects.length} piece(s) to ${input.downloadDir}`);
  const downloaded = await longRunning.downloadObjects.executeWithOptions(
    { summary: `download ${objects.length} piece(s) to ${input.downloadDir}` },
    [{ bucket: out.bucket, prefix: run.base.key, objects, dir: input.downloadDir }],
  );
  tracker.update({ bytes: { done: downloaded.bytes, total: listedBytes } });
  return downloaded.files;
}

/** A job that outlived the max wait: what it wrote so far under the run's prefix goes. */
function deleteOutput(run: ExportRun) {
  return CancellationScope.nonCancellable(() =>
    cleanup.deleteRunData.executeWithOptions({ summary: 'delete what this run wrote' }, [
      { bucket: run.out.bucket, prefix: run.out.key },
    ]),
  );
}

/** Cancelled: remove what the run wrote (objects and local files), stop the job where the provider can, end Canceled. */
async function cancelExport(run: ExportRun, err: unknown): Promise<never> {
  const { input, out, tracker } = run;
  const outputUrl = formatS3Url(out);
  tracker.phase('cleaning-up');
  if (!patched(CANCEL_FOLLOWUP_PATCH)) {
    return legacyExportCancel(err, input, run.jobs.all[0], out, run.objects, run.base.key, (status, extra) =>
      exportReport(run, status, extra),
    );
  }
  const local = input.downloadDir
    ? { dir: input.downloadDir, prefix: run.base.key, keys: run.objects.map((o) => o.key) }
    : undefined;
  const { removed, after } = await cancelJobsAndCleanUp(
    run,
    () =>
      cleanup.deleteRunData.executeWithOptions({ summary: 'delete what this run wrote' }, [
        { bucket: out.bucket, prefix: out.key, local },
      ]),
    { pipeline: 'export', graceMs: input.cancelGraceMs, cleanup: [{ bucket: out.bucket, prefix: out.key }] },
  );
  run.objects = [];
  const jobNote = run.jobs.all[0]
    ? after.note
    : 'No export job had been confirmed; one may still have been created and cannot be stopped (Pinpoint has no cancel operation).';
  endCancelled(
    err,
    exportReport(run, 'CANCELLED', {
      cancelFollowUpId: after.followUpWorkflowId,
      message: `Cancelled. Removed ${removed.deletedObjects} object(s) under ${outputUrl} and ${removed.deletedFiles} local file(s) of this run. ${jobNote}`,
    }),
  );
}
