import type { JobSnapshot, ProviderName } from './lifecycle';
import type { PipelineStatus } from './export';
import type { PollPolicy } from './poll';

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
  maxJobBytes?: number;
  maxConcurrentJobs?: number;
  reportUrl?: string;
  poll?: Partial<PollPolicy>;
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
  reportLocation?: string;
  durationsMs: Record<string, number>;
}
