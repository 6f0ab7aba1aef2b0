import type { S3Client } from '@aws-sdk/client-s3';
import type { Context } from '@temporalio/activity';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { EndpointFileFormat, TransferHeartbeat } from '../../src/contracts';
import { EndpointFileError, formatNdjsonLine, parseCsvEndpoints, parseNdjsonEndpoints } from '../../src/formats';
import type { ParsedRow } from '../../src/formats';
import { throwIfCancelled } from './cancellation';
import { Heartbeater } from './heartbeat';
import { PartUploader } from './part-uploader';

export interface UploadEndpointsInput {
  paths: string[];
  format: EndpointFileFormat;
  bucket: string;
  prefix: string;
  maxJobBytes: number;
}

export interface StagedPart {
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
  inputBytes: number;
}

/** One rejected row as written to the rejected-rows object (and later merged into the failure report). */
export interface RejectedRow {
  file: string;
  line: number;
  reason: string;
}

const pad = (n: number) => String(n).padStart(4, '0');

export function partPrefix(prefix: string, n: number): string {
  return `${prefix}parts/part-${pad(n)}/`;
}

function openInput(file: string): { stream: Readable; raw: fs.ReadStream } {
  const raw = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  if (!file.endsWith('.gz')) return { stream: raw, raw };
  const gunzip = createGunzip();
  raw.on('error', (err) => gunzip.destroy(err));
  return { stream: raw.pipe(gunzip), raw };
}

function parse(format: EndpointFileFormat, input: Readable): AsyncIterable<ParsedRow> {
  return format === 'CSV' ? parseCsvEndpoints(input) : parseNdjsonEndpoints(input);
}

/**
 * Reads each file once, streaming: parses and validates every row (src/formats), writes valid rows as NDJSON into
 * parts of at most maxJobBytes, rejected rows into `<prefix>rejected-rows.ndjson`. Heartbeats bytes read; a
 * cancellation aborts the open multipart uploads (the workflow's cleanup then deletes the run's prefix).
 */
export async function uploadEndpointFiles(
  s3: S3Client,
  input: UploadEndpointsInput,
  ctx: Context,
): Promise<UploadEndpointsResult> {
  const rejectedRowsKey = `${input.prefix}rejected-rows.ndjson`;
  const parts = new PartUploader({
    s3,
    bucket: input.bucket,
    keyOf: (n) => `${partPrefix(input.prefix, n)}endpoints.ndjson`,
    maxPartBytes: input.maxJobBytes,
    contentType: 'application/x-ndjson',
  });
  const rejects = new PartUploader({
    s3,
    bucket: input.bucket,
    keyOf: () => rejectedRowsKey,
    maxPartBytes: Number.MAX_SAFE_INTEGER,
    contentType: 'application/x-ndjson',
    queueSize: 1,
  });
  const sizes = await Promise.all(input.paths.map(async (p) => (await fsp.stat(p)).size));
  const bytesTotal = sizes.reduce((a, b) => a + b, 0);
  let bytesBefore = 0;
  let filesDone = 0;
  let uploaded = 0;
  let rejected = 0;
  let current: fs.ReadStream | undefined;
  const details = (): TransferHeartbeat => ({
    bytesDone: bytesBefore + (current?.bytesRead ?? 0),
    bytesTotal,
    filesDone,
    filesTotal: input.paths.length,
    records: uploaded + rejected,
  });
  const hb = new Heartbeater<TransferHeartbeat>(ctx);
  const timer = setInterval(() => hb.beat(details), 1_000);
  const onCancel = () => void parts.abort().then(() => rejects.abort());
  ctx.cancellationSignal.addEventListener('abort', onCancel);

  const reject = (file: string, line: number, reason: string): Promise<void> | undefined => {
    rejected++;
    const row: RejectedRow = { file, line, reason };
    return rejects.write(`${JSON.stringify(row)}\n`);
  };

  try {
    for (const [i, file] of input.paths.entries()) {
      const { stream, raw } = openInput(file);
      current = raw;
      let rows = 0;
      try {
        for await (const row of parse(input.format, stream)) {
          rows++;
          const pending =
            row.kind === 'ok' ? parts.write(formatNdjsonLine(row.endpoint)) : reject(file, row.line, row.reason);
          if (row.kind === 'ok') uploaded++;
          if (pending) await pending;
          if ((rows & 255) === 0) throwIfCancelled(ctx);
        }
      } catch (err) {
        if (!(err instanceof EndpointFileError)) throw err;
        rows++;
        await reject(file, err.line, `the file cannot be read: ${err.message}`);
      } finally {
        raw.destroy();
      }
      if (rows === 0) await reject(file, 0, 'the file holds no endpoint rows (it is empty, or a CSV header only)');
      throwIfCancelled(ctx);
      current = undefined;
      bytesBefore += sizes[i] ?? 0;
      filesDone++;
      hb.beat(details, true);
    }
    const staged = await parts.finish();
    await rejects.finish();
    return {
      format: 'JSON',
      parts: staged.map((p, i) => ({
        s3Url: `s3://${input.bucket}/${partPrefix(input.prefix, i + 1)}`,
        key: p.key,
        bytes: p.bytes,
        records: p.records,
      })),
      uploaded,
      rejected,
      rejectedRowsKey: rejected > 0 ? rejectedRowsKey : undefined,
      inputBytes: bytesTotal,
    };
  } catch (err) {
    await parts.abort();
    await rejects.abort();
    throw err;
  } finally {
    clearInterval(timer);
    ctx.cancellationSignal.removeEventListener('abort', onCancel);
  }
}
