import type { S3Client } from '@aws-sdk/client-s3';
import type { Context } from '@temporalio/activity';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { EndpointFileFormat, RepeatLocation, TransferHeartbeat } from '../../src/contracts';
import {
  DEFAULT_THREAD_MIN_BYTES,
  DEFAULT_TRANSFER_THREADS,
  openLineRunner,
  PartWriter,
  processBudget,
  pumpLines,
  RepeatedIds,
  S3ObjectWriter,
} from '../../src/engine';
import type { ChunkOutput, LineRunner, ProcessBudget } from '../../src/engine';
import { throwIfCancelled } from './cancellation';
import { Heartbeater } from './heartbeat';
import { maskAddresses } from './mask';

export interface UploadEndpointsInput {
  paths: string[];
  format: EndpointFileFormat;
  bucket: string;
  prefix: string;
  maxJobBytes: number;
}

interface StagedPart {
  /** s3://bucket/<prefix>parts/part-NNNN/ — the S3Url of one import job. */
  s3Url: string;
  key: string;
  bytes: number;
  records: number;
}

export interface UploadEndpointsResult {
  /** Staged objects hold newline-delimited JSON whatever the input format (lossless; no CSV quoting pitfalls). */
  format: 'JSON';
  parts: StagedPart[];
  uploaded: number;
  /** Rejected entries: one per bad row, plus one per file that could not be read as a whole (line 0 or header line). */
  rejected: number;
  /** Key of the rejected-rows NDJSON ({file, line, reason} per line), when there were any. */
  rejectedRowsKey?: string;
  /**
   * The first files rejected as a whole (empty, header only, bad header, not gzip), with the file's base name: their
   * reasons name files, lines and columns, never row values, so the run's failure message can carry them.
   */
  fileProblems: RejectedRow[];
  inputBytes: number;
  /**
   * Endpoint Ids that appear in more than one uploaded row (across all the files; the import applies them in order,
   * the last row of each wins), and the first few rows that repeat an earlier row's Id (file base name and line only).
   */
  duplicateIds: number;
  duplicateExamples: RepeatLocation[];
}

/** How many whole-file problems a result carries (the failure report has them all). */
const MAX_FILE_PROBLEMS = 5;

/** One rejected row as written to the rejected-rows object (and later merged into the failure report). */
export interface RejectedRow {
  file: string;
  line: number;
  reason: string;
}

const pad = (n: number) => String(n).padStart(4, '0');
/**
 * Multipart chunk size and chunks in flight per part: one 5 MiB part at a time. Parsing, not the upload, bounds the
 * speed (bench/RESULTS.md), and every buffer in flight shows in the peak memory.
 */
const UPLOAD_PART_SIZE = 5 * 1024 * 1024;
const UPLOAD_QUEUE_SIZE = 1;
export function partPrefix(prefix: string, n: number): string {
  return `${prefix}parts/part-${pad(n)}/`;
}

function isGzipError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/**
 * Reads each file once, streaming, through the line engine (src/engine): every line is parsed and validated
 * (src/formats) — for a file of at least `threadMinBytes`, in `threads` worker threads at once — valid rows are
 * written as NDJSON into parts of at most maxJobBytes (a part may span files), rejected rows into
 * `<prefix>rejected-rows.ndjson`. Heartbeats bytes read; a cancellation aborts the open multipart uploads (the
 * workflow's cleanup then deletes the run's prefix).
 */
export async function uploadEndpointFiles(
  s3: S3Client,
  input: UploadEndpointsInput,
  ctx: Context,
  threadMinBytes = DEFAULT_THREAD_MIN_BYTES,
  threads = DEFAULT_TRANSFER_THREADS,
  budget: ProcessBudget = processBudget(),
): Promise<UploadEndpointsResult> {
  // One of the process's transfer slots for all the files; heartbeats while it waits for one.
  const hb = new Heartbeater<TransferHeartbeat>(ctx);
  const waiting = (): TransferHeartbeat => ({
    bytesDone: 0,
    bytesTotal: 0,
    filesDone: 0,
    filesTotal: input.paths.length,
    records: 0,
  });
  await budget.transfers.takeOne(ctx.cancellationSignal, () => hb.beat(waiting, true));
  try {
    return await uploadWithSlot(s3, input, ctx, hb, threadMinBytes, threads, budget);
  } finally {
    budget.transfers.give(1);
  }
}

async function uploadWithSlot(
  s3: S3Client,
  input: UploadEndpointsInput,
  ctx: Context,
  hb: Heartbeater<TransferHeartbeat>,
  threadMinBytes: number,
  threads: number,
  budget: ProcessBudget,
): Promise<UploadEndpointsResult> {
  const rejectedRowsKey = `${input.prefix}rejected-rows.ndjson`;
  const parts = new PartWriter(s3, input.bucket, (j) => `${partPrefix(input.prefix, j + 1)}endpoints.ndjson`, {
    partSize: UPLOAD_PART_SIZE,
    queueSize: UPLOAD_QUEUE_SIZE,
  });
  let rejects: S3ObjectWriter | undefined;
  const fileProblems: RejectedRow[] = [];
  const fileProblem = (file: string, line: number, reason: string) => {
    // A CSV without a header has a row where the header should be: mask what looks like an address.
    if (fileProblems.length < MAX_FILE_PROBLEMS)
      fileProblems.push({ file: path.basename(file), line, reason: maskAddresses(reason) });
  };
  const sizes = await Promise.all(input.paths.map(async (p) => (await fsp.stat(p)).size));
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  let bytesBefore = 0;
  let filesDone = 0;
  let uploaded = 0;
  let rejected = 0;
  const repeats = new RepeatedIds();
  let current: fs.ReadStream | undefined;
  const details = (): TransferHeartbeat => ({
    bytesDone: bytesBefore + (current?.bytesRead ?? 0),
    bytesTotal,
    filesDone,
    filesTotal: input.paths.length,
    records: uploaded + rejected,
  });
  const timer = setInterval(() => hb.beat(details), 1_000);
  let runner: LineRunner | undefined;
  const abortAll = async () => {
    await Promise.all([parts.abort(), rejects?.abort(), runner?.close()]);
  };
  const onCancel = () => {
    current?.destroy(new Error('upload cancelled'));
    void abortAll();
  };
  ctx.cancellationSignal.addEventListener('abort', onCancel);

  const reject = (file: string, line: number, reason: string): Promise<void> | undefined => {
    rejected++;
    const row = JSON.stringify({ file, line, reason } satisfies RejectedRow);
    rejects ??= new S3ObjectWriter(s3, input.bucket, rejectedRowsKey, { partSize: UPLOAD_PART_SIZE, queueSize: 1 });
    return rejects.writeLine(row, Buffer.byteLength(row));
  };

  try {
    for (const [i, file] of input.paths.entries()) {
      const raw = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
      current = raw;
      let rows = 0;
      const consume = async (out: ChunkOutput) => {
        if (out.ids) repeats.addAll(out.ids, path.basename(file));
        for (const block of out.blocks) await parts.writeBlock(block);
        for (const r of out.rejected) {
          const wait = reject(file, r.line, r.reason);
          if (wait) await wait;
        }
        const last = out.rejected[out.rejected.length - 1];
        if (out.stopped && last) fileProblem(file, last.line, last.reason);
        rows += out.counts.read + (out.stopped ? 1 : 0);
        uploaded += out.counts.written;
      };
      try {
        runner = openLineRunner(
          {
            gzipped: file.endsWith('.gz'),
            codec: { kind: 'endpoint-file', format: input.format },
            maxPartBytes: input.maxJobBytes,
            partBefore: parts.open,
            hashIds: true,
          },
          sizes[i] ?? 0,
          threadMinBytes,
          threads,
          budget.threads,
        );
        try {
          await pumpLines(raw as AsyncIterable<Buffer>, runner, consume, () => hb.beat(details));
        } catch (err) {
          if (!isGzipError(err)) throw err;
          // The rows before the damage are staged; the file as a whole is reported.
          rows++;
          const reason = `the file cannot be read: it is not valid gzip data (${(err as Error).message})`;
          fileProblem(file, 0, reason);
          await reject(file, 0, reason);
        }
        throwIfCancelled(ctx);
      } finally {
        raw.destroy();
        await runner?.close();
        runner = undefined;
      }
      if (rows === 0) {
        const reason = 'the file holds no endpoint rows (it is empty, or a CSV header only)';
        fileProblem(file, 0, reason);
        await reject(file, 0, reason);
      }
      current = undefined;
      bytesBefore += sizes[i] ?? 0;
      filesDone++;
      hb.beat(details, true);
    }
    await parts.end();
    await rejects?.end();
    return {
      format: 'JSON',
      parts: parts.parts.map((p, i) => ({
        s3Url: `s3://${input.bucket}/${partPrefix(input.prefix, i + 1)}`,
        key: p.key,
        bytes: p.size,
        records: p.records,
      })),
      uploaded,
      rejected,
      rejectedRowsKey: rejected > 0 ? rejectedRowsKey : undefined,
      fileProblems,
      inputBytes: bytesTotal,
      duplicateIds: repeats.ids,
      duplicateExamples: repeats.examples,
    };
  } catch (err) {
    await abortAll();
    throw err;
  } finally {
    clearInterval(timer);
    ctx.cancellationSignal.removeEventListener('abort', onCancel);
  }
}
