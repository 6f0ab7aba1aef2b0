import type { TransferPieceResult, TransformSpec } from '../src/contracts';
import { longRunning } from './helpers/activity-proxies';
import { addPiece, emptyTotals, sortTotals } from './sync-plan';
import type { TransferTotals } from './sync-plan';
import { slidingWindow } from './steps/window';

/** What one batch of transfers needs: a child workflow runs it when the export has many pieces. */
export interface TransferBatchInput {
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

/**
 * Transfers a batch of pieces S3 → S3 (gunzip, parse, transform, validate, import-ready parts), at most
 * maxParallelTransfers at once; `onPiece` hears of each piece as it ends. Returns the totals in piece order.
 */
export async function transferBatch(
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
  return transferBatch(input);
}
