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
  if (e.name === 'NoSuchBucket') {
    return ApplicationFailure.nonRetryable(
      `${what}: bucket "${bucket}" does not exist; create it or fix the S3 URL`,
      FailureType.NotFound,
    );
  }
  if (e.name === 'AccessDenied' || status === 403) {
    return ApplicationFailure.nonRetryable(
      `${what}: access to bucket "${bucket}" denied (${e.message ?? e.name ?? '403'}); grant the worker's AWS identity s3:GetObject/PutObject/ListBucket/DeleteObject on it`,
      FailureType.ProviderRejected,
    );
  }
  return err;
}
