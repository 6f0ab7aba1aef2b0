/**
 * planS3ImportSource: what an import from an S3 URL will read, found before any job exists. The URL names one object,
 * or a folder whose files of the requested format are read, subfolders included (Pinpoint's rule, shared with the
 * emulator: src/contracts/import-files.ts). Returns counts and sizes; keys only when the source is over the per-job
 * limit and must be split (never contents). Read-only, so a retried attempt simply lists again.
 */
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { ApplicationFailure, Context } from '@temporalio/activity';
import { formatS3Url, importFileExtensions, importFolderPrefix, isImportFile, parseS3Url } from '../src/contracts';
import type { EndpointFileFormat, S3ObjectRef } from '../src/contracts';
import { badInput } from './support/activity-failures';
import { rethrowCancellation } from './support/cancellation';
import { Heartbeater } from './support/heartbeat';
import { classifyS3Error } from './support/s3-errors';
import { listObjectsUnder } from './support/s3-objects';

export interface PlanS3ImportSourceInput {
  s3Url: string;
  format: EndpointFileFormat;
  maxJobBytes: number;
}

export interface PlanS3ImportSourceResult {
  bucket: string;
  /** 'object': the URL names one object (`key`); 'folder': the files under `key` ('' = the whole bucket, else ends '/'). */
  kind: 'object' | 'folder';
  key: string;
  files: number;
  totalBytes: number;
  /**
   * Only when totalBytes > maxJobBytes: every file, in listing order (S3's key order), each ≤ maxJobBytes. At most
   * MAX_SPLIT_FILES files and MAX_SPLIT_KEY_BYTES of key names: the plan travels through workflow history.
   */
  objects?: S3ObjectRef[];
}

/**
 * A split source's keys pass through workflow history twice (this plan, then the staging call). These caps keep each
 * payload far below Temporal's 2 MB payload limit (and its 512 KB warning) whatever the key lengths. A larger source
 * is refused with a message saying how to import it (subfolders in separate runs, or fewer, larger files).
 */
const MAX_SPLIT_FILES = 10_000;
const MAX_SPLIT_KEY_BYTES = 256 * 1024;

/** An untrusted key as it may appear in a message: no control characters, not endless. */
export function shownKey(key: string): string {
  const clean = key.replace(/[\p{Cc}\p{Cf}]/gu, '?');
  const chars = Array.from(clean);
  return chars.length > 200 ? `${chars.slice(0, 120).join('')}…${chars.slice(-60).join('')}` : clean;
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

function oversize(url: string, size: number, maxJobBytes: number): ApplicationFailure {
  return badInput(
    `object ${url} is ${size} bytes, over the per-job limit of ${maxJobBytes}; split it into smaller files, or import it from a local file, which audienceflow splits for you`,
  );
}

export function createImportSourceActivities({ s3 }: { s3: S3Client }) {
  async function planS3ImportSource(input: PlanS3ImportSourceInput): Promise<PlanS3ImportSourceResult> {
    const ctx = Context.current();
    const signal = ctx.cancellationSignal;
    let loc: { bucket: string; key: string };
    try {
      loc = parseS3Url(input.s3Url, 'import source S3 URL');
    } catch (err) {
      throw badInput((err as Error).message);
    }
    const { bucket } = loc;
    const { maxJobBytes, format } = input;
    if (!Number.isInteger(maxJobBytes) || maxJobBytes < 1) throw badInput(`maxJobBytes ${maxJobBytes} is not a size`);
    const fail = (err: unknown, what: string): never => {
      if (signal.aborted) rethrowCancellation(err, ctx);
      throw classifyS3Error(err, what, bucket);
    };

    // 1. The URL names one object: that object alone, whatever its name (as Pinpoint reads it).
    if (loc.key !== '' && !loc.key.endsWith('/')) {
      let size: number | undefined;
      try {
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: loc.key }), { abortSignal: signal });
        size = head.ContentLength ?? 0;
      } catch (err) {
        if (!isNotFound(err)) fail(err, `reading ${shownKey(input.s3Url)}`);
      }
      if (size !== undefined) {
        if (size > maxJobBytes) throw oversize(shownKey(input.s3Url), size, maxJobBytes);
        return { bucket, kind: 'object', key: loc.key, files: 1, totalBytes: size };
      }
    }

    // 2. A folder: every file of the format under it, paginated; keys kept only while a split plan may need them.
    const prefix = importFolderPrefix(loc.key);
    const folderUrl = formatS3Url({ bucket, key: prefix });
    const hb = new Heartbeater<{ listed: number; files: number; bytes: number }>(ctx);
    const kept: S3ObjectRef[] = [];
    let keyBytes = 0;
    let keepKeys = true;
    let listed = 0;
    let files = 0;
    let totalBytes = 0;
    const tooMany = () =>
      badInput(
        `${shownKey(folderUrl)} holds over ${totalBytes} bytes of ${format} files, over the per-job limit of ${maxJobBytes}, so it must be split into several jobs; ` +
          `audienceflow splits at most ${MAX_SPLIT_FILES} files (${MAX_SPLIT_KEY_BYTES / 1024} KiB of key names) in one run, and this folder has more (${files} so far). ` +
          `Import its subfolders in separate runs, or combine the files into fewer, larger ones (each at most ${maxJobBytes} bytes)`,
      );
    try {
      for await (const o of listObjectsUnder(s3, bucket, prefix, { abortSignal: signal })) {
        listed++;
        hb.beat(() => ({ listed, files, bytes: totalBytes }));
        if (!isImportFile(o.key, format)) continue;
        files++;
        totalBytes += o.size;
        if (o.size > maxJobBytes) throw oversize(formatS3Url({ bucket, key: shownKey(o.key) }), o.size, maxJobBytes);
        if (keepKeys) {
          keyBytes += Buffer.byteLength(o.key);
          if (files > MAX_SPLIT_FILES || keyBytes > MAX_SPLIT_KEY_BYTES) {
            keepKeys = false;
            kept.length = 0;
          } else kept.push(o);
        }
        if (!keepKeys && totalBytes > maxJobBytes) throw tooMany();
      }
    } catch (err) {
      if (err instanceof ApplicationFailure) throw err;
      fail(err, `listing ${shownKey(folderUrl)}`);
    }
    hb.beat(() => ({ listed, files, bytes: totalBytes }), true);
    if (files === 0) {
      const named = loc.key !== prefix ? `there is no object ${shownKey(input.s3Url)}, and ` : '';
      throw badInput(
        `nothing to import: ${named}no ${format} files under ${shownKey(folderUrl)} (an import reads the object the URL names, ` +
          `or the files ending in ${importFileExtensions(format).join(', ')} under that folder and its subfolders); check the S3 URL and the format`,
      );
    }
    const result: PlanS3ImportSourceResult = { bucket, kind: 'folder', key: prefix, files, totalBytes };
    return totalBytes > maxJobBytes ? { ...result, objects: kept } : result;
  }

  return { planS3ImportSource };
}
