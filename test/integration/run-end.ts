/**
 * How a run ended, read as an operator's tools read it: Temporal's own status (describe().status — the badge the UI
 * shows), and the report, wherever that ending keeps it (result, failure details, memo).
 */
import { WorkflowFailedError } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { REPORT_MEMO_KEY } from '../../src/contracts';

export interface RunEnd<R> {
  /** Temporal's execution status as the SDK names it: COMPLETED, FAILED, CANCELLED, TIMED_OUT, … */
  temporalStatus: string;
  report: R;
  /** For a failed run: the ApplicationFailure's type and message. */
  failureType?: string;
  failureMessage?: string;
}

/** Waits for the run to end and returns its report with Temporal's status; throws when the run kept no report. */
export async function runEnd<R>(handle: WorkflowHandle): Promise<RunEnd<R>> {
  let report: unknown;
  let failureType: string | undefined;
  let failureMessage: string | undefined;
  try {
    report = await handle.result();
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    if (err.cause instanceof ApplicationFailure) {
      report = err.cause.details?.[0];
      failureType = err.cause.type ?? undefined;
      failureMessage = err.cause.message;
    } else if (err.cause instanceof CancelledFailure) {
      report = (await handle.describe()).memo?.[REPORT_MEMO_KEY];
    } else throw err;
    if (report === undefined) throw err;
  }
  const temporalStatus = (await handle.describe()).status.name;
  return {
    temporalStatus,
    report: report as R,
    ...(failureType !== undefined && { failureType }),
    ...(failureMessage !== undefined && { failureMessage }),
  };
}
