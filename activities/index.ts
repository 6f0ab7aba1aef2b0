import type { ActivityDeps } from './deps';
import { createImportSourceActivities } from './import-source';
import { createInputActivities } from './inputs';
import { createJobActivities } from './jobs';
import { createReportActivities } from './reports';
import { createStorageActivities } from './storage';
import { createTransferActivities } from './transfer';
import { createAepActivities } from './aep';

export type { ActivityDeps } from './deps';
export type { StoppedJobs } from './support/stop-jobs';
export type { DownloadInput, DownloadResult, UploadInput } from './storage';
export type { UploadEndpointsResult } from './support/upload-endpoints';
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
