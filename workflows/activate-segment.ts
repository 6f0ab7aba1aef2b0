import { ApplicationFailure, CancellationScope, isCancellation, workflowInfo } from '@temporalio/workflow';
import { FailureType, parseS3Url, PINPOINT_MAX_IMPORT_JOB_BYTES, runPrefix } from '../src/contracts';
import type { JobSnapshot } from '../src/contracts';
import { emptyActivationTotals } from '../src/contracts/aep-activate';
import type { ActivateSegmentInput, ActivateSegmentReport, ActivationTotals } from '../src/contracts/aep-activate';
import { calls, cleanup, longRunning } from './helpers/activity-proxies';
import { aepCalls, CREATION_SKEW_MS, runAepExportJob } from './helpers/aep-job';
import type { AepJobSpec } from './helpers/aep-job';
import { runFailure } from './helpers/failures';
import { endCancelled } from './helpers/outcome';
import { resolvePollPolicy, waitTimeoutMs } from './helpers/poll-policy';

/**
 * activateSegment (AEP segment → Pinpoint application): check the input and the mapping → create
 * (or find) the AEP export job of the mapping's fields → poll → stream each batch's Parquet files,
 * map each profile to endpoints (Id `<profile id>-<channel suffix>`) and write import parts under
 * the run's prefix → one Pinpoint import job per part (created or adopted), waited for → report.
 * Staged parts and the AEP download are deleted however the run ends (the rejected rows stay).
 * A dry run counts only. Cancelling DELETEs a running AEP job, removes what the run wrote, and ends
 * Canceled. History carries counts, ids and keys only.
 */
export async function activateSegment(raw: ActivateSegmentInput): Promise<ActivateSegmentReport> {
  const { workflowId, runId, startTime } = workflowInfo();
  const started = Date.now();
  const checked = await aepCalls.aepCheckActivateInput(raw).catch((err: unknown) => {
    throw runFailure(err);
  });
  const { input, mapping, fields } = checked;
  const dryRun = input.dryRun === true;
  const run = runPrefix(parseS3Url(input.s3Url, 's3Url'), workflowId, runId);
  const workDir = `${input.workDir.replace(/\/+$/, '')}/${workflowId}/${runId}`;
  const notBeforeMs = startTime.getTime() - CREATION_SKEW_MS;
  const durationsMs: Record<string, number> = {};
  let mark = Date.now();
  const stage = (name: string) => {
    durationsMs[name] = Date.now() - mark;
    mark = Date.now();
  };
  let spec: AepJobSpec | undefined;
  let aepJobId: string | undefined;
  let aepRunning = false;
  let totals: ActivationTotals | undefined;
  const importJobs: JobSnapshot[] = [];
  const report = (status: ActivateSegmentReport['status'], message?: string): ActivateSegmentReport => {
    const { parts: _parts, ...counts } = totals ?? emptyActivationTotals();
    return {
      workflowId,
      runId,
      status,
      dryRun,
      aepJobId: aepJobId ?? '',
      applicationId: input.applicationId,
      totals: counts,
      importJobs,
      imported: {
        processed: importJobs.reduce((n, j) => n + (j.counters.totalProcessed ?? 0), 0),
        failed: importJobs.reduce((n, j) => n + (j.counters.totalFailures ?? 0), 0),
      },
      durationsMs: { ...durationsMs, total: Date.now() - started },
      message,
    };
  };
  const removeStaged = (only?: string[]) =>
    CancellationScope.nonCancellable(async () => {
      await cleanup.aepRemoveDownloads(workDir);
      await cleanup.deleteRunData({ bucket: run.bucket, prefix: run.key, only });
    });

  try {
    const datasetId = input.datasetId ?? (await aepCalls.aepCreateDataset(input.createDataset?.name ?? workflowId));
    // The qualification window ends at the run's start: it makes the job's fingerprint this run's own, so a
    // rerun within the creation-time window never adopts the previous run's job (AEP has no client token).
    const segmentQualificationTime = { endTime: startTime.toISOString() };
    spec = { datasetId, segments: input.segments, fields, mergePolicy: input.mergePolicy, segmentQualificationTime };
    aepRunning = true;
    const job = await runAepExportJob(spec, notBeforeMs, input.poll, (id) => (aepJobId = id));
    aepRunning = false;
    stage('export');

    totals = await longRunning.aepActivateBatches({
      batchIds: job.batches.map((b) => b.batchId),
      dir: workDir,
      mapping,
      bucket: run.bucket,
      prefix: run.key,
      maxJobBytes: input.maxJobBytes ?? PINPOINT_MAX_IMPORT_JOB_BYTES,
      dryRun,
    });
    stage('activate');

    const poll = resolvePollPolicy(input.poll);
    for (const part of dryRun ? [] : totals.parts) {
      const created = await calls.createOrAdoptImportJob({
        provider: 'pinpoint',
        applicationId: input.applicationId,
        s3Url: part.s3Url,
        roleArn: input.roleArn,
        format: 'JSON',
        registerEndpoints: true,
      });
      importJobs.push(created.job);
      const done = await longRunning.waitForJob.executeWithOptions(
        { summary: `wait for import job ${created.job.jobId}`, startToCloseTimeout: waitTimeoutMs(poll) },
        [
          {
            provider: 'pinpoint',
            job: { kind: 'IMPORT', applicationId: input.applicationId, jobId: created.job.jobId },
            poll,
          },
        ],
      );
      importJobs[importJobs.length - 1] = done;
    }
    stage('import');
    // An activation that finished before it heard of a cancellation still ends the run Canceled.
    if (CancellationScope.current().consideredCancelled) await CancellationScope.current().cancelRequested;
    await removeStaged(['parts/', 'jobs/']);
    const failed = importJobs.filter((j) => j.state !== 'SUCCEEDED');
    if (failed.length > 0) {
      throw ApplicationFailure.nonRetryable(
        `Pinpoint import job(s) ${failed.map((j) => `${j.jobId} (${j.rawStatus})`).join(', ')} did not succeed`,
        FailureType.JobFailed,
        report('COMPLETED'),
      );
    }
    const dryNote = dryRun
      ? `dry run: ${totals.endpoints.EMAIL + totals.endpoints.SMS} endpoint(s) would be imported into ${input.applicationId}; no part was written and no import job created`
      : undefined;
    return report('COMPLETED', dryNote);
  } catch (err) {
    if (isCancellation(err)) {
      await CancellationScope.nonCancellable(async () => {
        if (spec && aepRunning) await aepCalls.aepCancelExportJob({ jobId: aepJobId, spec, notBeforeMs });
      });
      await removeStaged();
      endCancelled(err, report('CANCELLED', 'Cancelled; what the run wrote was removed.'));
    }
    await removeStaged(['parts/', 'jobs/']).catch(() => undefined);
    throw runFailure(err);
  }
}
