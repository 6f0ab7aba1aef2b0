import type { PipelineStatus } from './export';

/** Phases a pipeline moves through; the `progress` query and the CLI progress bar show them. */
export type Phase =
  | 'starting'
  | 'validating'
  | 'uploading'
  | 'creating-job'
  | 'waiting'
  | 'listing'
  | 'downloading'
  | 'transferring'
  | 'reporting'
  | 'cleaning-up'
  | 'done';

/** Answer of the `progress` query. Counts and ids only: never endpoint data. */
export interface PipelineProgress {
  pipeline: 'export' | 'import' | 'sync' | 'activate';
  phase: Phase;
  /** Provider job currently in focus, its kind and its last known status (raw). */
  jobKind?: 'export' | 'import';
  jobId?: string;
  jobStatus?: string;
  pieces?: { completed: number; total: number };
  processed?: number;
  failed?: number;
  bytes?: { done: number; total: number };
  /** Free text for the operator, e.g. "job 2 of 3". Never record data. */
  note?: string;
  /** Once the run has ended: how (the report's status) — the note then holds the reason. */
  outcome?: PipelineStatus;
  /** Once the run has ended: its report (the same object the run returns, fails with, or keeps in its memo). */
  report?: unknown;
}

/** Heartbeat details of byte-moving activities (upload, download, transfer). */
export interface TransferHeartbeat {
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
  /** Records seen so far (transfer/validation activities). */
  records?: number;
}
