/** Input and report of the exportProfiles workflow (Adobe Experience Platform profile export). */

export type AepMembershipStatus = 'realized' | 'existing' | 'exited';

export interface ExportProfilesInput {
  /** Segment definitions to export (their members with the given statuses; default realized + existing). */
  segments: { segmentId: string; segmentNs?: string; status?: AepMembershipStatus[] }[];
  /** Target dataset (on the profile union schema); or createDataset. */
  datasetId?: string;
  /** Create the target dataset with this name first. */
  createDataset?: { name: string };
  /** XDM dot paths to export; all fields when absent. */
  fields?: string[];
  mergePolicy?: { id: string; version?: number };
  /** Only profiles updated after this RFC 3339 time (filter.fromIngestTimestamp). */
  since?: string;
  /** Only members that qualified in this window (RFC 3339). */
  qualifiedBetween?: { startTime?: string; endTime?: string };
  segmentPerBatch?: boolean;
  /**
   * Local folder on the worker's host; files go under <downloadDir>/<workflowId>/<runId>/<batchId>/. Without it
   * (copyTo only) they are staged in the worker's temporary folder and removed once copied.
   */
  downloadDir?: string;
  /** s3://bucket/prefix/: the files are also copied to <copyTo><workflowId>/<runId>/<batchId>/… */
  copyTo?: string;
  poll?: { initialIntervalMs?: number; maxIntervalMs?: number; maxWaitMs?: number };
}

export interface ExportProfilesBatch {
  batchId: string;
  segmentId?: string;
  files: number;
  bytes: number;
  records: number;
}

export interface ExportProfilesReport {
  workflowId: string;
  runId: string;
  /** SUCCEEDED (returned), or CANCELLED (kept in the memo of a run that ended Canceled). */
  status: 'SUCCEEDED' | 'CANCELLED';
  /** Why the run ended so, when it did not succeed. */
  message?: string;
  /** '' when the run was cancelled before its job was created. */
  jobId: string;
  datasetId: string;
  /** The folder holding this run's files (removed after the copy when no downloadDir was given). */
  outputDir: string;
  /** Where the files were copied (copyTo): the run's own prefix. */
  outputUrl?: string;
  /** Objects written under outputUrl. */
  objects?: number;
  batches: ExportProfilesBatch[];
  durationsMs: { dataset: number; createJob: number; wait: number; download: number; total: number };
}

/** Defaults of the poll loop. */
export const AEP_POLL_DEFAULTS = { initialIntervalMs: 2_000, maxIntervalMs: 60_000, maxWaitMs: 6 * 3_600_000 };
