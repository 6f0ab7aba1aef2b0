import { ApplicationFailure, CancellationScope, isCancellation, workflowInfo } from '@temporalio/workflow';
import { FailureType, parseS3Url, PINPOINT_MAX_IMPORT_JOB_BYTES, runPrefix } from '../src/contracts';
import type { JobSnapshot, S3Location } from '../src/contracts';
import { emptyActivationTotals } from '../src/contracts/aep-activate';
import type { ActivateSegmentInput, ActivateSegmentReport, ActivationTotals } from '../src/contracts/aep-activate';
import { cleanup, creates, longRunning } from './helpers/activity-proxies';
import { aepCalls, CREATION_SKEW_MS, runAepExportJob, runQualificationWindow } from './helpers/aep-job';
import type { AepJobSpec } from './helpers/aep-job';
import { runFailure } from './helpers/failures';
import { endCancelled } from './helpers/outcome';
import { resolvePollPolicy, waitTimeoutMs } from './helpers/poll-policy';
import { PipelineTracker } from './helpers/tracker';

/** The input, mapping and fields as the check activity returns them. */
type CheckedActivation = Awaited<ReturnType<typeof aepCalls.aepCheckActivateInput>>;

/** What every step of one activation works with: the checked input, where it stages, and what it has done so far. */
interface ActivationRun extends CheckedActivation {
  workflowId: string;
  runId: string;
  tracker: PipelineTracker;
  dryRun: boolean;
  /** The run's own S3 prefix: the import parts (parts/) and the import jobs' copies (jobs/). */
  prefix: S3Location;
  /** The run's own local folder for the AEP download. */
  workDir: string;
  /** AEP jobs created before this (less the clock skew) are not this run's. */
  notBeforeMs: number;
  /** The AEP export job's request, once made; `aepRunning` until the run has seen the job end. */
  spec?: AepJobSpec;
  aepJobId?: string;
  aepRunning: boolean;
  totals?: ActivationTotals;
  importJobs: JobSnapshot[];
}

/**
 * activateSegment (AEP segment → Pinpoint application): check the input and the mapping → create
 * (or find) the AEP export job of the mapping's fields → poll → stream each batch's Parquet files,
 * map each profile to endpoints (Id `<profile id>-<channel suffix>`) and write import parts under
 * the run's prefix → one Pinpoint import job per part (created or adopted), waited for → report.
 * Staged parts and the AEP download are deleted however the run ends (the rejected rows stay).
 * A dry run counts only. Cancelling DELETEs a running AEP job, removes what the run wrote, and ends
 * Canceled. Operators see it like the endpoint pipelines: pipeline "activate", provider "aep", the segment ids
 * and the target application as the application ids, the `progress` query and the AudienceflowStatus attribute.
 * History carries counts, ids and keys only.
 */
export async function activateSegment(raw: ActivateSegmentInput): Promise<ActivateSegmentReport> {
  const tracker = new PipelineTracker('activate', { provider: 'aep', applicationIds: applicationIdsOf(raw) });
  const run = await activationRun(raw, tracker);
  try {
    const batchIds = await exportSegment(run);
    await activateBatches(run, batchIds);
    await importParts(run);
    return await concludeActivation(run);
  } catch (err) {
    if (isCancellation(err)) return cancelActivation(run, err);
    await removeStaged(run, ['parts/', 'jobs/']).catch(() => undefined);
    if (!tracker.progress.outcome) tracker.finish('FAILED');
    throw runFailure(err);
  }
}

/** Checks the input and the mapping (a refused input fails the run), then lays out where the run works. */
async function activationRun(raw: ActivateSegmentInput, tracker: PipelineTracker): Promise<ActivationRun> {
  const { workflowId, runId, startTime } = workflowInfo();
  tracker.phase('validating');
  const checked = await aepCalls.aepCheckActivateInput(raw).catch((err: unknown) => {
    tracker.finish('FAILED');
    throw runFailure(err);
  });
  const workBase = checked.input.workDir ?? (await aepCalls.aepStagingDir());
  return {
    ...checked,
    workflowId,
    runId,
    tracker,
    dryRun: checked.input.dryRun === true,
    prefix: runPrefix(parseS3Url(checked.input.s3Url, 's3Url'), workflowId, runId),
    workDir: `${workBase.replace(/\/+$/, '')}/${workflowId}/${runId}`,
    notBeforeMs: startTime.getTime() - CREATION_SKEW_MS,
    aepRunning: false,
    importJobs: [],
  };
}

/**
 * 1. The AEP export job of the mapping's fields (a dataset first when none is given), created or found, polled to its
 * end: the ids of the batches it wrote.
 */
async function exportSegment(run: ActivationRun): Promise<string[]> {
  const { input, tracker } = run;
  tracker.phase('creating-job', input.datasetId ? 'AEP export job' : 'creating the dataset, then the AEP export job');
  const datasetId = input.datasetId ?? (await aepCalls.aepCreateDataset(input.createDataset?.name ?? run.workflowId));
  // The qualification window ends at the run's start: the job's fingerprint is this run's own.
  const segmentQualificationTime = runQualificationWindow(undefined, workflowInfo().startTime);
  const { segments, mergePolicy } = input;
  run.spec = { datasetId, segments, fields: run.fields, mergePolicy, segmentQualificationTime };
  run.aepRunning = true;
  const job = await runAepExportJob(
    run.spec,
    run.notBeforeMs,
    input.poll,
    (id, status) => {
      run.aepJobId = id;
      tracker.jobIds([id]);
      tracker.update({ jobKind: 'export', jobId: id, jobStatus: status });
      tracker.phase('waiting', 'AEP export job');
    },
    (status) => tracker.update({ jobStatus: status }),
  );
  run.aepRunning = false;
  tracker.stage('export');
  return job.batches.map((b) => b.batchId);
}

/** 2. Each batch's Parquet files → profiles mapped to endpoints → import parts under the run's prefix (counts only). */
async function activateBatches(run: ActivationRun, batchIds: string[]): Promise<void> {
  run.tracker.phase('transferring', `mapping the profiles of ${batchIds.length} batch(es) to endpoints`);
  run.totals = await longRunning.aepActivateBatches({
    batchIds,
    dir: run.workDir,
    mapping: run.mapping,
    bucket: run.prefix.bucket,
    prefix: run.prefix.key,
    maxJobBytes: run.input.maxJobBytes ?? PINPOINT_MAX_IMPORT_JOB_BYTES,
    dryRun: run.dryRun,
  });
  run.tracker.stage('activate');
}

/** 3. One Pinpoint import job per part, one after the other: created or adopted, then waited for (none in a dry run). */
async function importParts(run: ActivationRun): Promise<void> {
  const { tracker, input } = run;
  const poll = resolvePollPolicy(input.poll);
  const totals = run.totals ?? emptyActivationTotals();
  const parts = run.dryRun ? [] : totals.parts;
  tracker.update({ processed: totals.profiles });
  for (const [i, part] of parts.entries()) {
    const which = `import job ${i + 1} of ${parts.length}`;
    tracker.phase('creating-job', which);
    const created = await creates.createOrAdoptImportJob({
      provider: 'pinpoint',
      applicationId: input.applicationId,
      s3Url: part.s3Url,
      roleArn: input.roleArn,
      format: 'JSON',
      registerEndpoints: true,
    });
    run.importJobs.push(created.job);
    tracker.jobIds([...(run.aepJobId ? [run.aepJobId] : []), ...run.importJobs.map((j) => j.jobId)]);
    tracker.update({ jobKind: 'import', jobId: created.job.jobId, jobStatus: created.job.rawStatus });
    tracker.phase('waiting', which);
    const job = { kind: 'IMPORT' as const, applicationId: input.applicationId, jobId: created.job.jobId };
    const done = await longRunning.waitForJob.executeWithOptions(
      { summary: `wait for import job ${created.job.jobId}`, startToCloseTimeout: waitTimeoutMs(poll) },
      [{ provider: 'pinpoint', job, poll }],
    );
    run.importJobs[run.importJobs.length - 1] = done;
  }
  tracker.stage('import');
}

/** 4. Cleans up what the run staged, then ends it: Completed, or Failed when an import job did not succeed. */
async function concludeActivation(run: ActivationRun): Promise<ActivateSegmentReport> {
  const { tracker } = run;
  tracker.phase('cleaning-up');
  // An activation that finished before it heard of a cancellation still ends the run Canceled.
  if (CancellationScope.current().consideredCancelled) await CancellationScope.current().cancelRequested;
  await removeStaged(run, ['parts/', 'jobs/']);
  const failed = run.importJobs.filter((j) => j.state !== 'SUCCEEDED');
  if (failed.length > 0) {
    const message = `Pinpoint import job(s) ${failed.map((j) => `${j.jobId} (${j.rawStatus})`).join(', ')} did not succeed`;
    tracker.finish('FAILED', message);
    throw ApplicationFailure.nonRetryable(message, FailureType.JobFailed, activationReport(run, 'FAILED', message));
  }
  const endpoints = run.totals ? run.totals.endpoints.EMAIL + run.totals.endpoints.SMS : 0;
  const dryNote = run.dryRun
    ? `dry run: ${endpoints} endpoint(s) would be imported into ${run.input.applicationId}; no part was written and no import job created`
    : undefined;
  tracker.finish('COMPLETED', dryNote);
  return activationReport(run, 'COMPLETED', dryNote);
}

/** After a cancel: DELETE the AEP job if it still runs, remove what the run wrote, end Canceled. */
async function cancelActivation(run: ActivationRun, err: unknown): Promise<never> {
  run.tracker.phase('cleaning-up');
  await CancellationScope.nonCancellable(async () => {
    if (run.spec && run.aepRunning) {
      await aepCalls.aepCancelExportJob({ jobId: run.aepJobId, spec: run.spec, notBeforeMs: run.notBeforeMs });
    }
  });
  await removeStaged(run);
  const message = 'Cancelled; what the run wrote was removed.';
  run.tracker.finish('CANCELLED', message);
  endCancelled(err, activationReport(run, 'CANCELLED', message));
}

/** Deletes the AEP download and what the run wrote under its prefix (only the folders `only`, when given). */
function removeStaged(run: ActivationRun, only?: string[]): Promise<void> {
  return CancellationScope.nonCancellable(async () => {
    await cleanup.aepRemoveDownloads(run.workDir);
    await cleanup.deleteRunData({ bucket: run.prefix.bucket, prefix: run.prefix.key, only });
  });
}

/** The run's report (kept for the `progress` query too): counts, job ids and stage durations, no profile data. */
function activationReport(
  run: ActivationRun,
  status: ActivateSegmentReport['status'],
  message?: string,
): ActivateSegmentReport {
  const { parts: _parts, ...counts } = run.totals ?? emptyActivationTotals();
  const { importJobs, tracker } = run;
  return tracker.settle<ActivateSegmentReport>({
    workflowId: run.workflowId,
    runId: run.runId,
    status,
    dryRun: run.dryRun,
    aepJobId: run.aepJobId ?? '',
    applicationId: run.input.applicationId,
    totals: counts,
    importJobs,
    imported: {
      processed: importJobs.reduce((n, j) => n + (j.counters.totalProcessed ?? 0), 0),
      failed: importJobs.reduce((n, j) => n + (j.counters.totalFailures ?? 0), 0),
    },
    durationsMs: { ...tracker.stagesMs, total: tracker.durationsMs.total ?? 0 },
    message,
  });
}

/** The run's application ids (search attribute) from a not yet validated input: the segments and the target. */
function applicationIdsOf(raw: ActivateSegmentInput): string[] {
  const segments = Array.isArray(raw?.segments) ? raw.segments.map((s) => s?.segmentId) : [];
  return [...segments, raw?.applicationId].filter((id): id is string => typeof id === 'string' && id.length > 0);
}
