import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { RetryPolicy } from '@temporalio/common';
import type { Activities } from '../../activities';

/** Transient failures (throttling, 5xx, network) back off up to a minute; classified 4xx are non-retryable already. */
const RETRY: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
  maximumAttempts: 20,
};

/**
 * A killed worker is noticed after this long without a heartbeat; the activity is then retried elsewhere.
 * Long activities heartbeat every second (the SDK sends at most every 0.8 × this).
 */
const HEARTBEAT_TIMEOUT = '10s';

/** Short calls: input checks, job creation, listings, reports. */
export const calls = proxyActivities<Activities>({
  startToCloseTimeout: '2m',
  retry: RETRY,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/** Long, heartbeating activities: waiting for a job, moving bytes. */
export const longRunning = proxyActivities<Activities>({
  startToCloseTimeout: '12h',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: RETRY,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/** Cleanup after a cancellation: runs in a non-cancellable scope, a few attempts. */
export const cleanup = proxyActivities<Activities>({
  startToCloseTimeout: '5m',
  retry: { ...RETRY, maximumAttempts: 5 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});
