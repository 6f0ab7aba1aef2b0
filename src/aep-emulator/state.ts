/** What the emulator holds: seeded profiles, segments, merge policies, datasets; jobs, batches and their files. */
import type { SeedDataset, SeedMergePolicy, SeedProfile, SeedSegment, Seed } from './seed';

export type JobStatus = 'NEW' | 'PROCESSING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

export interface SegmentFilter {
  segmentId: string;
  segmentNs: string;
  status: string[];
}

/** A create request after validation (the emulator echoes it back in the job). */
export interface ExportJobRequest {
  fields?: string;
  mergePolicy?: { id: string; version?: number };
  filter?: {
    segments?: SegmentFilter[];
    segmentQualificationTime?: { startTime?: string; endTime?: string };
    fromIngestTimestamp?: string;
    emptyProfiles?: boolean;
  };
  additionalFields?: unknown;
  datasetId: string;
  segmentPerBatch: boolean;
  schemaName: string;
}

export interface JobBatch {
  batchId: string;
  /** Set with segmentPerBatch: the batch holds this segment's members. */
  segment?: SegmentFilter;
}

interface FeedbackMetrics {
  startTimeInMs?: number;
  endTimeInMs?: number;
  totalTimeInMs?: number;
}

export interface ExportJob {
  id: number;
  status: JobStatus;
  request: ExportJobRequest;
  requestId: string;
  creationTime: number;
  updateTime: number;
  batches: JobBatch[];
  errors?: { code: string; msg: string; callStack: string }[];
  metrics: { totalTime: FeedbackMetrics; profileExportTime: FeedbackMetrics; aCPDatasetWriteTime: FeedbackMetrics };
  computeGatewayJobId: { exportJob?: string; pushJob?: string };
  imsOrgId: string;
}

interface DataSetFileEntry {
  name: string;
  length: number;
  records: number;
}

export interface DataSetFile {
  dataSetFileId: string;
  batchId: string;
  datasetId: string;
  created: number;
  files: DataSetFileEntry[];
}

export interface Batch {
  batchId: string;
  jobId: number;
  /** dataSetFileIds, in order; filled when the job has written its files. */
  dataSetFileIds: string[];
}

export interface Dataset extends SeedDataset {
  created: number;
}

export class AepState {
  profiles = new Map<string, SeedProfile>();
  segments = new Map<string, SeedSegment>();
  mergePolicies = new Map<string, SeedMergePolicy>();
  datasets = new Map<string, Dataset>();
  jobs = new Map<number, ExportJob>();
  batches = new Map<string, Batch>();
  dataSetFiles = new Map<string, DataSetFile>();
  /** Time a profile was seeded: its ingest time when it has no _repo.modifyDate. */
  seededAt = new Map<string, number>();
  nextJobId = 1000;

  addSeed(seed: Seed, now = Date.now()): void {
    for (const p of seed.profiles) {
      this.profiles.set(p._id, p);
      this.seededAt.set(p._id, now);
    }
    for (const s of seed.segments) this.segments.set(s.id, s);
    for (const m of seed.mergePolicies) this.mergePolicies.set(m.id, m);
    for (const d of seed.datasets) this.datasets.set(d.id, { ...d, created: now });
  }

  counts(): Record<string, number> {
    return {
      profiles: this.profiles.size,
      segments: this.segments.size,
      mergePolicies: this.mergePolicies.size,
      datasets: this.datasets.size,
      jobs: this.jobs.size,
      batches: this.batches.size,
      dataSetFiles: this.dataSetFiles.size,
    };
  }
}
