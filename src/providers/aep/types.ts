/** The AEP adapter's view of export jobs, datasets and output files (normalized from the wire shapes). */

export type AepJobStatus = 'NEW' | 'PROCESSING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

interface AepSegmentFilter {
  segmentId: string;
  segmentNs?: string;
  /** Default (platform side) ["realized", "existing"]. */
  status?: ('realized' | 'existing' | 'exited')[];
}

/** What an export job is asked to do (the body of POST /export/jobs). */
export interface AepExportJobSpec {
  datasetId: string;
  segments?: AepSegmentFilter[];
  /** Dot paths; all fields when absent. */
  fields?: string[];
  mergePolicy?: { id: string; version?: number };
  segmentQualificationTime?: { startTime?: string; endTime?: string };
  fromIngestTimestamp?: string;
  emptyProfiles?: boolean;
  segmentPerBatch?: boolean;
  /** Default "_xdm.context.profile". */
  schemaName?: string;
}

export interface AepBatchRef {
  batchId: string;
  segmentId?: string;
  segmentNs?: string;
}

interface AepFeedbackMetrics {
  startTimeInMs?: number;
  endTimeInMs?: number;
  totalTimeInMs?: number;
}

export interface AepExportJob {
  /** The numeric job id, as a string. */
  id: string;
  status: AepJobStatus;
  /** destination.datasetId or destination.dataSetId (Adobe spells it both ways). */
  datasetId: string;
  segmentPerBatch: boolean;
  /** One batch, or one per segment with segmentPerBatch; empty when the job FAILED. */
  batches: AepBatchRef[];
  errors: { code: string; msg: string }[];
  metrics: {
    totalTime?: AepFeedbackMetrics;
    profileExportTime?: AepFeedbackMetrics;
    aCPDatasetWriteTime?: AepFeedbackMetrics;
  };
  creationTime?: number;
  updateTime?: number;
  /** The filter the platform echoed (segments with their defaults applied). */
  filter?: unknown;
  fields?: string;
}

/** How DELETE answered: 204 No Content or 200 {status, message}; 'gone' when the job was already deleted (404). */
export type AepDeleteOutcome = { answer: 204 } | { answer: 200; message?: string } | { answer: 'gone' };

export interface AepDataSetFile {
  dataSetFileId: string;
  records?: number;
  size?: number;
}

export interface AepFileEntry {
  name: string;
  length: number;
  /** The href of the bytes (`…/files/{id}?path=<name>`). */
  href: string;
}
