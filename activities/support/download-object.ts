import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PARTIAL_SUFFIX } from './safe-path';

export interface DownloadTarget {
  bucket: string;
  key: string;
  /** Size from the listing: a finished file must have exactly this many bytes. */
  size: number;
  /** Absolute local path (already checked to be inside the download directory). */
  target: string;
}

/**
 * Streams one object to `target`: skipped when a file of the listed size is already there (a restarted activity
 * resumes), otherwise written to `<target>.af-partial` and renamed once complete and of the listed size — a reader
 * never sees a half-written file under the real name.
 */
export async function downloadObject(
  s3: S3Client,
  t: DownloadTarget,
  abortSignal: AbortSignal,
  progress: { stream?: fs.WriteStream } = {},
): Promise<'skipped' | 'downloaded'> {
  const existing = await fsp.stat(t.target).catch(() => undefined);
  if (existing?.isFile() && existing.size === t.size) return 'skipped';
  await fsp.mkdir(path.dirname(t.target), { recursive: true });
  const partial = t.target + PARTIAL_SUFFIX;
  const out = await s3.send(new GetObjectCommand({ Bucket: t.bucket, Key: t.key }), { abortSignal });
  const file = fs.createWriteStream(partial, { highWaterMark: 1024 * 1024 });
  progress.stream = file;
  try {
    await pipeline(out.Body as Readable, file, { signal: abortSignal });
  } finally {
    progress.stream = undefined;
  }
  const written = (await fsp.stat(partial)).size;
  if (written !== t.size) {
    await fsp.rm(partial, { force: true });
    throw ApplicationFailure.retryable(
      `downloaded ${written} bytes of s3://${t.bucket}/${t.key} but the listing said ${t.size}; the object changed or the transfer broke — retrying`,
      'SizeMismatch',
    );
  }
  await fsp.rename(partial, t.target);
  return 'downloaded';
}
