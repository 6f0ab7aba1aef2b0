import { ApplicationFailure, CancellationScope, isCancellation, patched, workflowInfo } from '@temporalio/workflow';
import {
  describeDuplicateIds,
  describeRejectLimit,
  FailureType,
  formatS3Url,
  parseS3Url,
  rejectLimitExceeded,
  runPrefix,
} from '../src/contracts';
import type { EndpointFileFormat, ImportInput, ImportReport, JobSnapshot } from '../src/contracts';
import type { UploadEndpointsResult } from '../activities';
import { calls, cleanup, longRunning } from './helpers/activity-proxies';
import { runFailure } from './helpers/failures';
import { endCancelled, failedRun, isRunOutcome } from './helpers/outcome';
import { IMPORT_STAGED_FOLDERS, releaseStaging } from './helpers/retention';
import { isWaitTimeout, jobTimedOut } from './helpers/timeout';
import { CANCEL_FOLLOWUP_PATCH, stopJobsAndFollowUp } from './helpers/cancel-followup-start';
import { legacyImportCancel } from './legacy-cancel';
import { resolvePollPolicy, waitTimeoutMs } from './helpers/poll-policy';
import { PipelineTracker } from './helpers/tracker';
import { splitNote, splitStagingProblem } from './import-split';
import type { SplitSource } from './import-split';
import { groupParts } from './sync-plan';
import { ImportSegment } from './helpers/import-segment';
import { describeFileProblems, wholeFileNote } from './import-file-problems';
import { PINPOINT_CONCURRENT_IMPORT_JOBS, PINPOINT_MAX_IMPORT_JOB_BYTES } from '../src/contracts/limits';

/** Pinpoint's per-job import limit. */
const DEFAULT_MAX_JOB_BYTES = PINPOINT_MAX_IMPORT_JOB_BYTES;
const DEFAULT_MAX_CONCURRENT_JOBS = PINPOINT_CONCURRENT_IMPORT_JOBS;

interface ImportTarget {
  s3Url: string;
  format: EndpointFileFormat;
}

/**
 * importEndpoints: (local files) validate and upload the valid rows under the run's prefix, split into parts within the
 * per-job limit; (S3) list the source, and when it is over the per-job limit copy its files in groups into the run's
 * job folders (the source is only read) → one import job per part (created or adopted), a bounded number at a time,
 * each awaited by a heartbeating activity → JSON failure report (provider Failures + our rejected rows) → report with
 * counts only. Cancelling starts no new job, deletes what the run staged, reports each job's last status and leaves a
 * follow-up workflow for jobs still running (cancel-followup.ts).
 */
export async function importEndpoints(raw: ImportInput): Promise<ImportReport> {
  const { workflowId, runId } = workflowInfo();
  const t = new PipelineTracker('import', { provider: raw.provider, applicationIds: [raw.applicationId] });
  const input = await calls.checkImportInput
    .executeWithOptions({ summary: 'validate the import input' }, [raw])
    .catch((err: unknown) => {
      t.finish('FAILED');
      throw runFailure(err);
    });
  // A missing application fails here, before a byte is uploaded.
  await calls.checkApplication
    .executeWithOptions({ summary: `check that application ${input.applicationId} exists` }, [
      { provider: input.provider, applicationId: input.applicationId },
    ])
    .catch((err: unknown) => {
      t.finish('FAILED');
      throw runFailure(err);
    });
  const poll = resolvePollPolicy(input.poll);
  const staging = input.stagingUrl
    ? runPrefix(parseS3Url(input.stagingUrl, 'staging S3 URL'), workflowId, runId)
    : undefined;
  const jobs: JobSnapshot[] = [];
  let staged: UploadEndpointsResult | undefined;
  let split: string | undefined;
  const report = (status: ImportReport['status'], extra: Partial<ImportReport> = {}): ImportReport =>
    t.settle({
      workflowId,
      runId,
      status,
      jobs: jobs.filter((j) => j !== undefined),
      totals: {
        rejectedLocally: staged?.rejected ?? 0,
        uploaded: staged?.uploaded,
        duplicateIds: staged?.duplicateIds,
        processed: jobs.reduce((s, j) => s + (j?.counters.totalProcessed ?? 0), 0),
        failed: jobs.reduce((s, j) => s + (j?.counters.totalFailures ?? 0), 0),
      },
      ...extra,
      durationsMs: t.finish(status, extra.message),
    });

  try {
    let targets: ImportTarget[];
    if (input.source.kind === 'local') {
      if (!staging) throw new Error('unreachable: checkImportInput requires stagingUrl for local files');
      t.phase('uploading', `${input.source.paths.length} file(s)`);
      staged = await longRunning.uploadLocalFiles.executeWithOptions(
        { summary: `validate and upload ${input.source.paths.length} file(s) to ${formatS3Url(staging)}` },
        [
          {
            paths: input.source.paths,
            format: input.format,
            bucket: staging.bucket,
            prefix: staging.key,
            maxJobBytes: input.maxJobBytes ?? DEFAULT_MAX_JOB_BYTES,
          },
        ],
      );
      const format = staged.format;
      targets = staged.parts.map((p) => ({ s3Url: p.s3Url, format }));
      const repeated = staged.duplicateIds ? `; ${staged.duplicateIds} id(s) appear more than once` : '';
      t.update({
        note: `${staged.uploaded} row(s) staged in ${targets.length} part(s); ${staged.rejected} rejected${repeated}`,
      });
    } else {
      targets = await s3Targets(input, input.source.s3Url, staging, t, (note) => (split = note));
    }

    if (targets.length > 0) await runJobs(input, targets, poll, jobs, t);

    t.phase('reporting');
    const reportLocation = input.reportUrl ?? (staging ? `${formatS3Url(staging)}failure-report.json` : undefined);
    let written: { location: string } | undefined;
    if (reportLocation) {
      written = await calls.writeFailureReport.executeWithOptions(
        { summary: `write the failure report to ${reportLocation}` },
        [
          {
            provider: input.provider,
            applicationId: input.applicationId,
            workflowId,
            runId,
            jobs: jobs.map((j) => ({ kind: 'IMPORT' as const, applicationId: j.applicationId, jobId: j.jobId })),
            rejectedRows:
              staged?.rejectedRowsKey && staging ? { bucket: staging.bucket, key: staged.rejectedRowsKey } : undefined,
            location: reportLocation,
          },
        ],
      );
    }
    const failedJobs = jobs.filter((j) => j.state !== 'SUCCEEDED');
    const noReport = written ? '' : ' No report location was given (reportUrl), so no failure report was written.';
    /** What the report adds after its first sentence: how the source was split, where the failure report is not. */
    const tail = `${split ? ` ${split}.` : ''}${noReport}`;
    /** Files rejected as a whole, for the reports of runs that still imported the other files. */
    const files = wholeFileNote(staged?.fileProblems);
    /** Ids in more than one row of the local files: told, not hidden (the import applied them all). */
    const duplicates = describeDuplicateIds(staged?.duplicateIds ?? 0, staged?.duplicateExamples ?? [], {
      jobs: targets.length,
      atOnce: input.maxConcurrentJobs ?? DEFAULT_MAX_CONCURRENT_JOBS,
    });
    const dups = duplicates ? ` ${duplicates}.` : '';
    if (targets.length === 0) {
      const why = staged?.fileProblems.length ? ` (${describeFileProblems(staged.fileProblems)})` : '';
      const reason = `no valid rows to import: all ${staged?.rejected ?? 0} entries were rejected${why}; see the failure report.`;
      throw failedRun(
        FailureType.NothingToImport,
        reason,
        report('FAILED', { reportLocation: written?.location, message: `${reason}${tail}` }),
      );
    }
    if (failedJobs.length > 0) {
      const reason = `import job(s) ${failedJobs.map((j) => `${j.jobId} ended ${j.rawStatus}`).join(', ')}; see the failure report.`;
      throw failedRun(
        FailureType.JobFailed,
        reason,
        report('FAILED', { reportLocation: written?.location, message: `${reason}${dups}${files}${tail}` }),
      );
    }
    const rejected = (staged?.rejected ?? 0) + jobs.reduce((s, j) => s + (j.counters.totalFailures ?? 0), 0);
    const rows = (staged?.rejected ?? 0) + jobs.reduce((s, j) => s + (j.counters.totalProcessed ?? 0), 0);
    if (input.maxRejected && rejectLimitExceeded(input.maxRejected, rejected, rows)) {
      const reason = `${rejected} of ${rows} rows were rejected, more than --max-rejected allows (${describeRejectLimit(input.maxRejected)}); the valid rows were imported; see the failure report.`;
      throw failedRun(
        FailureType.TooManyRejected,
        reason,
        report('FAILED', { reportLocation: written?.location, message: `${reason}${dups}${tail}` }),
      );
    }
    const kept = await releaseStaging(staging, IMPORT_STAGED_FOLDERS, input.keepStaging);
    return report('COMPLETED', {
      reportLocation: written?.location,
      message: `${dups}${files}${tail}${kept}`.trim() || undefined,
    });
  } catch (err) {
    if (!isCancellation(err)) {
      await releaseStaging(staging, IMPORT_STAGED_FOLDERS, input.keepStaging);
      if (isRunOutcome(err)) throw err;
      if (isWaitTimeout(err))
        throw await jobTimedOut(err, input.provider, jobs, (message) => report('FAILED', { message }));
      t.finish('FAILED');
      throw runFailure(err);
    }
    t.phase('cleaning-up');
    if (!patched(CANCEL_FOLLOWUP_PATCH)) return legacyImportCancel(err, input, jobs, staging, report);
    const { removed, after } = await CancellationScope.nonCancellable(async () => ({
      removed: staging
        ? await cleanup.deleteRunData.executeWithOptions({ summary: 'delete what this run staged' }, [
            { bucket: staging.bucket, prefix: staging.key },
          ])
        : undefined,
      // Import jobs write nothing under the run's prefix: the follow-up only waits for them and reports how they ended.
      after: await stopJobsAndFollowUp({
        pipeline: 'import',
        provider: input.provider,
        jobs,
        poll,
        graceMs: input.cancelGraceMs,
        cleanup: [],
      }),
    }));
    jobs.splice(0, jobs.length, ...after.jobs);
    const cleaned = removed
      ? ` Removed ${removed.deletedObjects} staged object(s) under ${formatS3Url(staging!)}.`
      : '';
    endCancelled(
      err,
      report('CANCELLED', {
        cancelFollowUpId: after.followUpWorkflowId,
        message: `Cancelled; no new import job will be started.${cleaned} ${after.note || 'No import job was started.'}`,
      }),
    );
  }
}

/**
 * One import job per target, at most maxConcurrentJobs at a time (Pinpoint queues or refuses more). After a
 * cancellation or a failure no lane starts another job. Every job's latest snapshot lands in `jobs`.
 */
async function runJobs(
  input: ImportInput,
  targets: ImportTarget[],
  poll: ReturnType<typeof resolvePollPolicy>,
  jobs: JobSnapshot[],
  t: PipelineTracker,
): Promise<void> {
  const finished: JobSnapshot[] = [];
  let next = 0;
  let stopped = false;
  const segment = new ImportSegment(input.segmentName, targets.length);
  const lane = async () => {
    while (next < targets.length && !stopped) {
      const i = next++;
      const target = targets[i]!;
      const segmentFields = await segment.fieldsFor(i, () => stopped);
      if (!segmentFields) return;
      const label = targets.length > 1 ? ` (part ${i + 1} of ${targets.length})` : '';
      t.phase('creating-job', `job ${i + 1} of ${targets.length}`);
      const { job } = await calls.createOrAdoptImportJob.executeWithOptions(
        { summary: `create import job${label} for app ${input.applicationId}` },
        [
          {
            provider: input.provider,
            applicationId: input.applicationId,
            s3Url: target.s3Url,
            roleArn: input.roleArn,
            format: target.format,
            registerEndpoints: input.registerEndpoints,
            ...segmentFields,
          },
        ],
      );
      segment.created(i, job);
      jobs.push(job);
      t.jobIds(jobs.map((j) => j.jobId));
      t.phase('waiting', `job ${i + 1} of ${targets.length}`);
      t.update({ jobKind: 'import', jobId: job.jobId, jobStatus: job.rawStatus });
      const done = await longRunning.waitForJob.executeWithOptions(
        { summary: `wait for import job ${job.jobId}${label}`, startToCloseTimeout: waitTimeoutMs(poll) },
        [
          {
            provider: input.provider,
            job: { kind: 'IMPORT', applicationId: input.applicationId, jobId: job.jobId },
            poll,
          },
        ],
      );
      jobs[jobs.indexOf(job)] = done;
      finished.push(done);
      t.update({
        jobId: done.jobId,
        jobStatus: done.rawStatus,
        pieces: { completed: finished.length, total: targets.length },
        processed: jobs.reduce((s, j) => s + (j.counters.totalProcessed ?? 0), 0),
        failed: jobs.reduce((s, j) => s + (j.counters.totalFailures ?? 0), 0),
      });
    }
  };
  const guarded = () =>
    lane().catch((err: unknown) => {
      stopped = true;
      throw err;
    });
  const lanes = Array.from(
    { length: Math.min(input.maxConcurrentJobs ?? DEFAULT_MAX_CONCURRENT_JOBS, targets.length) },
    guarded,
  );
  const results = await Promise.allSettled(lanes);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/**
 * The import jobs of an S3 source. Within the per-job limit: one job on the URL as given (nothing copied). Over it:
 * the listed files, in listing order, are grouped into jobs of at most maxJobBytes and each group is copied (server
 * side) under `<staging run prefix>jobs/job-NNNN/`, one job per folder; the source is never written or deleted. A
 * split needs a staging location outside the source; without one the run fails here, before any job.
 */
async function s3Targets(
  input: ImportInput,
  s3Url: string,
  staging: ReturnType<typeof runPrefix> | undefined,
  t: PipelineTracker,
  noteSplit: (note: string) => void,
): Promise<ImportTarget[]> {
  const maxJobBytes = input.maxJobBytes ?? DEFAULT_MAX_JOB_BYTES;
  t.phase('listing', s3Url);
  const plan = await longRunning.planS3ImportSource.executeWithOptions(
    { summary: `list the ${input.format} files of ${s3Url}` },
    [{ s3Url, format: input.format, maxJobBytes }],
  );
  if (!plan.objects) {
    t.update({ note: `${plan.files} ${input.format} file(s), ${plan.totalBytes} bytes: one import job` });
    return [{ s3Url, format: input.format }];
  }
  const groups = groupParts(plan.objects, maxJobBytes);
  const source: SplitSource = {
    folder: { bucket: plan.bucket, key: plan.key },
    format: input.format,
    files: plan.files,
    totalBytes: plan.totalBytes,
    maxJobBytes,
    jobs: groups.length,
  };
  const problem = splitStagingProblem(source, input.stagingUrl ? parseS3Url(input.stagingUrl) : undefined);
  if (problem || !staging) {
    throw ApplicationFailure.create({
      message: problem ?? 'no staging location',
      type: FailureType.BadInput,
      nonRetryable: true,
    });
  }
  t.phase('uploading', `copy ${plan.files} file(s) into ${groups.length} job folders`);
  const prefixes = await longRunning.stageImportJobs.executeWithOptions(
    {
      summary: `copy ${plan.files} file(s) of ${s3Url} into ${groups.length} job folders under ${formatS3Url(staging)}jobs/`,
    },
    [
      {
        bucket: staging.bucket,
        prefix: staging.key,
        groups: groups.map((g) => g.map((o) => o.key)),
        copyFrom: { bucket: plan.bucket, prefix: plan.key },
      },
    ],
  );
  const note = splitNote(source, staging);
  noteSplit(note);
  t.update({ note });
  return prefixes.map((key) => ({ s3Url: formatS3Url({ bucket: staging.bucket, key }), format: input.format }));
}
