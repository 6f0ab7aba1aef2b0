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

/** How long one call to a provider may take before the activity gives up on it (and is retried). */
const PROVIDER_CALL_TIMEOUT_MS = 60_000;

/**
 * Runs one call to a remote service while heartbeating `details()` every `everyMs`, so a slow answer (a provider
 * busy for longer than the heartbeat timeout) is not mistaken for a dead worker. The call gets a signal that aborts on
 * the activity's cancellation or after `timeoutMs`; past that the call fails (retryable), so heartbeats never keep a
 * hung request alive.
 */
export async function heartbeatWhile<T, D>(
  ctx: Pick<Context, 'heartbeat' | 'cancellationSignal'>,
  details: () => D,
  call: (signal: AbortSignal) => Promise<T>,
  opts: { everyMs?: number; timeoutMs?: number; what?: string } = {},
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? PROVIDER_CALL_TIMEOUT_MS;
  const timer = setInterval(() => ctx.heartbeat(details()), opts.everyMs ?? 1_000);
  const signal = AbortSignal.any([ctx.cancellationSignal, AbortSignal.timeout(timeoutMs)]);
  try {
    return await call(signal);
  } catch (err) {
    if (signal.aborted && !ctx.cancellationSignal.aborted) {
      throw new Error(`${opts.what ?? 'the call'} got no answer within ${timeoutMs / 1000} s; it will be retried`);
    }
    throw err;
  } finally {
    clearInterval(timer);
  }
}
