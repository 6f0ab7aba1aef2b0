/** In-memory state of the emulator: apps, their endpoints (as EndpointResponse JSON), segments and jobs. */
import type { ExportJobResource, ImportJobResource, JobStatus, SegmentResponse } from '@aws-sdk/client-pinpoint';

export interface AppRecord {
  Id: string;
  Arn: string;
  Name: string;
  CreationDate: string;
  tags?: Record<string, string>;
}

export interface SegmentState {
  response: SegmentResponse & { Id: string };
  /** IMPORT segments: endpoint id → segment version that added it. */
  members?: Map<string, number>;
  /** Endpoints of an import with RegisterEndpoints=false live only in their segment. */
  privateEndpoints?: Map<string, string>;
}

export type JobKind = 'IMPORT' | 'EXPORT';
/** The wire shape of ImportJobResponse / ExportJobResponse. */
interface JobResponse {
  ApplicationId: string;
  Id: string;
  CreationDate: string;
  CompletionDate?: string;
  Definition: ImportJobResource | ExportJobResource;
  JobStatus: JobStatus;
  Type: string;
  TotalPieces?: number;
  CompletedPieces?: number;
  FailedPieces?: number;
  TotalProcessed?: number;
  TotalFailures?: number;
  Failures?: string[];
}

export interface JobState {
  kind: JobKind;
  response: JobResponse;
  /** Creation order (lists are newest first). */
  seq: number;
  /** Fault injection: the job ends FAILED / waits in PROCESSING until released. */
  injectFailure?: boolean;
  stalled?: boolean;
  /** Import into a segment: the segment version this job's endpoints belong to. */
  segmentVersion?: number;
}

export interface AppState {
  app: AppRecord;
  /** endpoint id → EndpointResponse JSON (kept serialized: compact, and exports write it as is). */
  endpoints: Map<string, string>;
  /** User.UserId → endpoint id (one) or ids (several); read it with userEndpointIds(). */
  users: Map<string, string | string[]>;
  /** Custom attribute names in use, for the 250-per-app quota. */
  attributeNames: { attributes: Set<string>; metrics: Set<string>; userAttributes: Set<string> };
  segments: Map<string, SegmentState>;
  jobs: Map<string, JobState>;
}

export function newAppState(app: AppRecord): AppState {
  return {
    app,
    endpoints: new Map(),
    users: new Map(),
    attributeNames: { attributes: new Set(), metrics: new Set(), userAttributes: new Set() },
    segments: new Map(),
    jobs: new Map(),
  };
}

export interface EmulatorState {
  apps: Map<string, AppState>;
  /** Monotonic counter for creation order of apps, segments and jobs. */
  seq: number;
}
