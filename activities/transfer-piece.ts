/**
 * transferPiece, the sync's streaming S3 → S3 transfer of one exported piece:
 * GetObject → (gunzip →) LineProcessor (lines → JSON.parse → transform → validate → NDJSON bytes,
 * cut into parts ≤ maxPartBytes) → multipart uploads under `<run>/parts/`; rejected rows (line,
 * reason) go to `<run>/rejected/piece-N.ndjson`. Output keys depend only on the piece, so a retried
 * attempt overwrites its own earlier output. Returns counts and keys only (no endpoint data).
 *
 * A piece of at least `threadMinBytes` (compressed) is processed in a worker thread while this
 * thread reads, gunzips and uploads (src/engine).
 */
import type { Readable } from 'node:stream';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { TransferHeartbeat } from '../src/contracts/progress';
import type { TransferPieceInput, TransferPieceResult } from '../src/contracts/sync';
import { FailureType } from '../src/contracts/failures';
import { compileTransform, TransformSpecError } from '../src/transforms';
import type { ActivityDeps } from './deps';
import { badInput, checkPrefix, errorName } from './support/activity-failures';
import {
  DEFAULT_THREAD_MIN_BYTES,
  DEFAULT_TRANSFER_THREADS,
  openLineRunner,
  PartWriter,
  processBudget,
  pumpLines,
  S3ObjectWriter,
} from '../src/engine';
import type { ChunkOutput, LineRunner } from '../src/engine';
import { PINPOINT_MAX_IMPORT_JOB_TEXT } from '../src/contracts/limits';

/** The S3 client, and from what (compressed) size a piece is processed in a worker thread (default 4 MiB). */
export type TransferPieceDeps = Pick<ActivityDeps, 's3' | 'threadMinBytes' | 'transferThreads' | 'budget'>;

const HEARTBEAT_EVERY_MS = 1_000;
/**
 * zlib's output chunk for an exported piece: 1 MiB (fewer hops between zlib and the processing thread). Measured on
 * 1 M endpoints, interleaved: 58k endpoints/s with 64 KiB chunks, 53–65k with 256 KiB, 60–73k with 1 MiB.
 */
const TRANSFER_GUNZIP_CHUNK_BYTES = 1024 * 1024;
/** The smallest part (and import job) size: one endpoint of the maximum 15 KB must fit. */
const MIN_PART_BYTES = 16 * 1024;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function partKey(prefix: string, pieceIndex: number, partIndex: number): string {
  return `${prefix}parts/piece-${pad(pieceIndex, 5)}-part-${pad(partIndex, 3)}.json`;
}

function rejectedKey(prefix: string, pieceIndex: number): string {
  return `${prefix}rejected/piece-${pad(pieceIndex, 5)}.ndjson`;
}

function checkInput(input: TransferPieceInput): void {
  try {
    compileTransform(input.transform);
  } catch (err) {
    if (err instanceof TransformSpecError) throw badInput(err.message);
    throw err;
  }
  checkPrefix(input.output.prefix, 'output prefix');
  if (!Number.isInteger(input.maxPartBytes) || input.maxPartBytes < MIN_PART_BYTES) {
    throw badInput(
      `maxPartBytes ${input.maxPartBytes} is too small; use at least ${MIN_PART_BYTES} (one endpoint may be 15 KB; Pinpoint allows ${PINPOINT_MAX_IMPORT_JOB_TEXT} per job)`,
    );
  }
}

export function createTransferPiece({
  s3,
  threadMinBytes = DEFAULT_THREAD_MIN_BYTES,
  transferThreads = DEFAULT_TRANSFER_THREADS,
  budget,
}: TransferPieceDeps) {
  return async function transferPiece(input: TransferPieceInput): Promise<TransferPieceResult> {
    const ctx = Context.current();
    const signal = ctx.cancellationSignal;
    checkInput(input);
    const { bucket, prefix } = input.output;
    const sourceKey = input.source.key;
    const parts = input.dryRun ? undefined : new PartWriter(s3, bucket, (j) => partKey(prefix, input.pieceIndex, j));
    let rejectedWriter: S3ObjectWriter | undefined;
    const counts = { read: 0, written: 0, filtered: 0, rejected: 0 };
    let bytesIn = 0;
    let bytesTotal = input.source.size ?? 0;
    let lastBeat = 0;
    const beat = (force = false) => {
      const now = Date.now();
      if (!force && now - lastBeat < HEARTBEAT_EVERY_MS) return;
      lastBeat = now;
      const details: TransferHeartbeat = {
        bytesDone: bytesIn,
        bytesTotal,
        filesDone: parts?.parts.length ?? 0,
        filesTotal: 1,
        records: counts.read,
      };
      ctx.heartbeat(details);
    };

    /** Uploads one answer of the processor, in order. */
    const consume = async (out: ChunkOutput) => {
      for (const block of out.blocks) await parts?.writeBlock(block);
      for (const { line, id, reason } of out.rejected) {
        rejectedWriter ??= new S3ObjectWriter(s3, bucket, rejectedKey(prefix, input.pieceIndex));
        const row = JSON.stringify({ source: sourceKey, line, id, reason });
        const wait = rejectedWriter.writeLine(row, Buffer.byteLength(row));
        if (wait) await wait;
      }
      counts.read += out.counts.read;
      counts.written += out.counts.written;
      counts.filtered += out.counts.filtered;
      counts.rejected += out.counts.rejected;
    };

    let runner: LineRunner | undefined;
    const abortWriters = async () => {
      await Promise.all([parts?.abort(), rejectedWriter?.abort(), runner?.close()]);
    };
    let body: Readable | undefined;
    const onAbort = () => {
      body?.destroy(new Error('transfer cancelled'));
      void abortWriters();
    };
    // One of the process's transfer slots for the whole transfer; heartbeats while it waits for one.
    const { transfers, threads } = budget ?? processBudget();
    beat(true);
    await transfers.takeOne(signal, () => beat(true));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      const got = await s3.send(new GetObjectCommand({ Bucket: input.source.bucket, Key: sourceKey }), {
        abortSignal: signal,
      });
      body = got.Body as Readable;
      bytesTotal = got.ContentLength ?? bytesTotal;
      runner = openLineRunner(
        {
          gzipped: sourceKey.endsWith('.gz'),
          gunzipChunkBytes: TRANSFER_GUNZIP_CHUNK_BYTES,
          codec: { kind: 'export-piece', transform: input.transform },
          maxPartBytes: input.maxPartBytes,
          dryRun: input.dryRun,
        },
        bytesTotal,
        threadMinBytes,
        transferThreads,
        threads,
      );
      body.on('data', (chunk: Buffer) => {
        bytesIn += chunk.length;
      });
      await pumpLines(body as AsyncIterable<Buffer>, runner, consume, beat);
      if (signal.aborted) throw signal.reason;
      await parts?.end();
      await rejectedWriter?.end();
      beat(true);
      return {
        pieceIndex: input.pieceIndex,
        ...counts,
        parts: parts?.parts ?? [],
        rejectedKey: rejectedWriter ? rejectedWriter.key : undefined,
        bytesIn,
        bytesOut: parts?.bytes ?? 0,
      };
    } catch (err) {
      await abortWriters();
      if (signal.aborted) throw signal.reason;
      if (errorName(err) === 'NoSuchKey') {
        throw ApplicationFailure.create({
          message: `exported piece s3://${input.source.bucket}/${sourceKey} does not exist (removed after the export?); run the sync again`,
          type: FailureType.NotFound,
          nonRetryable: true,
        });
      }
      if (err && typeof err === 'object' && (err as { code?: unknown }).code === 'Z_DATA_ERROR') {
        throw badInput(`exported piece s3://${input.source.bucket}/${sourceKey} is not valid gzip data`);
      }
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
      try {
        await runner?.close();
      } finally {
        transfers.give(1);
      }
    }
  };
}
