import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';

/** Throws the activity's cancellation (a CancelledFailure) when the workflow cancelled it. */
export function throwIfCancelled(ctx: Context = Context.current()): void {
  if (ctx.cancellationSignal.aborted) throw cancellationOf(ctx);
}

/** The error to throw once cancelled: the worker reports it as the activity's cancellation. */
function cancellationOf(ctx: Context = Context.current()): Error {
  const reason: unknown = ctx.cancellationSignal.reason;
  return reason instanceof Error ? reason : new CancelledFailure('activity cancelled');
}

/** Turns an abort caused by cancellation into the cancellation itself; other errors pass through. */
export function rethrowCancellation(err: unknown, ctx: Context = Context.current()): never {
  if (ctx.cancellationSignal.aborted) throw cancellationOf(ctx);
  throw err;
}
