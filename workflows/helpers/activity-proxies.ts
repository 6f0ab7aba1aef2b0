import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/workflow';
import type { Activities } from '../../activities';

/*
 * The one home of the activity retry policies and the Pinpoint pipelines' activity option sets. The AEP workflows'
 * proxies (helpers/aep-job.ts, export-profiles.ts) take their retry policy from here too.
 */

/** Transient failures (throttling, 5xx, network) back off up to a minute; classified 4xx are non-retryable already. */
const ACTIVITY_RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
  maximumAttempts: 20,
};

/** AEP calls: back off up to 30 seconds, with no attempt limit. */
export const AEP_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  maximumInterval: '30 seconds',
  backoffCoefficient: 2,
};

/**
 * A killed worker is noticed after this long without a heartbeat; the activity is then retried elsewhere.
 * Long activities heartbeat every second (the SDK sends at most every 0.8 × this).
 */
const HEARTBEAT_TIMEOUT = '10s';

/** Short calls: input checks, job creation, listings, reports. */
export const calls = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  retry: ACTIVITY_RETRY,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/**
 * The sync's short calls (input check, job creation, listing, reports) with a tight start-to-close: when a worker
 * dies during one, another worker retries it after 20 s instead of the 2 minutes of `calls`. Each call is one
 * request or a few.
 */
export const quick = proxyActivities<Activities>({
  startToCloseTimeout: '20s',
  retry: ACTIVITY_RETRY,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/**
 * Creating (or adopting) a provider job: the call heartbeats while the provider answers, so a dead worker is noticed
 * after the heartbeat timeout while a slow answer under load is waited for — a retry never runs next to a live attempt
 * that is still creating.
 */
export const creates = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: ACTIVITY_RETRY,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/** Either set of short calls: the one a pipeline's steps make their short calls with. */
export type ShortCalls = typeof calls;

/** Long, heartbeating activities: waiting for a job, moving bytes. */
export const longRunning = proxyActivities<Activities>({
  startToCloseTimeout: '12h',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: ACTIVITY_RETRY,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/** Cleanup after a cancellation: runs in a non-cancellable scope, a few attempts. */
export const cleanup = proxyActivities<Activities>({
  startToCloseTimeout: '5m',
  retry: { ...ACTIVITY_RETRY, maximumAttempts: 5 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});
