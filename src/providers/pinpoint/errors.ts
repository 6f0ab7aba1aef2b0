import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../contracts';
import type { JobKind } from '../../contracts';
import { NETWORK_CODES } from '../network-codes';

/** What a call was doing when it failed: the message of a non-retryable failure tells the user what to fix. */
export interface CallContext {
  /** e.g. "create export job", "get import job", "list export jobs". */
  operation: string;
  applicationId: string;
  region: string;
  kind?: JobKind;
  jobId?: string;
  roleArn?: string;
}

/** Retryable failure types (non-retryable ones are contracts FailureType). */
export const TransientFailureType = {
  Throttled: 'ProviderThrottled',
  Unavailable: 'ProviderUnavailable',
  Network: 'ProviderUnreachable',
  Unknown: 'ProviderError',
} as const;

interface AwsLikeError {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
}

function asAwsError(err: unknown): AwsLikeError {
  return typeof err === 'object' && err !== null ? err : { message: String(err) };
}

/** True for an aborted call (activity cancellation): callers rethrow it untouched. */
function isAbortError(err: unknown): boolean {
  const e = asAwsError(err);
  return e.name === 'AbortError' || e.name === 'CancelledFailure';
}

/**
 * The one place Pinpoint errors are classified (DESIGN.md, "Errors are classified once"):
 * throttling, 5xx and network errors → retryable ApplicationFailure (Temporal's retry policy backs off);
 * other 4xx → non-retryable ApplicationFailure whose message says what to fix.
 * Aborts (cancellation) and failures already classified are returned unchanged.
 */
export function classifyPinpointError(err: unknown, ctx: CallContext): Error {
  if (err instanceof ApplicationFailure) return err;
  if (isAbortError(err)) return err instanceof Error ? err : new Error(String(err));
  const e = asAwsError(err);
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? 'Error';
  const detail = e.message ? `${name}: ${e.message}` : name;
  const what = `Pinpoint ${ctx.operation} for application ${ctx.applicationId}`;

  if (status === 429 || /TooManyRequests|Throttl/i.test(name)) {
    return ApplicationFailure.retryable(
      `${what} was throttled (${detail}); retrying with backoff`,
      TransientFailureType.Throttled,
    );
  }
  if (
    (status !== undefined && status >= 500) ||
    e.$fault === 'server' ||
    /InternalServerError|ServiceUnavailable/.test(name)
  ) {
    return ApplicationFailure.retryable(
      `${what} failed on the server side (${status ?? '5xx'} ${detail}); retrying`,
      TransientFailureType.Unavailable,
    );
  }
  if (
    status === undefined &&
    (NETWORK_CODES.has(e.code ?? '') ||
      name === 'TimeoutError' ||
      /socket hang up|network|fetch failed/i.test(e.message ?? ''))
  ) {
    return ApplicationFailure.retryable(
      `${what}: cannot reach Pinpoint (${e.code ?? detail}); check AWS_ENDPOINT_URL_PINPOINT / network — retrying`,
      TransientFailureType.Network,
    );
  }
  if (
    name === 'CredentialsProviderError' ||
    status === 401 ||
    /UnrecognizedClient|InvalidSignature|ExpiredToken/i.test(name)
  ) {
    return ApplicationFailure.nonRetryable(
      `${what}: AWS credentials are missing or invalid (${detail}); set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE for the worker`,
      FailureType.ProviderRejected,
    );
  }
  if (status === 404 || name === 'NotFoundException') {
    const message = ctx.jobId
      ? `${(ctx.kind ?? 'job').toLowerCase()} job ${ctx.jobId} of application ${ctx.applicationId} not found in region ${ctx.region}; check the job id, --app and AWS_REGION`
      : `application ${ctx.applicationId} not found in region ${ctx.region}; check --app (and AWS_REGION)`;
    return ApplicationFailure.nonRetryable(message, FailureType.NotFound);
  }
  if (status === 403 || name === 'ForbiddenException' || name === 'AccessDeniedException') {
    return ApplicationFailure.nonRetryable(
      `${what} was refused (403 ${detail}); check that the worker's AWS identity may call mobiletargeting:* on this application` +
        (ctx.roleArn ? ` and that role ${ctx.roleArn} exists and trusts Pinpoint` : ''),
      FailureType.ProviderRejected,
    );
  }
  if (status === 400 || name === 'BadRequestException') {
    return ApplicationFailure.nonRetryable(
      `${what} was rejected as invalid (400 ${detail}); check the role ARN, S3 URL, format and segment options`,
      FailureType.ProviderRejected,
    );
  }
  if (status !== undefined && status >= 400) {
    return ApplicationFailure.nonRetryable(
      `${what} was rejected (${status} ${detail}); fix the request and start a new run`,
      FailureType.ProviderRejected,
    );
  }
  return ApplicationFailure.retryable(`${what} failed (${detail}); retrying`, TransientFailureType.Unknown);
}
