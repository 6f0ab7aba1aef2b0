import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3ObjectRef } from '../../src/contracts';

export interface PageOptions {
  abortSignal?: AbortSignal;
}

/** Every object under a prefix, paging through ListObjectsV2 (1000 per page). */
export async function* listObjectsUnder(
  s3: S3Client,
  bucket: string,
  prefix: string,
  opts: PageOptions = {},
): AsyncGenerator<S3ObjectRef> {
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }), {
      abortSignal: opts.abortSignal,
    });
    for (const o of page.Contents ?? []) if (o.Key !== undefined) yield { key: o.Key, size: o.Size ?? 0 };
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Deletes every object under `prefix` (1000 per call); returns how many were deleted. */
export async function deleteObjectsUnder(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  let deleted = 0;
  let batch: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const out = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
    );
    if (out.Errors && out.Errors.length > 0) {
      throw new Error(
        `could not delete ${out.Errors.length} object(s) under s3://${bucket}/${prefix}: ${out.Errors[0]?.Code ?? ''}`,
      );
    }
    deleted += batch.length;
    batch = [];
  };
  for await (const o of listObjectsUnder(s3, bucket, prefix)) {
    batch.push(o.key);
    if (batch.length === 1000) await flush();
  }
  await flush();
  return deleted;
}

/** Aborts unfinished multipart uploads under `prefix` (their parts cost storage and are invisible to listings). */
export async function abortUploadsUnder(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  let aborted = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        Prefix: prefix,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
    for (const u of page.Uploads ?? []) {
      if (u.Key === undefined || u.UploadId === undefined) continue;
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }));
      aborted++;
    }
    if (!page.IsTruncated) return aborted;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}
