import {
  ActivityCancellationType,
  CancellationScope,
  isCancellation,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { formatS3Url, parseS3Url, runPrefix } from '../src/contracts/s3-location';
import type { S3Location } from '../src/contracts/s3-location';
import { AEP_POLL_DEFAULTS } from '../src/contracts/aep-export';
import type { ExportProfilesBatch, ExportProfilesInput, ExportProfilesReport } from '../src/contracts/aep-export';
import { AEP_RETRY, cleanup } from './helpers/activity-proxies';
import { runFailure } from './helpers/failures';
import { endCancelled } from './helpers/outcome';
import { PipelineTracker } from './helpers/tracker';
import { aepCalls as calls, CREATION_SKEW_MS, runAepExportJob, runQualificationWindow } from './helpers/aep-job';

const downloads = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  // Cleanup after a cancellation starts only once the download has stopped writing.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: AEP_RETRY,
});

type CheckedInput = Awaited<ReturnType<typeof calls.aepCheckExportInput>>;
type JobSpec = Parameters<Activities['aepCreateOrFindExportJob']>[0]['spec'];

/** What every step of one profile export works with: the checked input, where it writes, what it has done so far. */
interface ProfilesRun {
  workflowId: string;
  runId: string;
  tracker: PipelineTracker;
  input: CheckedInput;
  /** The run's own folder: `<downloadDir or the worker's staging folder>/<workflowId>/<runId>`. */
  outputDir: string;
  /** With copyTo: the run's own S3 prefix the files are copied to. */
  copyTo?: S3Location;
  /** AEP jobs created before this (less the clock skew) are not this run's. */
  notBeforeMs: number;
  datasetId: string;
  /** The job's request once made, and its id once known: what a cancel DELETEs. */
  spec?: JobSpec;
  jobId?: string;
  marks: ExportProfilesReport['durationsMs'];
}

/**
 * exportProfiles (Adobe Experience Platform): check the input → create the dataset if asked → create
 * the export job (or find the one a retried attempt created, by fingerprint) → poll with backoff →
 * download each batch's Parquet files to <downloadDir>/<workflowId>/<runId>/ → report.
 * Cancelling DELETEs the job, removes the run's files, and the run ends Canceled (its report in the memo); a run that
 * fails removes its files too (a half-written download is not an export).
 * Operators see it like the endpoint pipelines: pipeline "export", provider "aep", the segment ids as the
 * application ids, the `progress` query and the AudienceflowStatus search attribute.
 */
export async function exportProfiles(raw: ExportProfilesInput): Promise<ExportProfilesReport> {
  const tracker = new PipelineTracker('export', { provider: 'aep', applicationIds: segmentIdsOf(raw) });
  const run = await profilesRun(raw, tracker);
  try {
    const job = await exportJob(run);
    const downloadStartedAt = Date.now();
    const batches = await downloadBatches(run, job.batches);
    const copied = await copyFiles(run);
    // A download that finished before it heard of a cancellation still ends the run Canceled.
    if (CancellationScope.current().consideredCancelled) await CancellationScope.current().cancelRequested;
    run.marks.download = Date.now() - downloadStartedAt;
    tracker.finish('COMPLETED');
    return tracker.settle(profilesReport(run, 'SUCCEEDED', { batches, ...copied }));
  } catch (err) {
    if (isCancellation(err)) return cancelExport(run, err);
    await CancellationScope.nonCancellable(() => removeOutput(run)).catch(() => undefined);
    tracker.finish('FAILED');
    throw runFailure(err);
  }
}

/** Checks the input (a refused input fails the run), then lays out where the run writes. */
async function profilesRun(raw: ExportProfilesInput, tracker: PipelineTracker): Promise<ProfilesRun> {
  const { workflowId, runId, startTime } = workflowInfo();
  tracker.phase('validating');
  const input = await calls.aepCheckExportInput(raw).catch((err: unknown) => {
    tracker.finish('FAILED');
    throw runFailure(err);
  });
  const baseDir = input.downloadDir ?? (await calls.aepStagingDir());
  return {
    workflowId,
    runId,
    tracker,
    input,
    outputDir: `${baseDir.replace(/\/+$/, '')}/${workflowId}/${runId}`,
    copyTo: input.copyTo ? runPrefix(parseS3Url(input.copyTo, 'copyTo'), workflowId, runId) : undefined,
    notBeforeMs: startTime.getTime() - CREATION_SKEW_MS,
    datasetId: input.datasetId ?? '',
    marks: { dataset: 0, createJob: 0, wait: 0, download: 0, total: 0 },
  };
}

/** The dataset (when asked), then the export job, created or found by fingerprint, polled to its end. */
async function exportJob(run: ProfilesRun) {
  const { input, tracker, marks } = run;
  tracker.phase('creating-job', input.datasetId ? undefined : 'creating the dataset');
  let t0 = Date.now();
  run.datasetId = input.datasetId ?? (await calls.aepCreateDataset(input.createDataset?.name ?? run.workflowId));
  marks.dataset = Date.now() - t0;
  run.spec = {
    datasetId: run.datasetId,
    segments: input.segments,
    fields: input.fields,
    mergePolicy: input.mergePolicy,
    fromIngestTimestamp: input.since,
    // Ends at the run's start unless given: each run's job has its own fingerprint (runQualificationWindow).
    segmentQualificationTime: runQualificationWindow(input.qualifiedBetween, workflowInfo().startTime),
    segmentPerBatch: input.segmentPerBatch,
  };
  t0 = Date.now();
  const job = await runAepExportJob(
    run.spec,
    run.notBeforeMs,
    { ...AEP_POLL_DEFAULTS, ...input.poll },
    (id, status) => {
      run.jobId = id;
      marks.createJob = Date.now() - t0;
      t0 = Date.now();
      tracker.jobIds([id]);
      tracker.update({ jobId: id, jobStatus: status });
      tracker.phase('waiting');
    },
    (status) => tracker.update({ jobStatus: status }),
  );
  run.jobId = job.jobId;
  marks.wait = Date.now() - t0;
  return job;
}

/** Each batch's Parquet files into the run's folder, one batch after the other. */
async function downloadBatches(
  run: ProfilesRun,
  jobBatches: { batchId: string; segmentId?: string }[],
): Promise<ExportProfilesBatch[]> {
  run.tracker.phase('downloading', `${jobBatches.length} batch(es)`);
  const batches: ExportProfilesBatch[] = [];
  for (const b of jobBatches) {
    batches.push(await downloads.aepDownloadBatch({ batchId: b.batchId, segmentId: b.segmentId, dir: run.outputDir }));
  }
  return batches;
}

/** With copyTo: the run's files to its S3 prefix (and out of the staging folder when no downloadDir was asked for). */
async function copyFiles(run: ProfilesRun): Promise<Partial<ExportProfilesReport>> {
  const { copyTo } = run;
  if (!copyTo) return {};
  const copied = await downloads.aepCopyToS3({ dir: run.outputDir, bucket: copyTo.bucket, prefix: copyTo.key });
  if (!run.input.downloadDir) await calls.aepRemoveDownloads(run.outputDir);
  return { outputUrl: formatS3Url(copyTo), objects: copied.objects };
}

/** What the run wrote: its download folder and, with copyTo, the objects under its own prefix (a few attempts). */
async function removeOutput(run: ProfilesRun): Promise<void> {
  await cleanup.aepRemoveDownloads(run.outputDir);
  if (run.copyTo) await cleanup.deleteRunData({ bucket: run.copyTo.bucket, prefix: run.copyTo.key });
}

/** After a cancel: DELETE the job (found by fingerprint when its id never came back), remove the run's files. */
async function cancelExport(run: ProfilesRun, err: unknown): Promise<never> {
  run.tracker.phase('cleaning-up');
  await CancellationScope.nonCancellable(async () => {
    if (run.spec) await calls.aepCancelExportJob({ jobId: run.jobId, spec: run.spec, notBeforeMs: run.notBeforeMs });
    await removeOutput(run);
  });
  const removed = run.copyTo ? 'downloaded files and copied objects removed' : 'downloaded files removed';
  const message = `cancelled: ${run.jobId ? `export job ${run.jobId} DELETEd, ` : ''}${removed}`;
  run.tracker.finish('CANCELLED', message);
  endCancelled(err, run.tracker.settle(profilesReport(run, 'CANCELLED', { message, batches: [] })));
}

function profilesReport(
  run: ProfilesRun,
  status: ExportProfilesReport['status'],
  extra: Partial<ExportProfilesReport> & { batches: ExportProfilesBatch[] },
): ExportProfilesReport {
  const { outputUrl, objects, ...rest } = extra;
  return {
    workflowId: run.workflowId,
    runId: run.runId,
    status,
    ...(rest.message !== undefined && { message: rest.message }),
    jobId: run.jobId ?? '',
    datasetId: run.datasetId,
    outputDir: run.outputDir,
    ...(outputUrl !== undefined && { outputUrl, objects: objects ?? 0 }),
    batches: rest.batches,
    durationsMs: { ...run.marks, total: run.tracker.durationsMs.total ?? 0 },
  };
}

/** The segment ids of a not yet validated input (the run's search attribute), ids only. */
function segmentIdsOf(raw: ExportProfilesInput): string[] {
  const list = Array.isArray(raw?.segments) ? raw.segments : [];
  return list.map((s) => s?.segmentId).filter((id): id is string => typeof id === 'string' && id.length > 0);
}
