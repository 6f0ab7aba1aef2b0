import { CancellationScope, log } from '@temporalio/workflow';
import { cleanup } from './activity-proxies';

/** Folders of an import's staging prefix that only the import jobs needed: the uploaded parts and the job copies. */
export const IMPORT_STAGED_FOLDERS = ['parts/', 'jobs/'];
/** Folders of a sync's run prefix that only the run needed: the exported pieces, transformed parts and job copies. */
export const SYNC_STAGED_FOLDERS = ['export/', 'parts/', 'jobs/'];

/**
 * Retention: when a run ends (completed or failed), what it staged for its jobs is deleted — unless keepStaging —
 * while the report, the failure report and the rejected rows stay. Runs even when the run is failing, and never
 * masks that failure: a cleanup that fails is logged (no data). Returns a note for the report when files were kept.
 */
export async function releaseStaging(
  where: { bucket: string; key: string } | undefined,
  folders: string[],
  keepStaging: boolean | undefined,
): Promise<string> {
  if (!where) return '';
  if (keepStaging) return ` Staged files kept under s3://${where.bucket}/${where.key} (--keep-staging).`;
  try {
    const removed = await CancellationScope.nonCancellable(() =>
      cleanup.deleteRunData.executeWithOptions({ summary: `delete the staged ${folders.join(', ')} of this run` }, [
        { bucket: where.bucket, prefix: where.key, only: folders },
      ]),
    );
    log.info('deleted the staged files of this run', { deletedObjects: removed.deletedObjects });
    return '';
  } catch (err) {
    log.warn('could not delete the staged files of this run', { error: (err as Error).message });
    return ` The staged files under s3://${where.bucket}/${where.key} could not be deleted; delete them by hand.`;
  }
}
