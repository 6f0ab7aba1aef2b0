import { ApplicationFailure, upsertMemo } from '@temporalio/workflow';
import { REPORT_MEMO_KEY, RUN_OUTCOME_FAILURES } from '../../src/contracts';
import type { FailureType } from '../../src/contracts';

/**
 * How a run that did not do its job ends: Temporal status Failed, a non-retryable ApplicationFailure of a run-outcome
 * type whose message is the reason and whose first detail is the report (counts, keys, ids — no endpoint data).
 */
export function failedRun(type: FailureType, reason: string, report: unknown): ApplicationFailure {
  return ApplicationFailure.create({ type, message: reason, nonRetryable: true, details: [report] });
}

/** True for the failure failedRun made: the run already wrote its report, so the catch-all passes it on as is. */
export function isRunOutcome(err: unknown): err is ApplicationFailure {
  return (
    err instanceof ApplicationFailure &&
    err.type !== null &&
    err.type !== undefined &&
    (RUN_OUTCOME_FAILURES as readonly string[]).includes(err.type) &&
    err.details?.length === 1
  );
}

/**
 * A cancelled run returns nothing (it ends Canceled), so its report is kept in the memo for `audienceflow status`;
 * then the cancellation is rethrown. Call after the cleanup.
 */
export function endCancelled(err: unknown, report: unknown): never {
  upsertMemo({ [REPORT_MEMO_KEY]: report });
  throw err;
}
