import { isCancellation, patched } from '@temporalio/workflow';
import {
  describeDuplicateIds,
  describeRejectLimit,
  FailureType,
  formatS3Url,
  parseS3Url,
  PINPOINT_CONCURRENT_IMPORT_JOBS,
  rejectLimitExceeded,
  runPrefix,
} from '../src/contracts';
import type { ImportInput, ImportReport } from '../src/contracts';
import { calls, cleanup } from './helpers/activity-proxies';
import { CANCEL_FOLLOWUP_PATCH } from './helpers/cancel-followup-start';
import { endCancelled, failedRun } from './helpers/outcome';
import { IMPORT_STAGED_FOLDERS, releaseStaging } from './helpers/retention';
import { PipelineTracker } from './helpers/tracker';
import { describeFileProblems, wholeFileNote } from './import-file-problems';
import { partsToImport } from './import-sources';
import type { ImportRun } from './import-sources';
import { legacyImportCancel } from './legacy-cancel';
import { checked } from './steps/check-input';
import { cancelJobsAndCleanUp, endFailed } from './steps/finish';
import { importParts } from './steps/import-parts';
import type { ImportJobsSpec } from './steps/import-parts';
import { pipelineRun } from './steps/run-state';
import { writeFailureReport } from './steps/write-report';

/**
 * importEndpoints: (local files) validate and upload the valid rows under the run's prefix, split into parts within the
 * per-job limit; (S3) list the source, and when it is over the per-job limit copy its files in groups into the run's
 * job folders (the source is only read) → one import job per part (created or adopted), a bounded number at a time,
 * each awaited by a heartbeating activity → JSON failure report (provider Failures + our rejected rows) → report with
 * counts only. Cancelling starts no new job, deletes what the run staged, reports each job's last status and leaves a
 * follow-up workflow for jobs still running (cancel-followup.ts).
 */
export async function importEndpoints(raw: ImportInput): Promise<ImportReport> {
  const tracker = new PipelineTracker('import', { provider: raw.provider, applicationIds: [raw.applicationId] });
  const input = await checked(
    tracker,
    calls.checkImportInput.executeWithOptions({ summary: 'validate the import input' }, [raw]),
  );
  // A missing application fails here, before a byte is uploaded.
  await checked(
    tracker,
    calls.checkApplication.executeWithOptions({ summary: `check that application ${input.applicationId} exists` }, [
      { provider: input.provider, applicationId: input.applicationId },
    ]),
  );
  const run = importRun(input, tracker);
  try {
    const parts = await partsToImport(run);
    await importParts(run, parts, importJobsSpec(input));
    const reportLocation = await writeImportFailureReport(run);
    return await concludeImport(run, parts.length, reportLocation);
  } catch (err) {
    if (isCancellation(err)) return cancelImport(run, err);
    await releaseStaging(run.staging, IMPORT_STAGED_FOLDERS, input.keepStaging);
    return endFailed(err, run, (message) => importReport(run, 'FAILED', { message }));
  }
}

function importRun(input: ImportInput, tracker: PipelineTracker): ImportRun {
  const run = pipelineRun(tracker, input, calls);
  const staging = input.stagingUrl
    ? runPrefix(parseS3Url(input.stagingUrl, 'staging S3 URL'), run.workflowId, run.runId)
    : undefined;
  return { ...run, input, staging };
}

function maxConcurrentJobs(input: ImportInput): number {
  return input.maxConcurrentJobs ?? PINPOINT_CONCURRENT_IMPORT_JOBS;
}

function importReport(run: ImportRun, status: ImportReport['status'], extra: Partial<ImportReport> = {}) {
  const { staged, tracker } = run;
  return tracker.settle<ImportReport>({
    workflowId: run.workflowId,
    runId: run.runId,
    status,
    jobs: run.jobs.all,
    totals: {
      rejectedLocally: staged?.rejected ?? 0,
      uploaded: staged?.uploaded,
      duplicateIds: staged?.duplicateIds,
      ...run.jobs.counters('IMPORT'),
    },
    ...extra,
    durationsMs: tracker.finish(status, extra.message),
  });
}

/** One job per part, at most maxConcurrentJobs at once (Pinpoint queues or refuses more), into one segment if named. */
function importJobsSpec(input: ImportInput): ImportJobsSpec {
  return {
    applicationId: input.applicationId,
    roleArn: input.roleArn,
    registerEndpoints: input.registerEndpoints,
    maxConcurrentJobs: maxConcurrentJobs(input),
    segmentName: input.segmentName,
    failureStop: 'first-lane',
    labels: (i, n) => {
      const part = n > 1 ? ` (part ${i + 1} of ${n})` : '';
      return {
        create: `create import job${part} for app ${input.applicationId}`,
        waitSuffix: part,
        progress: { phases: true, note: `job ${i + 1} of ${n}` },
      };
    },
    countJobsAsPieces: true,
  };
}

/** The failure report, where the input or the staging location says; returns where it was written. */
async function writeImportFailureReport(run: ImportRun): Promise<string | undefined> {
  const { input, staging, staged } = run;
  run.tracker.phase('reporting');
  const location = input.reportUrl ?? (staging ? `${formatS3Url(staging)}failure-report.json` : undefined);
  if (!location) return undefined;
  return writeFailureReport(run, {
    summary: `write the failure report to ${location}`,
    applicationId: input.applicationId,
    location,
    rejectedRows:
      staged?.rejectedRowsKey && staging ? { bucket: staging.bucket, key: staged.rejectedRowsKey } : undefined,
  });
}

/** What the report adds after its first sentence: repeated ids, files rejected as a whole, the split, the report. */
function reportNotes(run: ImportRun, jobsPlanned: number, reportLocation: string | undefined) {
  const { staged, split, input } = run;
  const noReport = reportLocation ? '' : ' No report location was given (reportUrl), so no failure report was written.';
  /** Ids in more than one row of the local files: told, not hidden (the import applied them all). */
  const duplicates = describeDuplicateIds(staged?.duplicateIds ?? 0, staged?.duplicateExamples ?? [], {
    jobs: jobsPlanned,
    atOnce: maxConcurrentJobs(input),
  });
  return {
    tail: `${split ? ` ${split}.` : ''}${noReport}`,
    files: wholeFileNote(staged?.fileProblems),
    dups: duplicates ? ` ${duplicates}.` : '',
  };
}

/** Why an import that ran to its end did not do its job — the failure type, reason and report message — or undefined. */
function importVerdict(run: ImportRun, jobsPlanned: number, notes: ReturnType<typeof reportNotes>) {
  const { staged, input, jobs } = run;
  const { tail, files, dups } = notes;
  if (jobsPlanned === 0) {
    const why = staged?.fileProblems.length ? ` (${describeFileProblems(staged.fileProblems)})` : '';
    const reason = `no valid rows to import: all ${staged?.rejected ?? 0} entries were rejected${why}; see the failure report.`;
    return { type: FailureType.NothingToImport, reason, message: `${reason}${tail}` };
  }
  const failedJobs = jobs.all.filter((j) => j.state !== 'SUCCEEDED');
  if (failedJobs.length > 0) {
    const reason = `import job(s) ${failedJobs.map((j) => `${j.jobId} ended ${j.rawStatus}`).join(', ')}; see the failure report.`;
    return { type: FailureType.JobFailed, reason, message: `${reason}${dups}${files}${tail}` };
  }
  const imported = jobs.counters('IMPORT');
  const rejected = (staged?.rejected ?? 0) + imported.failed;
  const rows = (staged?.rejected ?? 0) + imported.processed;
  if (input.maxRejected && rejectLimitExceeded(input.maxRejected, rejected, rows)) {
    const reason = `${rejected} of ${rows} rows were rejected, more than --max-rejected allows (${describeRejectLimit(input.maxRejected)}); the valid rows were imported; see the failure report.`;
    return { type: FailureType.TooManyRejected, reason, message: `${reason}${dups}${tail}` };
  }
  return undefined;
}

/** The verdict: a failed run ends with its report; a completed one releases its staged files first. */
async function concludeImport(run: ImportRun, jobsPlanned: number, reportLocation: string | undefined) {
  const notes = reportNotes(run, jobsPlanned, reportLocation);
  const verdict = importVerdict(run, jobsPlanned, notes);
  if (verdict) {
    const report = importReport(run, 'FAILED', { reportLocation, message: verdict.message });
    throw failedRun(verdict.type, verdict.reason, report);
  }
  const kept = await releaseStaging(run.staging, IMPORT_STAGED_FOLDERS, run.input.keepStaging);
  const { dups, files, tail } = notes;
  return importReport(run, 'COMPLETED', {
    reportLocation,
    message: `${dups}${files}${tail}${kept}`.trim() || undefined,
  });
}

/** Cancelled: no new job starts, the staged files go, the jobs are stopped where the provider can; ends Canceled. */
async function cancelImport(run: ImportRun, err: unknown): Promise<never> {
  const { input, staging, tracker } = run;
  tracker.phase('cleaning-up');
  if (!patched(CANCEL_FOLLOWUP_PATCH)) {
    return legacyImportCancel(err, input, run.jobs.all, staging, (status, extra) => importReport(run, status, extra));
  }
  const { removed, after } = await cancelJobsAndCleanUp(
    run,
    () =>
      staging
        ? cleanup.deleteRunData.executeWithOptions({ summary: 'delete what this run staged' }, [
            { bucket: staging.bucket, prefix: staging.key },
          ])
        : Promise.resolve(undefined),
    // Import jobs write nothing under the run's prefix: the follow-up only waits for them and reports how they ended.
    { pipeline: 'import', graceMs: input.cancelGraceMs, cleanup: [] },
  );
  const cleaned =
    removed && staging ? ` Removed ${removed.deletedObjects} staged object(s) under ${formatS3Url(staging)}.` : '';
  endCancelled(
    err,
    importReport(run, 'CANCELLED', {
      cancelFollowUpId: after.followUpWorkflowId,
      message: `Cancelled; no new import job will be started.${cleaned} ${after.note || 'No import job was started.'}`,
    }),
  );
}
