import type { JobSnapshot, ProviderName } from './lifecycle';
import type { PipelineStatus } from './export';
import type { PollPolicy } from './poll';
import type { RejectLimit } from './reject-limit';

/** Declarative transforms applied to each endpoint on its way from export to import. */
export interface TransformSpec {
  /** Keep only endpoints of these channel types. */
  keepChannelTypes?: string[];
  dropOptedOut?: boolean;
  dropInactive?: boolean;
  /** Attribute names (Attributes, Metrics, User.UserAttributes) to keep; others dropped. */
  includeAttributes?: string[];
  excludeAttributes?: string[];
  /** old name → new name, applied to Attributes, Metrics and User.UserAttributes. */
  renameAttributes?: Record<string, string>;
  /** Dot path (e.g. "Location.Country", "Attributes.source") → value to set. */
  set?: Record<string, string>;
}

export interface SyncInput {
  provider: ProviderName;
  sourceApplicationId: string;
  targetApplicationId: string;
  segmentId?: string;
  segmentVersion?: number;
  /** s3://bucket/prefix/ — work area; the run writes under `<prefix><workflowId>/<runId>/`. */
  s3Url: string;
  roleArn: string;
  transform?: TransformSpec;
  /** Report what would be imported and rejected, without creating an import job. */
  dryRun?: boolean;
  maxParallelTransfers?: number;
  /**
   * Pieces one workflow transfers itself; more pieces are transferred in child workflows of at
   * most this many pieces each, so no history grows with the size of the export. Default 500.
   */
  transferBatchSize?: number;
  maxJobBytes?: number;
  maxConcurrentJobs?: number;
  reportUrl?: string;
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

export interface SyncCounts {
  exported: number;
  transformed: number;
  filtered: number;
  rejected: number;
  processed: number;
  failed: number;
}

export interface SyncReport {
  workflowId: string;
  runId: string;
  status: PipelineStatus;
  dryRun: boolean;
  message?: string;
  exportJob?: JobSnapshot;
  importJobs: JobSnapshot[];
  counts: SyncCounts;
  /** After a cancel with a job still running: the follow-up workflow that waits for it and deletes its output. */
  cancelFollowUpId?: string;
  reportLocation?: string;
  durationsMs: Record<string, number>;
}

/** One exported piece for the transfer activity (S3 → transform → import-ready parts in S3). */
export interface TransferPieceInput {
  /** The exported object (gzipped NDJSON of EndpointResponse; plain NDJSON when the key does not end in .gz). */
  source: { bucket: string; key: string; size?: number };
  /** Position of the piece in the sorted listing; names the piece's output objects (idempotent retries). */
  pieceIndex: number;
  /** The sync run's prefix (ends with '/'): parts go to `parts/`, rejected rows to `rejected/`. */
  output: { bucket: string; prefix: string };
  transform?: TransformSpec;
  /** A part never exceeds this many bytes (the per-job import limit). */
  maxPartBytes: number;
  /** Count only: write no part (the rejected-rows object is still written). */
  dryRun?: boolean;
}

/** Counts, keys and sizes only — never endpoint data (this lands in workflow history). */
export interface TransferPieceResult {
  pieceIndex: number;
  /** Lines read from the exported piece (blank lines not counted). */
  read: number;
  /** Import-ready endpoints written (or, in a dry run, that would be written). */
  written: number;
  /** Dropped by the transform's filters (channel type, opted out, inactive). */
  filtered: number;
  /** Rejected by our validation (bad JSON, invalid endpoint): listed in `rejectedKey`. */
  rejected: number;
  parts: { key: string; size: number; records: number }[];
  rejectedKey?: string;
  bytesIn: number;
  bytesOut: number;
}
