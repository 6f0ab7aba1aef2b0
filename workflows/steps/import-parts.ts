import type { EndpointFileFormat, JobSnapshot } from '../../src/contracts';
import { ImportSegment } from '../helpers/import-segment';
import type { JobLabels } from './run-job';
import { runJob } from './run-job';
import type { PipelineRun } from './run-state';
import { slidingWindow } from './window';
import type { FailureStop } from './window';

/** One import job's input: an object or folder of import-ready files. */
export interface ImportPart {
  s3Url: string;
  format: EndpointFileFormat;
}

export interface ImportJobsSpec {
  applicationId: string;
  roleArn: string;
  registerEndpoints?: boolean;
  /** Jobs at once (Pinpoint queues or refuses more). */
  maxConcurrentJobs: number;
  /** The segment the jobs import into (the import's --segment-name): one segment however many jobs. */
  segmentName?: string;
  /** What a failure does to the window (see slidingWindow). */
  failureStop: FailureStop;
  /** The create summary, wait suffix and progress of job `i` (0-based) of `n`. */
  labels: (i: number, n: number) => Omit<JobLabels, 'accept'>;
  /** The import's progress names each finished job and counts them as pieces; the sync's pieces are its transfers. */
  countJobsAsPieces: boolean;
}

/**
 * importParts: one import job per part (runJob), at most maxConcurrentJobs at a time; after a failure or a
 * cancellation no new job starts. Every job's latest snapshot is in the run's ledger (in the order the jobs were
 * created); the final snapshots are returned in part order.
 */
export async function importParts(run: PipelineRun, parts: ImportPart[], spec: ImportJobsSpec): Promise<JobSnapshot[]> {
  const { tracker, jobs, provider } = run;
  const segment = new ImportSegment(spec.segmentName, parts.length);
  let finished = 0;
  const done = await slidingWindow(
    parts,
    spec.maxConcurrentJobs,
    async (part, i, stopped) => {
      const segmentFields = await segment.fieldsFor(i, stopped);
      if (!segmentFields) return;
      const request = {
        provider,
        applicationId: spec.applicationId,
        s3Url: part.s3Url,
        roleArn: spec.roleArn,
        format: part.format,
        registerEndpoints: spec.registerEndpoints,
        ...segmentFields,
      };
      const labels = { ...spec.labels(i, parts.length), accept: (job: JobSnapshot) => segment.created(i, job) };
      const job = await runJob(run, { kind: 'IMPORT', request }, labels);
      finished++;
      tracker.update({
        ...(spec.countJobsAsPieces && { jobId: job.jobId }),
        jobStatus: job.rawStatus,
        ...(spec.countJobsAsPieces && { pieces: { completed: finished, total: parts.length } }),
        ...jobs.counters('IMPORT'),
      });
      return job;
    },
    spec.failureStop,
  );
  return done.filter((j) => j !== undefined);
}
