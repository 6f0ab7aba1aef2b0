/** ApplicationFailure `type`s shared by activities, workflows and the CLI (exit codes). */
export const FailureType = {
  /** Input the user must fix (bad id, URL, file, option). Non-retryable. */
  BadInput: 'BadInput',
  /** The provider refused the request (4xx other than throttling). Non-retryable. */
  ProviderRejected: 'ProviderRejected',
  NotFound: 'NotFound',
  /** The remote job did not finish within the poll policy's maxWaitMs. */
  WaitTimeout: 'WaitTimeout',
  /** The remote job ended FAILED. */
  JobFailed: 'JobFailed',
} as const;
export type FailureType = (typeof FailureType)[keyof typeof FailureType];

/** CLI exit codes. */
export const ExitCode = {
  Ok: 0,
  RunFailed: 1,
  BadInput: 2,
  Cancelled: 3,
  /** Could not reach Temporal or another internal error. */
  Error: 4,
} as const;
