/** How a finished run maps onto what the CLI prints and its exit code (pure: unit-tested). */
import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import type { PipelineStatus } from '../contracts';
import { ExitCode, REPORT_MEMO_KEY } from '../contracts/failures';

export interface RunOutcome {
  workflowId: string;
  runId?: string;
  status: PipelineStatus | 'TERMINATED' | 'TIMED_OUT';
  exitCode: number;
  /** The workflow's report when it returned one. */
  report?: unknown;
  /** Why it failed, when it did not return a report. */
  message?: string;
  failureType?: string;
}

export function exitCodeForStatus(status: string): number {
  switch (status) {
    case 'COMPLETED':
      return ExitCode.Ok;
    case 'CANCELLED':
      return ExitCode.Cancelled;
    default:
      return ExitCode.RunFailed;
  }
}

/** The outcome of a workflow that returned `report` (its `status` field decides the exit code). */
export function outcomeFromReport(workflowId: string, report: unknown): RunOutcome {
  const r = (typeof report === 'object' && report !== null ? report : {}) as { status?: unknown; runId?: unknown };
  const status = r.status === 'FAILED' || r.status === 'CANCELLED' ? r.status : 'COMPLETED';
  return {
    workflowId,
    ...(typeof r.runId === 'string' && { runId: r.runId }),
    status,
    exitCode: exitCodeForStatus(status),
    report,
  };
}

/** Innermost cause: an ApplicationFailure raised by an activity is wrapped in ActivityFailure. */
function rootCause(err: Error): Error {
  let e: Error = err;
  for (let i = 0; i < 10 && e.cause instanceof Error; i++) e = e.cause;
  return e;
}

/** The outcome of a workflow whose result() threw. Returns undefined for errors that are not the run's own. */
export function outcomeFromError(workflowId: string, err: unknown): RunOutcome | undefined {
  if (!(err instanceof WorkflowFailedError)) return undefined;
  const cause = err.cause;
  if (cause instanceof CancelledFailure) {
    return { workflowId, status: 'CANCELLED', exitCode: ExitCode.Cancelled, message: 'the workflow was cancelled' };
  }
  if (cause instanceof TerminatedFailure) {
    return { workflowId, status: 'TERMINATED', exitCode: ExitCode.RunFailed, message: `terminated: ${cause.message}` };
  }
  if (cause instanceof TimeoutFailure) {
    return {
      workflowId,
      status: 'TIMED_OUT',
      exitCode: ExitCode.RunFailed,
      message: `timed out (${cause.timeoutType})`,
    };
  }
  const root = cause ? rootCause(cause) : err;
  const failureType = root instanceof ApplicationFailure ? (root.type ?? undefined) : undefined;
  // A run that ran but did not do its job fails with its report as the first detail.
  const report = root instanceof ApplicationFailure ? reportOf(root.details?.[0]) : undefined;
  if (report)
    return { workflowId, status: 'FAILED', exitCode: ExitCode.RunFailed, report, message: root.message, failureType };
  return {
    workflowId,
    status: 'FAILED',
    exitCode: ExitCode.RunFailed,
    message: root.message || err.message,
    ...(failureType && { failureType }),
  };
}

/** A pipeline report (an object with a status) or undefined. */
function reportOf(value: unknown): object | undefined {
  return typeof value === 'object' && value !== null && 'status' in value ? value : undefined;
}

/** A cancelled run returns nothing: its report comes from the run's memo (REPORT_MEMO_KEY). */
export function withCancelledReport(o: RunOutcome, memo: Record<string, unknown> | undefined): RunOutcome {
  if (o.status !== 'CANCELLED' || o.report !== undefined) return o;
  const report = reportOf(memo?.[REPORT_MEMO_KEY]);
  return report ? { ...o, report } : o;
}

/** What `--json` prints: the report itself when there is one, else a small failure object. */
export function outcomeJson(o: RunOutcome): unknown {
  if (o.report !== undefined) return o.report;
  return {
    workflowId: o.workflowId,
    ...(o.runId && { runId: o.runId }),
    status: o.status,
    ...(o.message && { message: o.message }),
    ...(o.failureType && { failureType: o.failureType }),
  };
}
