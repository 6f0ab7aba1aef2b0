import { executeChild } from '@temporalio/workflow';
import type { S3Location, S3ObjectRef, TransformSpec } from '../../src/contracts';
import { addPiece, addTotals, chunk, emptyTotals, sortTotals, transferBatchWorkflowId } from '../sync-plan';
import type { SyncLimits, TransferTotals } from '../sync-plan';
import { syncTransferBatch, transferBatch } from '../sync-transfer-batch';
import type { TransferBatchInput } from '../sync-transfer-batch';
import type { PipelineRun } from './run-state';

/** What transferPieces needs of a run: where it writes, what it does to each piece, and the totals it keeps. */
export interface TransferRun extends PipelineRun {
  input: { transform?: TransformSpec };
  /** The run's own prefix: the parts and rejected rows go under it. */
  prefix: S3Location;
  dryRun: boolean;
  limits: SyncLimits;
  /** What the transfers made so far (the report's counts, also when the run fails or is cancelled midway). */
  totals: TransferTotals;
}

/**
 * transferPieces: every exported piece S3 → S3 with bounded parallelism — in this run's history when they fit one
 * batch, else one child workflow (syncTransferBatch) per batch, one after the other, so that no history grows with
 * the export. The run's totals follow each piece (or batch) and end in piece order.
 */
export async function transferPieces(run: TransferRun, listed: { objects: S3ObjectRef[]; totalBytes: number }) {
  const { tracker, limits, workflowId, runId } = run;
  const pieces = listed.objects.map((o, index) => ({ index, key: o.key, size: o.size }));
  tracker.phase('transferring', `${pieces.length} piece(s)${run.dryRun ? ' (dry run)' : ''}`);
  tracker.update({ pieces: { completed: 0, total: pieces.length }, bytes: { done: 0, total: listed.totalBytes } });
  const batchInput = (batch: typeof pieces): TransferBatchInput => ({
    bucket: run.prefix.bucket,
    prefix: run.prefix.key,
    pieces: batch,
    transform: run.input.transform,
    maxPartBytes: limits.maxJobBytes,
    dryRun: run.dryRun,
    maxParallelTransfers: limits.maxParallelTransfers,
  });
  const showTransfer = () =>
    tracker.update({
      pieces: { completed: run.totals.pieces, total: pieces.length },
      bytes: { done: run.totals.bytesIn, total: listed.totalBytes },
      note: `${run.totals.written} endpoint(s) ready, ${run.totals.filtered} filtered, ${run.totals.rejected} rejected`,
    });
  if (pieces.length <= limits.transferBatchSize) {
    const progress = emptyTotals();
    run.totals = await transferBatch(batchInput(pieces), (r) => {
      addPiece(progress, r);
      run.totals = progress;
      showTransfer();
    });
    return;
  }
  const batches = chunk(pieces, limits.transferBatchSize);
  for (const [b, batch] of batches.entries()) {
    const part = await executeChild(syncTransferBatch, {
      workflowId: transferBatchWorkflowId(workflowId, runId, b, batches.length),
      args: [batchInput(batch)],
      staticSummary: `sync ${workflowId}: transfer pieces ${batch[0]?.index ?? 0}–${batch[batch.length - 1]?.index ?? 0}`,
    });
    addTotals(run.totals, part);
    showTransfer();
  }
  sortTotals(run.totals);
}
