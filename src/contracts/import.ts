import type { JobSnapshot, ProviderName } from './lifecycle';
import type { PipelineStatus } from './export';
import type { PollPolicy } from './poll';
import type { RejectLimit } from './reject-limit';

export type EndpointFileFormat = 'CSV' | 'JSON';

type ImportSource =
  /** Files on the worker's host; validated, then uploaded under the run's staging prefix. */
  | { kind: 'local'; paths: string[] }
  /** An object or prefix already in S3, imported as is. */
  | { kind: 's3'; s3Url: string };

export interface ImportInput {
  provider: ProviderName;
  applicationId: string;
  source: ImportSource;
  format: EndpointFileFormat;
  /** s3://bucket/prefix/ where local files are staged (under `<prefix><workflowId>/<runId>/`). */
  stagingUrl?: string;
  roleArn: string;
  registerEndpoints?: boolean;
  /** Create an IMPORT segment with this name from the imported endpoints. */
  segmentName?: string;
  /** Where the failure report goes: s3://bucket/key.json or a local path on the worker's host. */
  reportUrl?: string;
  /** Per-job size limit in bytes (Pinpoint: 1 GB); larger inputs are split into several jobs. */
  maxJobBytes?: number;
  /** How many import jobs may run at once. */
  maxConcurrentJobs?: number;
  poll?: Partial<PollPolicy>;
  /** Fail the run (TooManyRejected) when more rows are rejected than this; absent: no limit. */
  maxRejected?: RejectLimit;
  /** Keep what the run staged for its jobs (uploaded parts, job copies, exported pieces); default: deleted at the end. */
  keepStaging?: boolean;
  /**
   * After a cancel, how long a follow-up workflow waits for a remote job still running to end before it deletes what
   * the job wrote (default DEFAULT_CANCEL_GRACE_MS, 1 h).
   */
  cancelGraceMs?: number;
}

export interface ImportReport {
  workflowId: string;
  runId: string;
  status: PipelineStatus;
  message?: string;
  jobs: JobSnapshot[];
  totals: {
    /** Rows rejected by our validation before upload. */
    rejectedLocally: number;
    /** Rows uploaded (local source) — undefined for an S3 source. */
    uploaded?: number;
    /**
     * Endpoint Ids found in more than one uploaded row of the local files (the last row of each wins) — undefined for
     * an S3 source, which is imported without being read.
     */
    duplicateIds?: number;
    processed: number;
    failed: number;
  };
  /** After a cancel with a job still running: the follow-up workflow that waits for it and deletes its output. */
  cancelFollowUpId?: string;
  /** Location of the JSON failure report (provider Failures + our rejected rows). */
  reportLocation?: string;
  durationsMs: Record<string, number>;
}
