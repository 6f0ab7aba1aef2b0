import { formatS3Url } from '../../src/contracts';
import type { S3Location } from '../../src/contracts';
import type { PipelineRun } from './run-state';

/** listPieces: the .gz pieces an export job wrote under `folder` (keys and sizes), in the listing phase. */
export function listPieces(run: PipelineRun, folder: S3Location) {
  run.tracker.phase('listing');
  return run.shortCalls.listObjects.executeWithOptions(
    { summary: `list exported pieces under ${formatS3Url(folder)}` },
    [{ bucket: folder.bucket, prefix: folder.key, suffix: '.gz' }],
  );
}
