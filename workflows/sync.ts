import { CancellationScope, executeChild, isCancellation, patched, workflowInfo } from '@temporalio/workflow';
import { FailureType, formatS3Url, isTerminal, parseS3Url, runPrefix } from '../src/contracts';
import type {
  JobSnapshot,
  S3ObjectRef,
  SyncInput,
  SyncReport,
  TransferPieceResult,
  TransformSpec,
} from '../src/contracts';
import { cleanup, longRunning } from './helpers/activity-proxies';
import { quick } from './sync-activities';
import { runFailure } from './helpers/failures';
import { endCancelled, failedRun, isRunOutcome } from './helpers/outcome';
import { syncVerdict } from './sync-verdict';
import { releaseStaging, SYNC_STAGED_FOLDERS } from './helpers/retention';
import { isWaitTimeout, jobTimedOut } from './helpers/timeout';
import { CANCEL_FOLLOWUP_PATCH, stopJobsAndFollowUp } from './helpers/cancel-followup-start';
import { legacySyncCancel } from './legacy-cancel';
import { resolvePollPolicy, waitTimeoutMs } from './helpers/poll-policy';
import { PipelineTracker } from './helpers/tracker';
import { exportFailureNote } from './helpers/export-failure';
import {
  addPiece,
  addTotals,
  chunk,
  emptyTotals,
  groupParts,
  sortTotals,
  syncCounts,
  syncLimits,
  transferBatchWorkflowId,
} from './sync-plan';
import type { TransferTotals } from './sync-plan';
import { slidingWindow } from './sync-window';

const MAX_JOB_IDS_IN_SEARCH = 20;

/** What one batch of transfers needs: a child workflow runs it when the export has many pieces. */
interface TransferBatchInput {
  bucket: string;
  /** The sync run's prefix (ends with '/'). */
  prefix: string;
  pieces: { index: number; key: string; size: number }[];
  transform?: TransformSpec;
  maxPartBytes: number;
  dryRun: boolean;
  maxParallelTransfers: number;
}

function transferOne(input: TransferBatchInput, piece: TransferBatchInput['pieces'][number]) {
  return longRunning.transferPiece.executeWithOptions({ summary: `transfer piece ${piece.index}` }, [
    {
      source: { bucket: input.bucket, key: piece.key, size: piece.size },
      pieceIndex: piece.index,
      output: { bucket: input.bucket, prefix: input.prefix },
      transform: input.transform,
      maxPartBytes: input.maxPartBytes,
      dryRun: input.dryRun,
    },
  ]);
}

async function transferPieces(
  input: TransferBatchInput,
  onPiece: (r: TransferPieceResult) => void = () => undefined,
): Promise<TransferTotals> {
  const totals = emptyTotals();
  await slidingWindow(input.pieces, input.maxParallelTransfers, async (piece) => {
    const r = await transferOne(input, piece);
    addPiece(totals, r);
    onPiece(r);
  });
  sortTotals(totals);
  return totals;
}

/**
 * syncTransferBatch: transfers one batch of exported pieces with bounded parallelism and returns
 * the totals (counts and keys). syncEndpoints runs one per batch when the export has more pieces
 * than one history should hold.
 */
export async function syncTransferBatch(input: TransferBatchInput): Promise<TransferTotals> {
  return transferPieces(input);
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
  const { workflowId, runId } = workflowInfo();
  const t = new PipelineTracker('sync', {
    provider: raw.provider,
    applicationIds: [raw.sourceApplicationId, raw.targetApplicationId],
  });
  let input: SyncInput;
  try {
    input = await quick.checkSyncInput.executeWithOptions({ summary: 'validate the sync input and transform' }, [raw]);
  } catch (err) {
    t.finish('FAILED');
    throw runFailure(err);
  }
  const limits = syncLimits(input);
  const poll = resolvePollPolicy(input.poll);
  const dryRun = input.dryRun === true;
  const run = runPrefix(parseS3Url(input.s3Url, 'sync S3 URL'), workflowId, runId);
  const runUrl = formatS3Url(run);
  const exportUrl = formatS3Url({ bucket: run.bucket, key: `${run.key}export/` });
  const stages: Record<string, number> = {};
  let stageStart = Date.now();
  const stageDone = (name: string) => {
    const now = Date.now();
    stages[name] = now - stageStart;
    stageStart = now;
  };

  let exportJob: JobSnapshot | undefined;
  const importJobs: JobSnapshot[] = [];
  let totals = emptyTotals();
  let reportLocation: string | undefined;
  const imported = () => ({
    processed: importJobs.reduce((n, j) => n + (j.counters.totalProcessed ?? 0), 0),
    failed: importJobs.reduce((n, j) => n + (j.counters.totalFailures ?? 0), 0),
  });
  const report = (status: SyncReport['status'], message?: string, extra: Partial<SyncReport> = {}): SyncReport => {
    const { total } = t.finish(status, message);
    return t.settle({
      workflowId,
      runId,
      status,
      dryRun,
      message,
      exportJob,
      importJobs,
      counts: syncCounts(totals, imported()),
      reportLocation,
      durationsMs: { ...stages, total: total ?? 0 },
      ...extra,
    });
  };
  // The search attribute holds the export job and the first import jobs: a keyword value must stay small (≤ 2 KB).
  const jobIds = () =>
    t.jobIds(
      [exportJob?.jobId, ...importJobs.slice(0, MAX_JOB_IDS_IN_SEARCH).map((j) => j.jobId)].filter(
        (id) => id !== undefined,
      ),
    );

  try {
    // 1. Export the source application under this run's prefix.
    t.phase('creating-job', 'export');
    const created = await quick.createOrAdoptExportJob.executeWithOptions(
      { summary: `create export job of app ${input.sourceApplicationId}` },
      [
        {
          provider: input.provider,
          applicationId: input.sourceApplicationId,
          s3UrlPrefix: exportUrl,
          roleArn: input.roleArn,
          segmentId: input.segmentId,
          segmentVersion: input.segmentVersion,
        },
      ],
    );
    exportJob = created.job;
    jobIds();
    t.phase('waiting', 'export');
    t.update({ jobKind: 'export', jobId: exportJob.jobId, jobStatus: exportJob.rawStatus });
    exportJob = await longRunning.waitForJob.executeWithOptions(
      { summary: `wait for export job ${exportJob.jobId}`, startToCloseTimeout: waitTimeoutMs(poll) },
      [
        {
          provider: input.provider,
          job: { kind: 'EXPORT', applicationId: input.sourceApplicationId, jobId: exportJob.jobId },
          poll,
        },
      ],
    );
    t.update({ jobStatus: exportJob.rawStatus });
    stageDone('export');
    if (exportJob.state !== 'SUCCEEDED') {
      const why = await exportFailureNote(input.provider, exportJob);
      const reason = `export job ${exportJob.jobId} ended ${exportJob.rawStatus}${why}; nothing was transferred or imported`;
      throw failedRun(FailureType.JobFailed, reason, report('FAILED', reason));
    }

    // 2. List the pieces and transfer each one S3 → S3.
    t.phase('listing');
    const listed = await quick.listObjects.executeWithOptions({ summary: `list exported pieces under ${exportUrl}` }, [
      { bucket: run.bucket, prefix: `${run.key}export/`, suffix: '.gz' },
    ]);
    const pieces = listed.objects.map((o: S3ObjectRef, index: number) => ({ index, key: o.key, size: o.size }));
    stageDone('list');
    t.phase('transferring', `${pieces.length} piece(s)${dryRun ? ' (dry run)' : ''}`);
    t.update({ pieces: { completed: 0, total: pieces.length }, bytes: { done: 0, total: listed.totalBytes } });
    const batchInput = (batch: typeof pieces): TransferBatchInput => ({
      bucket: run.bucket,
      prefix: run.key,
      pieces: batch,
      transform: input.transform,
      maxPartBytes: limits.maxJobBytes,
      dryRun,
      maxParallelTransfers: limits.maxParallelTransfers,
    });
    const showTransfer = () =>
      t.update({
        pieces: { completed: totals.pieces, total: pieces.length },
        bytes: { done: totals.bytesIn, total: listed.totalBytes },
        note: `${totals.written} endpoint(s) ready, ${totals.filtered} filtered, ${totals.rejected} rejected`,
      });
    if (pieces.length <= limits.transferBatchSize) {
      const progress = emptyTotals();
      totals = await transferPieces(batchInput(pieces), (r) => {
        addPiece(progress, r);
        totals = progress;
        showTransfer();
      });
    } else {
      const batches = chunk(pieces, limits.transferBatchSize);
      for (const [b, batch] of batches.entries()) {
        const part = await executeChild(syncTransferBatch, {
          workflowId: transferBatchWorkflowId(workflowId, runId, b, batches.length),
          args: [batchInput(batch)],
          staticSummary: `sync ${workflowId}: transfer pieces ${batch[0]?.index ?? 0}–${batch[batch.length - 1]?.index ?? 0}`,
        });
        addTotals(totals, part);
        showTransfer();
      }
      sortTotals(totals);
    }
    stageDone('transfer');

    // 3. Import: one job per group of parts within the per-job limit, a few at a time.
    if (!dryRun && totals.written > 0) {
      t.phase('creating-job', 'import');
      const groups = groupParts(totals.parts, limits.maxJobBytes);
      const prefixes =
        groups.length === 1
          ? [`${run.key}parts/`]
          : await longRunning.stageImportJobs.executeWithOptions(
              { summary: `group parts into ${groups.length} import jobs` },
              [{ bucket: run.bucket, prefix: run.key, groups: groups.map((g) => g.map((p) => p.key)) }],
            );
      t.phase('waiting', `${prefixes.length} import job(s)`);
      const finished = await slidingWindow(prefixes, limits.maxConcurrentJobs, async (prefix, i) => {
        const s3Url = formatS3Url({ bucket: run.bucket, key: prefix });
        const job = await quick.createOrAdoptImportJob.executeWithOptions(
          { summary: `create import job ${i + 1}/${prefixes.length} into app ${input.targetApplicationId}` },
          [
            {
              provider: input.provider,
              applicationId: input.targetApplicationId,
              s3Url,
              roleArn: input.roleArn,
              format: 'JSON',
              registerEndpoints: true,
            },
          ],
        );
        importJobs.push(job.job);
        jobIds();
        t.update({
          jobKind: 'import',
          jobId: job.job.jobId,
          jobStatus: job.job.rawStatus,
          note: `import job ${i + 1} of ${prefixes.length}`,
        });
        const done = await longRunning.waitForJob.executeWithOptions(
          { summary: `wait for import job ${job.job.jobId}`, startToCloseTimeout: waitTimeoutMs(poll) },
          [
            {
              provider: input.provider,
              job: { kind: 'IMPORT', applicationId: input.targetApplicationId, jobId: job.job.jobId },
              poll,
            },
          ],
        );
        importJobs[importJobs.indexOf(job.job)] = done;
        t.update({ jobStatus: done.rawStatus, ...imported() });
        return done;
      });
      importJobs.splice(0, importJobs.length, ...finished);
      stageDone('import');
    }

    // 4. Report: provider failures and our rejected rows in one JSON document (never in history).
    t.phase('reporting');
    const importReportUrls: string[] = [];
    if (importJobs.length > 0) {
      const location = formatS3Url({ bucket: run.bucket, key: `${run.key}import-failures.json` });
      const written = await quick.writeFailureReport.executeWithOptions(
        { summary: "collect the import jobs' failures" },
        [
          {
            provider: input.provider,
            applicationId: input.targetApplicationId,
            workflowId,
            runId,
            jobs: importJobs.map((j) => ({ kind: 'IMPORT' as const, applicationId: j.applicationId, jobId: j.jobId })),
            location,
          },
        ],
      );
      importReportUrls.push(written.location);
    }
    const counts = syncCounts(totals, imported());
    const verdict = syncVerdict(counts, importJobs, { dryRun, maxRejected: input.maxRejected });
    const status = verdict ? 'FAILED' : 'COMPLETED';
    reportLocation = await longRunning.writeSyncReport.executeWithOptions({ summary: 'write the sync report' }, [
      {
        location: input.reportUrl ?? formatS3Url({ bucket: run.bucket, key: `${run.key}report.json` }),
        summary: {
          workflowId,
          runId,
          status,
          dryRun,
          sourceApplicationId: input.sourceApplicationId,
          targetApplicationId: input.targetApplicationId,
          exportJobId: exportJob.jobId,
          importJobIds: importJobs.map((j) => j.jobId),
          counts,
          workArea: runUrl,
        },
        importReportUrls,
        rejected: { bucket: run.bucket, keys: totals.rejectedKeys },
      },
    ]);
    stageDone('report');
    const dryRunNote = `dry run: ${counts.transformed} endpoint(s) would be imported into ${input.targetApplicationId}, ${counts.rejected} rejected, ${counts.filtered} filtered; no import job was created`;
    if (verdict) {
      throw failedRun(verdict.type, verdict.reason, report('FAILED', verdict.reason));
    }
    const message = dryRun
      ? dryRunNote
      : totals.written === 0
        ? `nothing to import: the export had ${counts.exported} endpoint(s), ${counts.filtered} filtered by the transform`
        : undefined;
    const kept = await releaseStaging(run, SYNC_STAGED_FOLDERS, input.keepStaging);
    return report(status, message || kept ? `${message ?? ''}${kept}`.trim() : undefined);
  } catch (err) {
    if (!isCancellation(err)) {
      await releaseStaging(run, SYNC_STAGED_FOLDERS, input.keepStaging);
      if (isRunOutcome(err)) throw err;
      if (isWaitTimeout(err)) {
        const jobs = [exportJob, ...importJobs].filter((j) => j !== undefined);
        throw await jobTimedOut(err, input.provider, jobs, (message) => report('FAILED', message));
      }
      t.finish('FAILED');
      throw runFailure(err);
    }
    t.phase('cleaning-up');
    if (!patched(CANCEL_FOLLOWUP_PATCH)) {
      totals = { ...totals, parts: [], rejectedKeys: [] };
      return legacySyncCancel(err, run, exportJob, importJobs, report);
    }
    const { removed, after } = await CancellationScope.nonCancellable(async () => ({
      removed: await cleanup.deleteRunData.executeWithOptions({ summary: 'delete what this run wrote' }, [
        { bucket: run.bucket, prefix: run.key },
      ]),
      // Only the export job writes under the run's prefix (export/); import jobs read the parts.
      after: await stopJobsAndFollowUp({
        pipeline: 'sync',
        provider: input.provider,
        jobs: [exportJob, ...importJobs].filter((j) => j !== undefined),
        poll,
        graceMs: input.cancelGraceMs,
        cleanup: [{ bucket: run.bucket, prefix: run.key, only: ['export/'] }],
      }),
    }));
    if (exportJob) exportJob = after.jobs.find((j) => j.jobId === exportJob?.jobId) ?? exportJob;
    for (const [i, j] of importJobs.entries()) importJobs[i] = after.jobs.find((a) => a.jobId === j.jobId) ?? j;
    totals = { ...totals, parts: [], rejectedKeys: [] };
    const jobNote =
      after.note ||
      'No Pinpoint job had been confirmed; one may still have been created and cannot be stopped (Pinpoint has no cancel operation).';
    const late = importJobs.some((j) => !isTerminal(j.state))
      ? ' An import already started may still add endpoints to the target application.'
      : '';
    endCancelled(
      err,
      report(
        'CANCELLED',
        `Cancelled. Removed ${removed.deletedObjects} object(s) under ${runUrl} (exported pieces, parts, rejected rows). ${jobNote}${late}`,
        { cancelFollowUpId: after.followUpWorkflowId },
      ),
    );
  }
}
