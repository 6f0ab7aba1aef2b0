import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * Short calls of the sync (input check, job creation, listing, reports) with a tight
 * start-to-close: when a worker dies during one, another worker retries it after 20 s instead
 * of the shared proxies' 2 minutes. Each call is one request or a few.
 */
export const quick = proxyActivities<Activities>({
  startToCloseTimeout: '20s',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 20 },
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});
