import { DEFAULT_POLL_POLICY } from '../../src/contracts';
import type { PollPolicy } from '../../src/contracts';

/** The input's poll policy with defaults filled in. */
export function resolvePollPolicy(partial: Partial<PollPolicy> = {}): PollPolicy {
  return {
    initialIntervalMs: partial.initialIntervalMs ?? DEFAULT_POLL_POLICY.initialIntervalMs,
    maxIntervalMs: partial.maxIntervalMs ?? DEFAULT_POLL_POLICY.maxIntervalMs,
    maxWaitMs: partial.maxWaitMs ?? DEFAULT_POLL_POLICY.maxWaitMs,
  };
}

/** startToClose of the wait activity: the poll policy's max wait plus room for the last poll. */
export function waitTimeoutMs(policy: PollPolicy): number {
  return policy.maxWaitMs + policy.maxIntervalMs + 60_000;
}
