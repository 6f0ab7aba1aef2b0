/**
 * Sync activities: the streaming S3 → S3 transfer of one exported piece (transfer-piece.ts), and
 * the S3 housekeeping around it (grouping parts into import jobs, cleanup, the sync report). Built
 * by a factory that receives the S3 client, so tests and the benchmark inject their own.
 */
import type { Readable } from 'node:stream';
import { reportNotice } from './reports';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { FailureType } from '../src/contracts/failures';
import type { SyncInput } from '../src/contracts/sync';
import { parseS3Url } from '../src/contracts/s3-location';
import { InputError } from '../src/inputs/errors';
import { openTextSink } from './support/report-sink';
import { validateSyncInput } from '../src/inputs/sync-input';
import { badInput, checkPrefix, errorName } from './support/activity-failures';
import { createTransferPiece } from './transfer-piece';
import type { TransferPieceDeps } from './transfer-piece';
import { classifyS3Error } from './support/s3-errors';
import { rethrowCancellation } from './support/cancellation';
import { shownKey } from './import-source';

export type TransferDeps = TransferPieceDeps;

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

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function jobPrefix(prefix: string, jobIndex: number): string {
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

export function createTransferActivities({ s3, threadMinBytes, transferThreads, budget }: TransferDeps) {
  const transferPiece = createTransferPiece({ s3, threadMinBytes, transferThreads, budget });
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
      const notice = reportNotice(input.rejected.keys.length > 0, input.importReportUrls.length > 0);
      await sink.write(
        `{ "notice": ${JSON.stringify(notice)},\n  "summary": ${JSON.stringify(input.summary)},\n  "importReports": [`,
      );
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
