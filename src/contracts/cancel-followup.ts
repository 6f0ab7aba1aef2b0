import type { JobSnapshot, ProviderName } from './lifecycle';
import type { PollPolicy } from './poll';

/** How long a cancel follow-up waits for the remote jobs of a cancelled run to end (`--cancel-grace`). */
export const DEFAULT_CANCEL_GRACE_MS = 60 * 60 * 1_000;

/** The follow-up of a cancelled run is found by the run's own workflow id. */
export function cancelFollowUpWorkflowId(parentWorkflowId: string): string {
  return `${parentWorkflowId}-cancel-followup`;
}

/** An S3 area the remote jobs of a cancelled run write to, deleted once they have ended (deleteRunData's shape). */
export interface FollowUpCleanup {
  bucket: string;
  /** The run's prefix (ends with '/'). */
  prefix: string;
  /** Only these folders of the prefix (e.g. a sync's `export/`); the whole prefix when absent. */
  only?: string[];
}

/**
 * Input of cancelFollowUp: the child workflow a cancelled run leaves behind (parent close policy ABANDON) when its
 * remote jobs were still running. Ids, states and S3 locations only.
 */
export interface CancelFollowUpInput {
  parentWorkflowId: string;
  parentRunId: string;
  pipeline: 'export' | 'import' | 'sync';
  provider: ProviderName;
  /** Last known snapshot of each job the run started; the ones not terminal are awaited. */
  jobs: JobSnapshot[];
  /** Wait at most this long for the jobs to end. */
  graceMs: number;
  /** Poll intervals (the run's own); maxWaitMs is replaced by graceMs. */
  poll: PollPolicy;
  /** What the jobs write under the run's prefix, deleted once they have ended (or the grace ran out). */
  cleanup: FollowUpCleanup[];
}

export interface CancelFollowUpReport {
  parentWorkflowId: string;
  parentRunId: string;
  status: 'COMPLETED' | 'FAILED';
  message: string;
  /** Each job's last known snapshot. */
  jobs: JobSnapshot[];
  deletedObjects: number;
}

/** A grace as the follow-up's texts show it: `1h`, `90m`, `45s`, `500ms` (the largest unit that divides it). */
export function graceText(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

/** `export job 1a2b… PROCESSING`: how details, notes and reports name a job, once, with its kind. */
export function jobLabel(job: Pick<JobSnapshot, 'kind' | 'jobId'>): string {
  return `${job.kind.toLowerCase()} job ${job.jobId}`;
}
