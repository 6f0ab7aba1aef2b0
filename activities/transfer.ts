/**
 * Sync activities: the streaming S3 → S3 transfer of one exported piece, and the S3 housekeeping
 * around it (grouping parts into import jobs, cleanup, the sync report). Built by a factory that
 * receives the S3 client, so tests and the benchmark inject their own.
 *
 * transferPiece: GetObject → gunzip → lines → JSON.parse → transform → validate → NDJSON parts
 * (≤ maxPartBytes each, multipart upload) under `<run>/parts/`; rejected rows (line, reason) go to
 * `<run>/rejected/piece-N.ndjson`. Output keys depend only on the piece, so a retried attempt
 * overwrites its own earlier output. Returns counts and keys only (no endpoint data).
 */
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { TransferHeartbeat } from '../src/contracts/progress';
import type { SyncInput, TransferPieceInput, TransferPieceResult, TransformSpec } from '../src/contracts/sync';
import { FailureType } from '../src/contracts/failures';
import { parseS3Url } from '../src/contracts/s3-location';
import { validateEndpoint } from '../src/formats/validate-endpoint';
import { compileTransform, TransformSpecError } from '../src/transforms';
import type { EndpointTransform } from '../src/transforms';
import { InputError } from '../src/inputs/errors';
import { openTextSink } from './support/report-sink';
import { validateSyncInput } from '../src/inputs/sync-input';
import { PartWriter, S3ObjectWriter } from './transfer-parts';
import { classifyS3Error } from './support/s3-errors';
import { rethrowCancellation } from './support/cancellation';
import { shownKey } from './import-source';

export interface TransferDeps {
  s3: S3Client;
}

export interface StageImportJobsInput {
  bucket: string;
  /** The run's prefix (ends with '/'); group g is staged under `<prefix>jobs/job-NNNN/`. */
  prefix: string;
  /** Keys per import job, in job order. */
  groups: string[][];
  /**
   * Set when the keys are the user's objects (an S3 import source over the per-job limit): they are under `prefix`
   * in `bucket` and are COPIED, never deleted; copy i of a group is named `NNNNN-<file name>` (files of one name in
   * different subfolders stay apart). Unset: the keys are this run's own parts under `<prefix>parts/`, MOVED.
   */
  copyFrom?: { bucket: string; prefix: string };
}

export interface WriteSyncReportInput {
  /** s3://bucket/key.json or an absolute path on the worker's host. */
  location: string;
  /** The sync's summary (counts, job ids, status): no endpoint data. */
  summary: unknown;
  /** s3:// URLs of the import jobs' failure reports (writeFailureReport), embedded in order. */
  importReportUrls: string[];
  /** Keys (in `bucket`) of the rejected-rows objects, embedded row by row. */
  rejected: { bucket: string; keys: string[] };
}

const HEARTBEAT_EVERY_MS = 1_000;
/** Larger than zlib's 16 KiB default: fewer callbacks from the thread pool per piece. */
const GUNZIP_CHUNK_BYTES = 64 * 1024;
/** The smallest part (and import job) size: one endpoint of the maximum 15 KB must fit. */
export const MIN_PART_BYTES = 16 * 1024;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export function partKey(prefix: string, pieceIndex: number, partIndex: number): string {
  return `${prefix}parts/piece-${pad(pieceIndex, 5)}-part-${pad(partIndex, 3)}.json`;
}

export function rejectedKey(prefix: string, pieceIndex: number): string {
  return `${prefix}rejected/piece-${pad(pieceIndex, 5)}.ndjson`;
}

export function jobPrefix(prefix: string, jobIndex: number): string {
  return `${prefix}jobs/job-${pad(jobIndex, 4)}/`;
}

/**
 * The name of copy `index` of a job group: the index, then the source's file name (its last key segment, untrusted:
 * control characters replaced, at most 100 characters kept from the end so the format's extension survives).
 */
export function stagedCopyName(index: number, key: string): string {
  const name = Array.from(key.slice(key.lastIndexOf('/') + 1).replace(/[\p{Cc}\p{Cf}]/gu, '_'));
  return `${pad(index, 5)}-${name.slice(-100).join('')}`;
}

function badInput(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: FailureType.BadInput, nonRetryable: true });
}

function compileOrFail(spec: TransformSpec | undefined): EndpointTransform {
  try {
    return compileTransform(spec);
  } catch (err) {
    if (err instanceof TransformSpecError) throw badInput(err.message);
    throw err;
  }
}

function checkPrefix(prefix: string, what: string): void {
  if (prefix.length === 0 || !prefix.endsWith('/') || prefix.startsWith('/') || prefix.split('/').includes('..')) {
    throw badInput(`${what} "${prefix}" must be a non-empty key prefix ending with '/' (and without '..')`);
  }
}

function errorName(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'name' in err ? String(err.name) : undefined;
}

export function createTransferActivities({ s3 }: TransferDeps) {
  /**
   * First step of a sync: the whole input (ids, URLs, limits, the transform) is checked before any
   * remote job exists, whoever started the run. Returns it normalised; bad input fails at once.
   */
  async function checkSyncInput(input: SyncInput): Promise<SyncInput> {
    try {
      return Promise.resolve(validateSyncInput(input));
    } catch (err) {
      if (err instanceof InputError) throw badInput(err.message);
      throw err;
    }
  }

  async function transferPiece(input: TransferPieceInput): Promise<TransferPieceResult> {
    const ctx = Context.current();
    const signal = ctx.cancellationSignal;
    const transform = compileOrFail(input.transform);
    const { bucket, prefix } = input.output;
    checkPrefix(prefix, 'output prefix');
    if (!Number.isInteger(input.maxPartBytes) || input.maxPartBytes < MIN_PART_BYTES) {
      throw badInput(
        `maxPartBytes ${input.maxPartBytes} is too small; use at least ${MIN_PART_BYTES} (one endpoint may be 15 KB; Pinpoint allows 1 GiB per job)`,
      );
    }
    const sourceKey = input.source.key;
    const parts = input.dryRun
      ? undefined
      : new PartWriter(s3, bucket, (j) => partKey(prefix, input.pieceIndex, j), input.maxPartBytes);
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

    const reject = (line: number, reason: string, id: unknown): Promise<void> | undefined => {
      counts.rejected++;
      rejectedWriter ??= new S3ObjectWriter(s3, bucket, rejectedKey(prefix, input.pieceIndex));
      const row = JSON.stringify({ source: sourceKey, line, id: typeof id === 'string' ? id : undefined, reason });
      return rejectedWriter.writeLine(row, Buffer.byteLength(row));
    };

    /** One exported line; returns a promise only when a writer needs the caller to wait. */
    const handleLine = (raw: string, line: number): Promise<void> | undefined => {
      const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (text.length === 0 || text.trim().length === 0) return undefined;
      counts.read++;
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return reject(line, 'not valid JSON', undefined);
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return reject(line, 'an endpoint must be a JSON object', undefined);
      }
      const record = parsed as Record<string, unknown>;
      const outcome = transform(record);
      if (outcome.kind === 'filtered') {
        counts.filtered++;
        return undefined;
      }
      const out = JSON.stringify(outcome.endpoint);
      const bytes = Buffer.byteLength(out);
      // The target application has never seen these ids: validate as new endpoints.
      const problem = validateEndpoint(outcome.endpoint, {
        existing: false,
        sizeBytes: bytes,
        allowResponseFields: false,
      });
      if (problem) return reject(line, problem, record.Id);
      counts.written++;
      return parts?.writeLine(out, bytes);
    };

    const abortWriters = async () => {
      await Promise.all([parts?.abort(), rejectedWriter?.abort()]);
    };
    let body: Readable | undefined;
    const onAbort = () => {
      body?.destroy(new Error('transfer cancelled'));
      void abortWriters();
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      beat(true);
      const got = await s3.send(new GetObjectCommand({ Bucket: input.source.bucket, Key: sourceKey }), {
        abortSignal: signal,
      });
      body = got.Body as Readable;
      bytesTotal = got.ContentLength ?? bytesTotal;
      const gzipped = sourceKey.endsWith('.gz');
      const gunzip = gzipped ? createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }) : undefined;
      const text: Readable = gunzip ?? body;
      const piping = gunzip ? pipeline(body, gunzip) : Promise.resolve();
      piping.catch(() => undefined); // the same error reaches the loop below through `text`
      body.on('data', (chunk: Buffer) => {
        bytesIn += chunk.length;
      });
      text.setEncoding('utf8');

      let carry = '';
      let lineNo = 0;
      let first = true;
      for await (const chunk of text as AsyncIterable<string>) {
        let buf = carry.length > 0 ? carry + chunk : chunk;
        if (first) {
          first = false;
          if (buf.charCodeAt(0) === 0xfeff) buf = buf.slice(1);
        }
        let start = 0;
        let nl = buf.indexOf('\n');
        while (nl !== -1) {
          lineNo++;
          const wait = handleLine(buf.slice(start, nl), lineNo);
          if (wait) await wait;
          start = nl + 1;
          nl = buf.indexOf('\n', start);
        }
        carry = buf.slice(start);
        beat();
      }
      if (signal.aborted) throw signal.reason;
      if (carry.length > 0) {
        const wait = handleLine(carry, lineNo + 1);
        if (wait) await wait;
      }
      await piping;
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
    }
  }

  /**
   * Stages each group under its own `jobs/job-NNNN/` prefix with server-side copies, so one import job reads exactly
   * one group. The sync's own parts are moved (copy, then delete); with `copyFrom` the user's objects are only
   * copied. Idempotent: a part already moved is skipped, a copy already made is made again.
   */
  async function stageImportJobs(input: StageImportJobsInput): Promise<string[]> {
    checkPrefix(input.prefix, 'run prefix');
    const from = input.copyFrom;
    const fromBucket = from?.bucket ?? input.bucket;
    const fromPrefix = from ? from.prefix : `${input.prefix}parts/`;
    if (from && from.prefix !== '' && !from.prefix.endsWith('/')) {
      throw badInput(`source prefix "${from.prefix}" must be empty or end with '/'`);
    }
    if (from && from.bucket === input.bucket && input.prefix.startsWith(from.prefix)) {
      throw badInput(
        `staging prefix s3://${input.bucket}/${input.prefix} is inside the import source s3://${from.bucket}/${from.prefix}; choose a staging location outside it`,
      );
    }
    const ctx = Context.current();
    const prefixes: string[] = [];
    let staged = 0;
    for (const [g, keys] of input.groups.entries()) {
      const dest = jobPrefix(input.prefix, g);
      prefixes.push(dest);
      for (const [i, key] of keys.entries()) {
        if (!key.startsWith(fromPrefix))
          throw badInput(`${from ? 'object' : 'part'} "${shownKey(key)}" is not under ${fromPrefix}`);
        const target = dest + (from ? stagedCopyName(i, key) : key.slice(key.lastIndexOf('/') + 1));
        try {
          await s3.send(
            new CopyObjectCommand({
              Bucket: input.bucket,
              Key: target,
              CopySource: `${fromBucket}/${encodeURIComponent(key)}`,
            }),
            { abortSignal: ctx.cancellationSignal },
          );
        } catch (err) {
          if (ctx.cancellationSignal.aborted) rethrowCancellation(err, ctx);
          if (from) {
            if (errorName(err) !== 'NoSuchKey')
              throw classifyS3Error(err, `copying s3://${fromBucket}/${shownKey(key)}`, fromBucket);
            throw ApplicationFailure.create({
              message: `object s3://${fromBucket}/${shownKey(key)} was removed after it was listed; run the import again`,
              type: FailureType.NotFound,
              nonRetryable: true,
            });
          }
          if (errorName(err) !== 'NoSuchKey') throw err;
          // Moved by an earlier attempt? Then the copy is there.
          await s3.send(new HeadObjectCommand({ Bucket: input.bucket, Key: target }));
        }
        if (!from) {
          await s3.send(new DeleteObjectCommand({ Bucket: input.bucket, Key: key }), {
            abortSignal: ctx.cancellationSignal,
          });
        }
        ctx.heartbeat({ staged: ++staged });
      }
    }
    return prefixes;
  }

  /**
   * Writes the sync's JSON failure report: the summary, the import jobs' failure report (provider
   * Failures and counters, written by writeFailureReport) and every row our validation rejected.
   * Streams to S3 or a local file on the worker's host; returns the location.
   */
  async function writeSyncReport(input: WriteSyncReportInput): Promise<string> {
    const ctx = Context.current();
    if (input.location.startsWith('s3://')) {
      const { key } = parseS3Url(input.location, 'report location');
      if (!key || key.endsWith('/')) {
        throw badInput(
          `report location "${input.location}" names a folder; give an object key such as s3://bucket/reports/run.json`,
        );
      }
    }
    const sink = openTextSink(input.location, s3);
    try {
      await sink.write(`{\n  "summary": ${JSON.stringify(input.summary)},\n  "importReports": [`);
      for (const [i, url] of input.importReportUrls.entries()) {
        const loc = parseS3Url(url, 'import report URL');
        let text: string;
        try {
          const got = await s3.send(new GetObjectCommand({ Bucket: loc.bucket, Key: loc.key }), {
            abortSignal: ctx.cancellationSignal,
          });
          text = (await got.Body?.transformToString('utf8')) ?? 'null';
          JSON.parse(text);
        } catch (err) {
          if (ctx.cancellationSignal.aborted) throw err;
          text = JSON.stringify({ location: url, missing: errorName(err) ?? 'unreadable' });
        }
        await sink.write(`${i > 0 ? ',' : ''}\n${text.trim()}`);
      }
      await sink.write('],\n  "rejectedRows": [');
      let rows = 0;
      for (const rkey of input.rejected.keys) {
        const got = await s3.send(new GetObjectCommand({ Bucket: input.rejected.bucket, Key: rkey }), {
          abortSignal: ctx.cancellationSignal,
        });
        let carry = '';
        const emit = async (line: string) => {
          if (line.length === 0) return;
          await sink.write(`${rows++ > 0 ? ',' : ''}\n    ${line}`);
        };
        for await (const chunk of (got.Body as Readable).setEncoding('utf8') as AsyncIterable<string>) {
          const lines = (carry + chunk).split('\n');
          carry = lines.pop() ?? '';
          for (const line of lines) await emit(line);
        }
        await emit(carry);
        ctx.heartbeat({ rows });
      }
      await sink.write(`\n  ],\n  "totals": ${JSON.stringify({ rejectedRows: rows })}\n}\n`);
      await sink.close();
      return input.location;
    } catch (err) {
      await sink.abort();
      if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
      throw err;
    }
  }

  return { checkSyncInput, transferPiece, stageImportJobs, writeSyncReport };
}

export type TransferActivities = ReturnType<typeof createTransferActivities>;
