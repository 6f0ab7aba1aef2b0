import type { JobSnapshot, ProviderName } from './lifecycle';
import type { PollPolicy } from './poll';

export interface ExportInput {
  provider: ProviderName;
  applicationId: string;
  /** s3://bucket/prefix/ — the job writes under `<prefix><workflowId>/<runId>/`. */
  s3Url: string;
  /** IAM role Pinpoint assumes to write to the bucket. */
  roleArn: string;
  segmentId?: string;
  segmentVersion?: number;
  /** When set, the exported pieces are downloaded here, on the worker's host. */
  downloadDir?: string;
  poll?: Partial<PollPolicy>;
  /**
   * After a cancel, how long a follow-up workflow waits for a remote job still running to end before it deletes what
   * the job wrote (default DEFAULT_CANCEL_GRACE_MS, 1 h).
   */
  cancelGraceMs?: number;
}

export interface S3ObjectRef {
  key: string;
  size: number;
}

export type PipelineStatus = 'COMPLETED' | 'FAILED' | 'CANCELLED';

export interface ExportReport {
  workflowId: string;
  runId: string;
  status: PipelineStatus;
  /** Human-readable: why it failed, or what cancellation did and did not stop. */
  message?: string;
  job?: JobSnapshot;
  /** s3://bucket/prefix/ the job wrote under (unique to this run). */
  outputUrl: string;
  objects: S3ObjectRef[];
  totalBytes: number;
  /** After a cancel with a job still running: the follow-up workflow that waits for it and deletes its output. */
  cancelFollowUpId?: string;
  localFiles?: string[];
  durationsMs: Record<string, number>;
}
