import { ApplicationFailure, CancellationScope, isCancellation, workflowInfo } from '@temporalio/workflow';
import { FailureType, parseS3Url, PINPOINT_MAX_IMPORT_JOB_BYTES, runPrefix } from '../src/contracts';
import type { JobSnapshot } from '../src/contracts';
import { emptyActivationTotals } from '../src/contracts/aep-activate';
import type { ActivateSegmentInput, ActivateSegmentReport, ActivationTotals } from '../src/contracts/aep-activate';
import { cleanup, creates, longRunning } from './helpers/activity-proxies';
import { aepCalls, CREATION_SKEW_MS, runAepExportJob, runQualificationWindow } from './helpers/aep-job';
import type { AepJobSpec } from './helpers/aep-job';
import { runFailure } from './helpers/failures';
import { endCancelled } from './helpers/outcome';
import { resolvePollPolicy, waitTimeoutMs } from './helpers/poll-policy';
import { PipelineTracker } from './helpers/tracker';

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
  const { workflowId, runId, startTime } = workflowInfo();
  const started = Date.now();
  const t = new PipelineTracker('activate', { provider: 'aep', applicationIds: applicationIdsOf(raw) });
  t.phase('validating');
  const checked = await aepCalls.aepCheckActivateInput(raw).catch((err: unknown) => {
    t.finish('FAILED');
    throw runFailure(err);
  });
  const { input, mapping, fields } = checked;
  const dryRun = input.dryRun === true;
  const run = runPrefix(parseS3Url(input.s3Url, 's3Url'), workflowId, runId);
  const workBase = input.workDir ?? (await aepCalls.aepStagingDir());
  const workDir = `${workBase.replace(/\/+$/, '')}/${workflowId}/${runId}`;
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
    t.phase('creating-job', input.datasetId ? 'AEP export job' : 'creating the dataset, then the AEP export job');
    const datasetId = input.datasetId ?? (await aepCalls.aepCreateDataset(input.createDataset?.name ?? workflowId));
    // The qualification window ends at the run's start: the job's fingerprint is this run's own.
    const segmentQualificationTime = runQualificationWindow(undefined, startTime);
    spec = { datasetId, segments: input.segments, fields, mergePolicy: input.mergePolicy, segmentQualificationTime };
    aepRunning = true;
    const job = await runAepExportJob(
      spec,
      notBeforeMs,
      input.poll,
      (id, status) => {
        aepJobId = id;
        t.jobIds([id]);
        t.update({ jobKind: 'export', jobId: id, jobStatus: status });
        t.phase('waiting', 'AEP export job');
      },
      (status) => t.update({ jobStatus: status }),
    );
    aepRunning = false;
    stage('export');

    t.phase('transferring', `mapping the profiles of ${job.batches.length} batch(es) to endpoints`);
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
    const parts = dryRun ? [] : totals.parts;
    t.update({ processed: totals.profiles });
    for (const [i, part] of parts.entries()) {
      t.phase('creating-job', `import job ${i + 1} of ${parts.length}`);
      const created = await creates.createOrAdoptImportJob({
        provider: 'pinpoint',
        applicationId: input.applicationId,
        s3Url: part.s3Url,
        roleArn: input.roleArn,
        format: 'JSON',
        registerEndpoints: true,
      });
      importJobs.push(created.job);
      t.jobIds([...(aepJobId ? [aepJobId] : []), ...importJobs.map((j) => j.jobId)]);
      t.update({ jobKind: 'import', jobId: created.job.jobId, jobStatus: created.job.rawStatus });
      t.phase('waiting', `import job ${i + 1} of ${parts.length}`);
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
    t.phase('cleaning-up');
    // An activation that finished before it heard of a cancellation still ends the run Canceled.
    if (CancellationScope.current().consideredCancelled) await CancellationScope.current().cancelRequested;
    await removeStaged(['parts/', 'jobs/']);
    const failed = importJobs.filter((j) => j.state !== 'SUCCEEDED');
    if (failed.length > 0) {
      const message = `Pinpoint import job(s) ${failed.map((j) => `${j.jobId} (${j.rawStatus})`).join(', ')} did not succeed`;
      t.finish('FAILED', message);
      throw ApplicationFailure.nonRetryable(message, FailureType.JobFailed, t.settle(report('COMPLETED')));
    }
    const dryNote = dryRun
      ? `dry run: ${totals.endpoints.EMAIL + totals.endpoints.SMS} endpoint(s) would be imported into ${input.applicationId}; no part was written and no import job created`
      : undefined;
    t.finish('COMPLETED', dryNote);
    return t.settle(report('COMPLETED', dryNote));
  } catch (err) {
    if (isCancellation(err)) {
      t.phase('cleaning-up');
      await CancellationScope.nonCancellable(async () => {
        if (spec && aepRunning) await aepCalls.aepCancelExportJob({ jobId: aepJobId, spec, notBeforeMs });
      });
      await removeStaged();
      const message = 'Cancelled; what the run wrote was removed.';
      t.finish('CANCELLED', message);
      endCancelled(err, t.settle(report('CANCELLED', message)));
    }
    await removeStaged(['parts/', 'jobs/']).catch(() => undefined);
    if (!t.progress.outcome) t.finish('FAILED');
    throw runFailure(err);
  }
}

/** The run's application ids (search attribute) from a not yet validated input: the segments and the target. */
function applicationIdsOf(raw: ActivateSegmentInput): string[] {
  const segments = Array.isArray(raw?.segments) ? raw.segments.map((s) => s?.segmentId) : [];
  return [...segments, raw?.applicationId].filter((id): id is string => typeof id === 'string' && id.length > 0);
}
