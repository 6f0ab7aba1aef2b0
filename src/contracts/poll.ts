import type { JobCounters } from './lifecycle';

/** How a wait activity polls a remote job: start at `initialIntervalMs`, double up to `maxIntervalMs`. */
export interface PollPolicy {
  initialIntervalMs: number;
  maxIntervalMs: number;
  /** Give up (non-retryable failure) when the job is not terminal after this long. */
  maxWaitMs: number;
}

export const DEFAULT_POLL_POLICY: PollPolicy = {
  initialIntervalMs: 1_000,
  maxIntervalMs: 30_000,
  maxWaitMs: 6 * 60 * 60 * 1_000,
};

/** Heartbeat details of a wait activity: the operator sees them on the pending activity in the UI. */
export interface PollHeartbeat {
  jobId: string;
  state: string;
  rawStatus: string;
  counters: JobCounters;
  polls: number;
  nextPollInMs: number;
}
