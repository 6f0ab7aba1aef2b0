import { CancellationScope, isCancellation, patched, workflowInfo } from '@temporalio/workflow';
import { FailureType, formatS3Url, parseS3Url, runPrefix } from '../src/contracts';
import type { ExportInput, ExportReport, JobSnapshot, S3ObjectRef } from '../src/contracts';
import { calls, cleanup, longRunning } from './helpers/activity-proxies';
import { runFailure } from './helpers/failures';
import { endCancelled, failedRun, isRunOutcome } from './helpers/outcome';
import { resolvePollPolicy, waitTimeoutMs } from './helpers/poll-policy';
import { PipelineTracker } from './helpers/tracker';
import { exportFailureNote } from './helpers/export-failure';
import { isWaitTimeout, jobTimedOut } from './helpers/timeout';
import { CANCEL_FOLLOWUP_PATCH, stopJobsAndFollowUp } from './helpers/cancel-followup-start';
import { legacyExportCancel } from './legacy-cancel';

/**
 * exportEndpoints: create the export job (or adopt the one a retried attempt created) → wait for it in one
 * heartbeating activity → list the .gz pieces under the run's own prefix → optionally download them → report.
 * Cancelling stops the wait, removes what this run wrote, asks the provider to stop the job where it can, and — when
 * the job is still running — leaves a follow-up workflow that deletes what the job writes later (cancel-followup.ts).
 */
export async function exportEndpoints(raw: ExportInput): Promise<ExportReport> {
  const { workflowId, runId } = workflowInfo();
  const t = new PipelineTracker('export', { provider: raw.provider, applicationIds: [raw.applicationId] });
  const input = await calls.checkExportInput
    .executeWithOptions({ summary: 'validate the export input' }, [raw])
    .catch((err: unknown) => {
      t.finish('FAILED');
      throw runFailure(err);
    });
  const poll = resolvePollPolicy(input.poll);
  const base = parseS3Url(input.s3Url, 'export S3 URL');
  const out = runPrefix(base, workflowId, runId);
  const outputUrl = formatS3Url(out);
  let job: JobSnapshot | undefined;
  let objects: S3ObjectRef[] = [];
  const report = (status: ExportReport['status'], extra: Partial<ExportReport> = {}): ExportReport =>
    t.settle({
      workflowId,
      runId,
      status,
      job,
      outputUrl,
      objects,
      totalBytes: objects.reduce((s, o) => s + o.size, 0),
      ...extra,
      durationsMs: t.finish(status, extra.message),
    });

  try {
    t.phase('creating-job');
    const created = await calls.createOrAdoptExportJob.executeWithOptions(
      { summary: `create export job of app ${input.applicationId}` },
      [
        {
          provider: input.provider,
          applicationId: input.applicationId,
          s3UrlPrefix: outputUrl,
          roleArn: input.roleArn,
          segmentId: input.segmentId,
          segmentVersion: input.segmentVersion,
        },
      ],
    );
    job = created.job;
    t.jobIds([job.jobId]);
    t.update({ jobKind: 'export', jobId: job.jobId, jobStatus: job.rawStatus });

    t.phase('waiting');
    job = await longRunning.waitForJob.executeWithOptions(
      { summary: `wait for export job ${job.jobId}`, startToCloseTimeout: waitTimeoutMs(poll) },
      [
        {
          provider: input.provider,
          job: { kind: 'EXPORT', applicationId: input.applicationId, jobId: job.jobId },
          poll,
        },
      ],
    );
    t.update({
      jobStatus: job.rawStatus,
      pieces: { completed: job.counters.completedPieces ?? 0, total: job.counters.totalPieces ?? 0 },
      processed: job.counters.totalProcessed,
      failed: job.counters.totalFailures,
    });
    if (job.state !== 'SUCCEEDED') {
      const why = await exportFailureNote(input.provider, job);
      const reason = `export job ${job.jobId} ended ${job.rawStatus} (${job.counters.failedPieces ?? 0} failed pieces)${why}; nothing was listed or downloaded`;
      throw failedRun(FailureType.JobFailed, reason, report('FAILED', { message: reason }));
    }

    t.phase('listing');
    const listed = await calls.listObjects.executeWithOptions({ summary: `list exported pieces under ${outputUrl}` }, [
      { bucket: out.bucket, prefix: out.key, suffix: '.gz' },
    ]);
    objects = listed.objects;
    t.update({ bytes: { done: 0, total: listed.totalBytes }, note: `${objects.length} piece(s)` });

    let localFiles: string[] | undefined;
    if (input.downloadDir) {
      t.phase('downloading', `${objects.length} piece(s) to ${input.downloadDir}`);
      const downloaded = await longRunning.downloadObjects.executeWithOptions(
        { summary: `download ${objects.length} piece(s) to ${input.downloadDir}` },
        [{ bucket: out.bucket, prefix: base.key, objects, dir: input.downloadDir }],
      );
      localFiles = downloaded.files;
      t.update({ bytes: { done: downloaded.bytes, total: listed.totalBytes } });
    }
    return report('COMPLETED', { localFiles });
  } catch (err) {
    if (isRunOutcome(err)) throw err;
    if (isWaitTimeout(err)) {
      await CancellationScope.nonCancellable(() =>
        cleanup.deleteRunData.executeWithOptions({ summary: 'delete what this run wrote' }, [
          { bucket: out.bucket, prefix: out.key },
        ]),
      );
      throw await jobTimedOut(err, input.provider, job ? [job] : [], (message) => report('FAILED', { message }));
    }
    if (!isCancellation(err)) {
      t.finish('FAILED');
      throw runFailure(err);
    }
    t.phase('cleaning-up');
    if (!patched(CANCEL_FOLLOWUP_PATCH)) return legacyExportCancel(err, input, job, out, objects, base.key, report);
    const { removed, after } = await CancellationScope.nonCancellable(async () => ({
      removed: await cleanup.deleteRunData.executeWithOptions({ summary: 'delete what this run wrote' }, [
        {
          bucket: out.bucket,
          prefix: out.key,
          local: input.downloadDir
            ? { dir: input.downloadDir, prefix: base.key, keys: objects.map((o) => o.key) }
            : undefined,
        },
      ]),
      after: await stopJobsAndFollowUp({
        pipeline: 'export',
        provider: input.provider,
        jobs: job ? [job] : [],
        poll,
        graceMs: input.cancelGraceMs,
        cleanup: [{ bucket: out.bucket, prefix: out.key }],
      }),
    }));
    job = after.jobs[0] ?? job;
    objects = [];
    const jobNote = job
      ? after.note
      : 'No export job had been confirmed; one may still have been created and cannot be stopped (Pinpoint has no cancel operation).';
    endCancelled(
      err,
      report('CANCELLED', {
        cancelFollowUpId: after.followUpWorkflowId,
        message: `Cancelled. Removed ${removed.deletedObjects} object(s) under ${outputUrl} and ${removed.deletedFiles} local file(s) of this run. ${jobNote}`,
      }),
    );
  }
}
