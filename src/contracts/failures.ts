/**
 * ApplicationFailure `type`s shared by activities, workflows and the CLI (exit codes).
 *
 * A run that does not do its job fails (Temporal status Failed) with one of the run-outcome types below: the failure
 * message is the reason in one sentence, and the failure's first detail is the run's report (counts, keys, ids — never
 * endpoint data). A cancelled run ends Canceled; its report is in the memo (`report`) and in the `progress` query.
 */
export const FailureType = {
  /** Input the user must fix (bad id, URL, file, option). Non-retryable. */
  BadInput: 'BadInput',
  /** The provider refused the request (4xx other than throttling). Non-retryable. */
  ProviderRejected: 'ProviderRejected',
  NotFound: 'NotFound',
  /** Activity level: the remote job did not finish within the poll policy's maxWaitMs (the run then ends JobTimedOut). */
  WaitTimeout: 'WaitTimeout',
  /** Run outcome: a remote job (export or import) ended FAILED. */
  JobFailed: 'JobFailed',
  /** Run outcome: there was no valid row to import (every row rejected, filtered, or none at all). */
  NothingToImport: 'NothingToImport',
  /** Run outcome: more rows were rejected (by our validation and the provider) than `maxRejected` allows. */
  TooManyRejected: 'TooManyRejected',
  /** Run outcome: a remote job did not end within the max wait; the run cancelled it where it could and cleaned up. */
  JobTimedOut: 'JobTimedOut',
  /** A cancel follow-up: a cancelled run's remote job was still running when `--cancel-grace` ran out. */
  CancelGraceExpired: 'CancelGraceExpired',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** The failure types a run ends with when it ran but did not do its job; their first detail is the report. */
export const RUN_OUTCOME_FAILURES: readonly FailureType[] = [
  FailureType.JobFailed,
  FailureType.NothingToImport,
  FailureType.TooManyRejected,
  FailureType.JobTimedOut,
];

/** Memo key under which a run keeps its final report (read by the CLI for cancelled runs, which return nothing). */
export const REPORT_MEMO_KEY = 'report';

/** CLI exit codes. */
export const ExitCode = {
  Ok: 0,
  RunFailed: 1,
  BadInput: 2,
  Cancelled: 3,
  /** Could not reach Temporal or another internal error. */
  Error: 4,
} as const;
