/** The emulator's S3 side: the real S3 client, listing import files, streaming reads and gzip uploads. */
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import type { S3Location } from '../contracts/s3-location';
import { importFolderPrefix, isImportFile } from '../contracts/import-files';
import type { EmulatorS3Options } from './options';

export function makeS3Client(o: EmulatorS3Options): S3Client {
  return new S3Client({
    region: o.region,
    endpoint: o.endpoint,
    forcePathStyle: o.forcePathStyle ?? o.endpoint !== undefined,
    credentials: o.credentials,
  });
}

export interface ImportFile {
  key: string;
  size: number;
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404;
}

/**
 * The files an import reads: the object itself when S3Url names one, otherwise every object of
 * the requested format under the folder (subfolders included).
 */
export async function listImportFiles(
  s3: S3Client,
  loc: S3Location,
  format: 'CSV' | 'JSON',
  signal: AbortSignal,
): Promise<ImportFile[]> {
  if (loc.key !== '' && !loc.key.endsWith('/')) {
    try {
      const head = await s3.send(new HeadObjectCommand({ Bucket: loc.bucket, Key: loc.key }), { abortSignal: signal });
      return [{ key: loc.key, size: head.ContentLength ?? 0 }];
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const prefix = importFolderPrefix(loc.key);
  const files: ImportFile[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectsV2Command({ Bucket: loc.bucket, Prefix: prefix || undefined, ContinuationToken: token }),
      { abortSignal: signal },
    );
    for (const o of page.Contents ?? []) {
      if (o.Key && isImportFile(o.Key, format)) files.push({ key: o.Key, size: o.Size ?? 0 });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  files.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return files;
}

export async function openObject(s3: S3Client, bucket: string, key: string, signal: AbortSignal): Promise<Readable> {
  const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
  if (!out.Body) throw new Error('the object has no body');
  // Read ahead up to 8 MB so S3 keeps streaming while records are being processed.
  const body = out.Body as Readable;
  const ahead = new PassThrough({ highWaterMark: 8 * 1024 * 1024 });
  body.once('error', (err) => ahead.destroy(err));
  ahead.once('close', () => body.destroy());
  return body.pipe(ahead);
}

/** Streams `source` through gzip into one S3 object (multipart for large pieces); memory stays bounded. */
export async function uploadGzip(
  s3: S3Client,
  bucket: string,
  key: string,
  source: Readable,
  signal: AbortSignal,
): Promise<void> {
  const body = new PassThrough({ highWaterMark: 1024 * 1024 });
  const upload = new Upload({
    client: s3,
    params: { Bucket: bucket, Key: key, Body: body, ContentType: 'application/gzip' },
    queueSize: 2,
    partSize: 8 * 1024 * 1024,
  });
  const onAbort = (): void => void upload.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.all([pipeline(source, zlib.createGzip({ level: 6 }), body, { signal }), upload.done()]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** A short description of an S3 (or other) error for a Failures string. */
export function describeError(err: unknown): string {
  const e = err as { name?: string; Code?: string; message?: string };
  const name = e.Code ?? e.name ?? 'Error';
  const message = e.message && e.message !== name && e.message !== 'UnknownError' ? `: ${e.message}` : '';
  return `${name}${message}`;
}
