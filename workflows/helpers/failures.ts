import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';

/**
 * The failure a run ends with: an activity's ApplicationFailure is lifted to the workflow level, so the run's own
 * failure message is the one that says what to fix and its `type` (contracts FailureType) maps to an exit code.
 */
export function runFailure(err: unknown): unknown {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
    const cause = err.cause;
    return ApplicationFailure.create({
      message: cause.message,
      type: cause.type ?? undefined,
      nonRetryable: true,
      cause: err,
    });
  }
  return err;
}
