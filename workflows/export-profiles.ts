import {
  ActivityCancellationType,
  CancellationScope,
  isCancellation,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { formatS3Url, parseS3Url, runPrefix } from '../src/contracts/s3-location';
import { AEP_POLL_DEFAULTS } from '../src/contracts/aep-export';
import type { ExportProfilesBatch, ExportProfilesInput, ExportProfilesReport } from '../src/contracts/aep-export';
import { AEP_RETRY } from './helpers/activity-proxies';
import { runFailure } from './helpers/failures';
import { endCancelled } from './helpers/outcome';
import { PipelineTracker } from './helpers/tracker';
import { aepCalls as calls, CREATION_SKEW_MS, runAepExportJob, runQualificationWindow } from './helpers/aep-job';

/**
 * exportProfiles (Adobe Experience Platform): check the input → create the dataset if asked → create
 * the export job (or find the one a retried attempt created, by fingerprint) → poll with backoff →
 * download each batch's Parquet files to <downloadDir>/<workflowId>/<runId>/ → report.
 * Cancelling DELETEs the job, removes the run's files, and the run ends Canceled (its report in the memo).
 * Operators see it like the endpoint pipelines: pipeline "export", provider "aep", the segment ids as the
 * application ids, the `progress` query and the AudienceflowStatus search attribute.
 */

const downloads = proxyActivities<Activities>({
  startToCloseTimeout: '2 hours',
  heartbeatTimeout: '1 minute',
  // Cleanup after a cancellation starts only once the download has stopped writing.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  retry: AEP_RETRY,
});

export async function exportProfiles(raw: ExportProfilesInput): Promise<ExportProfilesReport> {
  const { workflowId, runId, startTime } = workflowInfo();
  const started = Date.now();
  const t = new PipelineTracker('export', { provider: 'aep', applicationIds: segmentIdsOf(raw) });
  t.phase('validating');
  const input = await calls.aepCheckExportInput(raw).catch((err: unknown) => {
    t.finish('FAILED');
    throw runFailure(err);
  });
  const poll = { ...AEP_POLL_DEFAULTS, ...input.poll };
  const baseDir = input.downloadDir ?? (await calls.aepStagingDir());
  const outputDir = `${baseDir.replace(/\/+$/, '')}/${workflowId}/${runId}`;
  const copyTo = input.copyTo ? runPrefix(parseS3Url(input.copyTo, 'copyTo'), workflowId, runId) : undefined;
  const notBeforeMs = startTime.getTime() - CREATION_SKEW_MS;
  const marks = { dataset: 0, createJob: 0, wait: 0, download: 0 };
  let jobId: string | undefined;
  let spec: Parameters<Activities['aepCreateOrFindExportJob']>[0]['spec'] | undefined;
  let datasetId = input.datasetId ?? '';
  try {
    t.phase('creating-job', input.datasetId ? undefined : 'creating the dataset');
    let t0 = Date.now();
    datasetId = input.datasetId ?? (await calls.aepCreateDataset(input.createDataset?.name ?? workflowId));
    marks.dataset = Date.now() - t0;
    spec = {
      datasetId,
      segments: input.segments,
      fields: input.fields,
      mergePolicy: input.mergePolicy,
      fromIngestTimestamp: input.since,
      // Ends at the run's start unless given: each run's job has its own fingerprint (runQualificationWindow).
      segmentQualificationTime: runQualificationWindow(input.qualifiedBetween, startTime),
      segmentPerBatch: input.segmentPerBatch,
    };
    t0 = Date.now();
    const job = await runAepExportJob(
      spec,
      notBeforeMs,
      poll,
      (id, status) => {
        jobId = id;
        marks.createJob = Date.now() - t0;
        t0 = Date.now();
        t.jobIds([id]);
        t.update({ jobId: id, jobStatus: status });
        t.phase('waiting');
      },
      (status) => t.update({ jobStatus: status }),
    );
    jobId = job.jobId;
    marks.wait = Date.now() - t0;

    t.phase('downloading', `${job.batches.length} batch(es)`);
    t0 = Date.now();
    const batches: ExportProfilesBatch[] = [];
    for (const b of job.batches) {
      batches.push(await downloads.aepDownloadBatch({ batchId: b.batchId, segmentId: b.segmentId, dir: outputDir }));
    }
    let copied: { objects: number; bytes: number } | undefined;
    if (copyTo) {
      copied = await downloads.aepCopyToS3({ dir: outputDir, bucket: copyTo.bucket, prefix: copyTo.key });
      if (!input.downloadDir) await calls.aepRemoveDownloads(outputDir);
    }
    // A download that finished before it heard of a cancellation still ends the run Canceled.
    if (CancellationScope.current().consideredCancelled) await CancellationScope.current().cancelRequested;
    marks.download = Date.now() - t0;
    t.finish('COMPLETED');
    return t.settle({
      workflowId,
      runId,
      status: 'SUCCEEDED',
      jobId,
      datasetId,
      outputDir,
      ...(copyTo && { outputUrl: formatS3Url(copyTo), objects: copied?.objects ?? 0 }),
      batches,
      durationsMs: { ...marks, total: Date.now() - started },
    });
  } catch (err) {
    if (isCancellation(err)) {
      t.phase('cleaning-up');
      await CancellationScope.nonCancellable(async () => {
        if (spec) await calls.aepCancelExportJob({ jobId, spec, notBeforeMs });
        await calls.aepRemoveDownloads(outputDir);
        if (copyTo) await calls.deleteRunData({ bucket: copyTo.bucket, prefix: copyTo.key });
      });
      const removed = copyTo ? 'downloaded files and copied objects removed' : 'downloaded files removed';
      const message = `cancelled: ${jobId ? `export job ${jobId} DELETEd, ` : ''}${removed}`;
      t.finish('CANCELLED', message);
      const report: ExportProfilesReport = {
        workflowId,
        runId,
        status: 'CANCELLED',
        message,
        jobId: jobId ?? '',
        datasetId,
        outputDir,
        batches: [],
        durationsMs: { ...marks, total: Date.now() - started },
      };
      endCancelled(err, t.settle(report));
    }
    t.finish('FAILED');
    throw runFailure(err);
  }
}

/** The segment ids of a not yet validated input (the run's search attribute), ids only. */
function segmentIdsOf(raw: ExportProfilesInput): string[] {
  const list = Array.isArray(raw?.segments) ? raw.segments : [];
  return list.map((s) => s?.segmentId).filter((id): id is string => typeof id === 'string' && id.length > 0);
}
