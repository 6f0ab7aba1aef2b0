import { ApplicationFailure } from '@temporalio/workflow';
import { FailureType, formatS3Url, parseS3Url, PINPOINT_MAX_IMPORT_JOB_BYTES } from '../src/contracts';
import type { ImportInput, S3Location } from '../src/contracts';
import type { UploadEndpointsResult } from '../activities';
import { longRunning } from './helpers/activity-proxies';
import { splitNote, splitStagingProblem } from './import-split';
import type { SplitSource } from './import-split';
import type { ImportPart } from './steps/import-parts';
import type { PipelineRun } from './steps/run-state';
import { groupParts } from './sync-plan';

/** An import run's state, from step to step. */
export interface ImportRun extends PipelineRun {
  input: ImportInput;
  /** The run's staging prefix (uploaded parts, job copies, failure report), when a staging location was given. */
  staging?: S3Location;
  /** What the upload of local files staged: counts, parts, rejected rows. */
  staged?: UploadEndpointsResult;
  /** How an S3 source over the per-job limit was split, for the report. */
  split?: string;
}

/** partsToImport: what the import jobs read, one part per job — staged from local files or found in S3. */
export function partsToImport(run: ImportRun): Promise<ImportPart[]> {
  const { source } = run.input;
  return source.kind === 'local' ? stageLocalFiles(run, source.paths) : s3SourceParts(run, source.s3Url);
}

function maxJobBytes(input: ImportInput): number {
  return input.maxJobBytes ?? PINPOINT_MAX_IMPORT_JOB_BYTES;
}

/** Local files: validated and uploaded (the valid rows) under the run's prefix, in parts within the per-job limit. */
async function stageLocalFiles(run: ImportRun, paths: string[]): Promise<ImportPart[]> {
  const { input, staging, tracker } = run;
  if (!staging) throw new Error('unreachable: checkImportInput requires stagingUrl for local files');
  tracker.phase('uploading', `${paths.length} file(s)`);
  const staged = await longRunning.uploadLocalFiles.executeWithOptions(
    { summary: `validate and upload ${paths.length} file(s) to ${formatS3Url(staging)}` },
    [{ paths, format: input.format, bucket: staging.bucket, prefix: staging.key, maxJobBytes: maxJobBytes(input) }],
  );
  run.staged = staged;
  const parts = staged.parts.map((p) => ({ s3Url: p.s3Url, format: staged.format }));
  const repeated = staged.duplicateIds ? `; ${staged.duplicateIds} id(s) appear more than once` : '';
  tracker.update({
    note: `${staged.uploaded} row(s) staged in ${parts.length} part(s); ${staged.rejected} rejected${repeated}`,
  });
  return parts;
}

/**
 * The import jobs of an S3 source. Within the per-job limit: one job on the URL as given (nothing copied). Over it:
 * the listed files, in listing order, are grouped into jobs of at most maxJobBytes and each group is copied (server
 * side) under `<staging run prefix>jobs/job-NNNN/`, one job per folder; the source is never written or deleted. A
 * split needs a staging location outside the source; without one the run fails here, before any job.
 */
async function s3SourceParts(run: ImportRun, s3Url: string): Promise<ImportPart[]> {
  const { input, staging, tracker } = run;
  tracker.phase('listing', s3Url);
  const plan = await longRunning.planS3ImportSource.executeWithOptions(
    { summary: `list the ${input.format} files of ${s3Url}` },
    [{ s3Url, format: input.format, maxJobBytes: maxJobBytes(input) }],
  );
  if (!plan.objects) {
    tracker.update({ note: `${plan.files} ${input.format} file(s), ${plan.totalBytes} bytes: one import job` });
    return [{ s3Url, format: input.format }];
  }
  const groups = groupParts(plan.objects, maxJobBytes(input));
  const source: SplitSource = {
    folder: { bucket: plan.bucket, key: plan.key },
    format: input.format,
    files: plan.files,
    totalBytes: plan.totalBytes,
    maxJobBytes: maxJobBytes(input),
    jobs: groups.length,
  };
  const problem = splitStagingProblem(source, input.stagingUrl ? parseS3Url(input.stagingUrl) : undefined);
  if (problem || !staging) {
    throw ApplicationFailure.create({
      message: problem ?? 'no staging location',
      type: FailureType.BadInput,
      nonRetryable: true,
    });
  }
  tracker.phase('uploading', `copy ${plan.files} file(s) into ${groups.length} job folders`);
  const folders = await longRunning.stageImportJobs.executeWithOptions(
    {
      summary: `copy ${plan.files} file(s) of ${s3Url} into ${groups.length} job folders under ${formatS3Url(staging)}jobs/`,
    },
    [
      {
        bucket: staging.bucket,
        prefix: staging.key,
        groups: groups.map((g) => g.map((o) => o.key)),
        copyFrom: { bucket: plan.bucket, prefix: plan.key },
      },
    ],
  );
  run.split = splitNote(source, staging);
  tracker.update({ note: run.split });
  return folders.map((key) => ({ s3Url: formatS3Url({ bucket: staging.bucket, key }), format: input.format }));
}
