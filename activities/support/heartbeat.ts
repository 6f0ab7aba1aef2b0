import { Context } from '@temporalio/activity';

/**
 * The worker sends a heartbeat at most this often (maxHeartbeatThrottleInterval): a cancellation reaches an activity
 * only in the answer to a heartbeat, so this bounds how long a cancel takes to be seen (the SDK's default, 0.8 × the
 * heartbeat timeout, made it 8 s). Polling and transfer activities heartbeat every second or more often.
 */
export const HEARTBEAT_THROTTLE_MS = 500;

/**
 * Heartbeats at most every `everyMs` (the worker throttles too, but building details for every chunk of a stream
 * would cost more than the copy). Each heartbeat is also when a cancellation can arrive.
 */
export class Heartbeater<T> {
  private last = 0;
  constructor(
    private readonly ctx: Context = Context.current(),
    private readonly everyMs = 1_000,
  ) {}

  beat(details: () => T, force = false): void {
    const now = Date.now();
    if (!force && now - this.last < this.everyMs) return;
    this.last = now;
    this.ctx.heartbeat(details());
  }
}
