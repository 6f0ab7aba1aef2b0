import { runFailure } from '../helpers/failures';
import type { PipelineTracker } from '../helpers/tracker';

/**
 * checked: what a check activity returned (the validated input), or — when the check refuses — the run ends FAILED
 * with the check's own message, before anything else happens.
 */
export function checked<T>(tracker: PipelineTracker, check: Promise<T>): Promise<T> {
  return check.catch((err: unknown) => {
    tracker.finish('FAILED');
    throw runFailure(err);
  });
}
