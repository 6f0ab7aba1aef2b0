/**
 * The one job lifecycle every provider maps onto.
 * The provider's own status string is always kept beside it as `rawStatus`. NEW: accepted, not yet
 * started (AEP's NEW); CREATED: Pinpoint's first status; CANCELLED: stopped (AEP DELETE, Pinpoint's own).
 */
export type JobState = 'NEW' | 'CREATED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

const TERMINAL_STATES: readonly JobState[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export function isTerminal(state: JobState): boolean {
  return TERMINAL_STATES.includes(state);
}

export type ProviderName = 'pinpoint' | 'aep';
export type JobKind = 'IMPORT' | 'EXPORT';

/**
 * Where a finished job's output is: objects under an S3 location (Pinpoint export), or batches of
 * files behind the provider's own API (AEP: Data Access batches, one per segment with segmentPerBatch).
 */
export type JobOutput =
  { kind: 's3'; location: string } | { kind: 'batches'; batches: { batchId: string; segmentId?: string }[] };

/** Counters a provider reports for a job; every field optional because providers differ. */
export interface JobCounters {
  totalPieces?: number;
  completedPieces?: number;
  failedPieces?: number;
  totalProcessed?: number;
  totalFailures?: number;
}

/**
 * What the workflow (and its history) knows about a remote job. Never carries endpoint
 * data: the provider's `Failures` strings are PII and stay in reports written to S3 or disk.
 */
export interface JobSnapshot {
  provider: ProviderName;
  kind: JobKind;
  applicationId: string;
  jobId: string;
  state: JobState;
  rawStatus: string;
  counters: JobCounters;
  /** How many failure strings the provider returned (Pinpoint keeps at most 100). */
  failureSampleCount?: number;
  createdAt?: string;
  completedAt?: string;
  /** The segment an import job defines or updates (Pinpoint: Definition.SegmentId). */
  segmentId?: string;
  /**
   * The S3 location the job reads (import: Definition.S3Url) or writes (export: Definition.S3UrlPrefix), when the
   * provider has one. An export run lists its pieces under this location only.
   */
  location?: string;
}
