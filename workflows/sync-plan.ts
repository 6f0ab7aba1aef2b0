/** Pure helpers of the sync workflow: defaults, batching, grouping parts into import jobs, counts. */
import type { SyncCounts, SyncInput, TransferPieceResult } from '../src/contracts';
import { PINPOINT_CONCURRENT_IMPORT_JOBS, PINPOINT_MAX_IMPORT_JOB_BYTES } from '../src/contracts/limits';

const SYNC_DEFAULTS = {
  maxParallelTransfers: 4,
  transferBatchSize: 500,
  /** Pinpoint's per-job import limit. */
  maxJobBytes: PINPOINT_MAX_IMPORT_JOB_BYTES,
  maxConcurrentJobs: PINPOINT_CONCURRENT_IMPORT_JOBS,
} as const;

export interface SyncLimits {
  maxParallelTransfers: number;
  transferBatchSize: number;
  maxJobBytes: number;
  maxConcurrentJobs: number;
}

export function syncLimits(input: SyncInput): SyncLimits {
  return {
    maxParallelTransfers: input.maxParallelTransfers ?? SYNC_DEFAULTS.maxParallelTransfers,
    transferBatchSize: input.transferBatchSize ?? SYNC_DEFAULTS.transferBatchSize,
    maxJobBytes: input.maxJobBytes ?? SYNC_DEFAULTS.maxJobBytes,
    maxConcurrentJobs: input.maxConcurrentJobs ?? SYNC_DEFAULTS.maxConcurrentJobs,
  };
}

/**
 * Id of the child workflow transferring batch `index` (0-based) of a run. It carries the end of the
 * run id (the random part of a UUIDv7), so runs of a cron workflow (one workflow id) never share ids.
 */
export function transferBatchWorkflowId(workflowId: string, runId: string, index: number, batches: number): string {
  return `${workflowId}-transfer-${index + 1}-of-${batches}-${runId.slice(-12)}`;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface PartRef {
  key: string;
  size: number;
}

/**
 * Groups parts, in order, into import jobs of at most `maxJobBytes` each (a part is never larger,
 * the transfer guarantees it). Next-fit keeps the order and needs one pass.
 */
export function groupParts(parts: readonly PartRef[], maxJobBytes: number): PartRef[][] {
  const groups: PartRef[][] = [];
  let current: PartRef[] = [];
  let bytes = 0;
  for (const part of parts) {
    if (current.length > 0 && bytes + part.size > maxJobBytes) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(part);
    bytes += part.size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** The transfer totals of a set of pieces: what a batch child returns and the parent adds up. */
export interface TransferTotals {
  pieces: number;
  read: number;
  written: number;
  filtered: number;
  rejected: number;
  bytesIn: number;
  bytesOut: number;
  parts: PartRef[];
  rejectedKeys: string[];
}

export function emptyTotals(): TransferTotals {
  return {
    pieces: 0,
    read: 0,
    written: 0,
    filtered: 0,
    rejected: 0,
    bytesIn: 0,
    bytesOut: 0,
    parts: [],
    rejectedKeys: [],
  };
}

export function addPiece(t: TransferTotals, r: TransferPieceResult): void {
  t.pieces++;
  t.read += r.read;
  t.written += r.written;
  t.filtered += r.filtered;
  t.rejected += r.rejected;
  t.bytesIn += r.bytesIn;
  t.bytesOut += r.bytesOut;
  for (const p of r.parts) t.parts.push({ key: p.key, size: p.size });
  if (r.rejectedKey) t.rejectedKeys.push(r.rejectedKey);
}

export function addTotals(t: TransferTotals, o: TransferTotals): void {
  t.pieces += o.pieces;
  t.read += o.read;
  t.written += o.written;
  t.filtered += o.filtered;
  t.rejected += o.rejected;
  t.bytesIn += o.bytesIn;
  t.bytesOut += o.bytesOut;
  t.parts.push(...o.parts);
  t.rejectedKeys.push(...o.rejectedKeys);
}

/** Parts and rejected keys in piece order, whatever order the transfers finished in. */
export function sortTotals(t: TransferTotals): void {
  t.parts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  t.rejectedKeys.sort();
}

export function syncCounts(t: TransferTotals, imported: { processed: number; failed: number }): SyncCounts {
  return {
    exported: t.read,
    transformed: t.written,
    filtered: t.filtered,
    rejected: t.rejected,
    processed: imported.processed,
    failed: imported.failed,
  };
}
