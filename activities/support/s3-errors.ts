import { HeadBucketCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../src/contracts';

/**
 * S3 errors: a missing bucket or denied access will not heal by retrying, so they become non-retryable with the fix
 * in the message; anything else (5xx, throttling, network) is rethrown for Temporal to retry.
 */
export function classifyS3Error(err: unknown, what: string, bucket: string): unknown {
  if (err instanceof ApplicationFailure || typeof err !== 'object' || err === null) return err;
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (e.name === 'NoSuchBucket') return noSuchBucket(what, bucket);
  if (e.name === 'AccessDenied' || status === 403) {
    return ApplicationFailure.nonRetryable(
      `${what}: access to bucket "${bucket}" denied (${e.message ?? e.name ?? '403'}); grant the worker's AWS identity s3:GetObject/PutObject/ListBucket/DeleteObject on it`,
      FailureType.ProviderRejected,
    );
  }
  return err;
}

function noSuchBucket(what: string, bucket: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `${what}: bucket "${bucket}" does not exist; create it or fix the S3 URL`,
    FailureType.NotFound,
  );
}

function isAccessDenied(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } } | null;
  return e?.name === 'AccessDenied' || e?.$metadata?.httpStatusCode === 403;
}

/**
 * classifyS3Error for writes: some S3 servers answer a write into a bucket that does not exist with
 * 403 Access Denied, which would send the user to fix permissions. Then ask the bucket itself
 * (HeadBucket: 404 = missing) and say which it is.
 */
export async function classifyS3WriteError(s3: S3Client, err: unknown, what: string, bucket: string): Promise<unknown> {
  if (isAccessDenied(err) && (await bucketMissing(s3, bucket))) return noSuchBucket(what, bucket);
  return classifyS3Error(err, what, bucket);
}

/**
 * Fails (NotFound, non-retryable, naming `what` and the fix) when `bucket` does not exist: a check before a run starts
 * work whose output would have nowhere to go. Any other answer (the bucket is there; access to HeadBucket denied; the
 * server busy) passes, and the write itself reports what is wrong.
 */
export async function requireBucket(s3: S3Client, bucket: string, what: string): Promise<void> {
  if (await bucketMissing(s3, bucket)) throw noSuchBucket(what, bucket);
}

/** HeadBucket answered 404. */
function bucketMissing(s3: S3Client, bucket: string): Promise<boolean> {
  return s3.send(new HeadBucketCommand({ Bucket: bucket })).then(
    () => false,
    (e: unknown) => (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404,
  );
}
