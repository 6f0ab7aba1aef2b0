import type { ActivityDeps } from './deps';
import { createImportSourceActivities } from './import-source';
import { createInputActivities } from './inputs';
import { createJobActivities } from './jobs';
import { createReportActivities } from './reports';
import { createStorageActivities } from './storage';
import { createTransferActivities } from './transfer';
import { createAepActivities } from './aep';

export type { ActivityDeps } from './deps';
export type { CreatedJob, WaitForJobInput } from './jobs';
export type { StoppedJobs } from './support/stop-jobs';
export type { PlanS3ImportSourceInput, PlanS3ImportSourceResult } from './import-source';
export type {
  CleanupInput,
  CleanupResult,
  DownloadInput,
  DownloadResult,
  ListObjectsInput,
  ListObjectsResult,
  UploadInput,
} from './storage';
export type { UploadEndpointsResult, StagedPart, RejectedRow } from './support/upload-endpoints';
export type { FailureReportInput, FailureReportResult } from './reports';
export type { StageImportJobsInput, WriteSyncReportInput } from './transfer';

/**
 * Every activity of the worker, built from injected clients (no globals). Grouped by what they touch; a new group
 * (e.g. the sync pipeline's transfer activities) is one more spread here.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createInputActivities(),
    ...createJobActivities(deps),
    ...createStorageActivities(deps),
    ...createImportSourceActivities(deps),
    ...createReportActivities(deps),
    ...createTransferActivities(deps),
    ...createAepActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
