import { formatS3Url } from '../../src/contracts';
import type { JobSnapshot, S3Location } from '../../src/contracts';
import type { PipelineRun } from './run-state';

/**
 * The folder an export job wrote its pieces to: the location it was created with (one attempt's folder below the run's
 * export root), or the root itself when the job does not say or names a place outside it (histories from before
 * per-attempt folders; a provider without S3 locations). Another job's folder under the same root is never listed.
 */
export function exportedFolder(job: JobSnapshot, root: S3Location): S3Location {
  const rootUrl = formatS3Url({ ...root, key: root.key.replace(/\/*$/, '/') });
  if (job.location === undefined || !job.location.startsWith(rootUrl)) return root;
  // Below the root: the same bucket, the key continued (taken as it is; nothing here can throw in the workflow).
  return { bucket: root.bucket, key: `${root.key.replace(/\/*$/, '/')}${job.location.slice(rootUrl.length)}` };
}

/** listPieces: the .gz pieces an export job wrote under `folder` (keys and sizes), in the listing phase. */
export function listPieces(run: PipelineRun, folder: S3Location) {
  run.tracker.phase('listing');
  return run.shortCalls.listObjects.executeWithOptions(
    { summary: `list exported pieces under ${formatS3Url(folder)}` },
    [{ bucket: folder.bucket, prefix: folder.key, suffix: '.gz' }],
  );
}
