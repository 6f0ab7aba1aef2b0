import { Context } from '@temporalio/activity';

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
