/**
 * Pure helpers of importEndpoints for an S3 source over the per-job limit: its files are grouped, in listing order,
 * into jobs of at most maxJobBytes (next-fit, `groupParts` of the sync), and each group is copied under the run's
 * staging prefix (`jobs/job-NNNN/`) for one import job to read. The user's objects are only ever read.
 */
import { formatS3Url } from '../src/contracts';
import type { EndpointFileFormat, S3Location } from '../src/contracts';

export interface SplitSource {
  /** The folder that was listed (key '' or ending with '/'). */
  folder: S3Location;
  format: EndpointFileFormat;
  files: number;
  totalBytes: number;
  maxJobBytes: number;
  jobs: number;
}

/** Why a source that must be split cannot be staged at `stagingBase` (the user's staging location), or undefined. */
export function splitStagingProblem(s: SplitSource, stagingBase: S3Location | undefined): string | undefined {
  const source = formatS3Url(s.folder);
  const what = `${source} holds ${s.files} ${s.format} file(s), ${s.totalBytes} bytes in all, over the per-job limit of ${s.maxJobBytes} bytes`;
  if (!stagingBase) {
    return (
      `${what}: it is imported as ${s.jobs} jobs, each reading copies of its share of the files under a staging location ` +
      '(your objects are left as they are). Give one: --staging s3://bucket/prefix/ (input field stagingUrl)'
    );
  }
  if (stagingBase.bucket === s.folder.bucket && stagingBase.key.startsWith(s.folder.key)) {
    return (
      `${what}, so its files are copied into job folders under the staging location ${formatS3Url(stagingBase)}, ` +
      `which lies inside the source: later imports of ${source} would read those copies too. Choose a staging location outside it`
    );
  }
  return undefined;
}

/** The line the report and the progress note give for a split source. */
export function splitNote(s: SplitSource, stagingRun: S3Location): string {
  return (
    `${formatS3Url(s.folder)}: ${s.files} file(s), ${s.totalBytes} bytes, over the per-job limit of ${s.maxJobBytes} bytes, ` +
    `split into ${s.jobs} import jobs (copies under ${formatS3Url(stagingRun)}jobs/)`
  );
}
