import { DEFAULT_POLL_POLICY } from '../../src/contracts';
import type { PollPolicy } from '../../src/contracts';

/** The poll policy of an input: defaults filled in. */
export function resolvePollPolicy(partial: Partial<PollPolicy> = {}): PollPolicy {
  return { ...DEFAULT_POLL_POLICY, ...definedOnly(partial) };
}

/** Delay before poll number `polls` + 1: `initialIntervalMs` doubling after every poll, capped at `maxIntervalMs`. */
export function pollDelayMs(policy: PollPolicy, polls: number): number {
  const exponent = Math.max(0, polls - 1);
  // 2^31 ms is far beyond any cap; stop doubling before it overflows.
  const delay = policy.initialIntervalMs * 2 ** Math.min(exponent, 31);
  return Math.min(delay, policy.maxIntervalMs);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
