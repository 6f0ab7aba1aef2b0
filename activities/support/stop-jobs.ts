import type { JobSnapshot } from '../../src/contracts';
import type { JobRef, ProviderAdapter } from '../../src/providers';
import { maskAddresses } from './mask';

/** What stopJobsAndSnapshot found: each job's latest snapshot, the ones the provider stopped, the cancels it refused. */
export interface StoppedJobs {
  /** The latest snapshot of every job that could be read (a job that could not be read is left out). */
  jobs: JobSnapshot[];
  /** Jobs the provider accepted to cancel. */
  stopped: string[];
  /** Cancels the provider refused or that failed, with the reason (job ids, never endpoint data). */
  cancelFailures: { jobId: string; reason: string }[];
  /** Whether the provider can cancel a job at all (Pinpoint: no). */
  canCancel: boolean;
}

/**
 * Asks the provider to stop each job where it can, then reads each job's status. Never throws for one job: a refused
 * cancel is kept with its reason (addresses masked), an unreadable job is left out (the workflow keeps its snapshot).
 */
export async function stopAndSnapshot(p: ProviderAdapter, jobs: JobRef[]): Promise<StoppedJobs> {
  const canCancel = p.canCancel && p.cancelJob !== undefined;
  const out: StoppedJobs = { jobs: [], stopped: [], cancelFailures: [], canCancel };
  for (const job of jobs) {
    if (canCancel) {
      try {
        await p.cancelJob!(job);
        out.stopped.push(job.jobId);
      } catch (err) {
        out.cancelFailures.push({ jobId: job.jobId, reason: maskAddresses((err as Error).message) });
      }
    }
    try {
      out.jobs.push((await p.getJob(job)).snapshot);
    } catch {
      // The workflow keeps the snapshot it had.
    }
  }
  return out;
}
