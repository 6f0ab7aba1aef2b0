import { pollDelayMs, resolvePollPolicy } from '../../activities/support/backoff';
import { DEFAULT_POLL_POLICY } from '../../src/contracts';
import { resolvePollPolicy as resolveInWorkflow, waitTimeoutMs } from '../../workflows/helpers/poll-policy';

describe('poll backoff', () => {
  const policy = { initialIntervalMs: 1_000, maxIntervalMs: 30_000, maxWaitMs: 60_000 };

  it('starts at the initial interval and doubles after every poll', () => {
    expect([1, 2, 3, 4, 5].map((n) => pollDelayMs(policy, n))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('is capped at maxIntervalMs and never overflows', () => {
    expect(pollDelayMs(policy, 6)).toBe(30_000);
    expect(pollDelayMs(policy, 10_000)).toBe(30_000);
    expect(pollDelayMs(policy, 0)).toBe(1_000);
  });

  it('fills in defaults for missing fields (activity and workflow helpers agree)', () => {
    expect(resolvePollPolicy({})).toEqual(DEFAULT_POLL_POLICY);
    expect(resolvePollPolicy({ initialIntervalMs: 50, maxWaitMs: undefined })).toEqual({
      ...DEFAULT_POLL_POLICY,
      initialIntervalMs: 50,
    });
    expect(resolveInWorkflow({ maxIntervalMs: 5 })).toEqual(resolvePollPolicy({ maxIntervalMs: 5 }));
  });

  it('gives the wait activity more time than the poll policy allows', () => {
    expect(waitTimeoutMs(policy)).toBeGreaterThan(policy.maxWaitMs + policy.maxIntervalMs);
  });
});
