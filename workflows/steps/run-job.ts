import type { JobSnapshot } from '../../src/contracts';
import type { Activities } from '../../activities';
import { creates, longRunning } from '../helpers/activity-proxies';
import { waitTimeoutMs } from '../helpers/poll-policy';
import type { PipelineRun } from './run-state';

/** The job to create, or to adopt when a retried attempt already created it: its kind and its create request. */
type JobOrder =
  | { kind: 'EXPORT'; request: Parameters<Activities['createOrAdoptExportJob']>[0] }
  | { kind: 'IMPORT'; request: Parameters<Activities['createOrAdoptImportJob']>[0] };

/** How a job shows while it runs: the activities' summaries and its place in the progress. */
export interface JobLabels {
  /** The create call's summary. */
  create: string;
  /** What the wait's summary adds after the job id (e.g. " (part 2 of 3)"). */
  waitSuffix?: string;
  /**
   * The job as the run's phase — creating-job, then waiting, with this note — or as a note under the phase the
   * caller entered (one of the jobs a window runs).
   */
  progress: { phases: true; note?: string } | { phases: false; note: string };
  /** Checks the create answer before the job counts as started (the import's shared segment); throws to refuse it. */
  accept?: (job: JobSnapshot) => void;
}

/**
 * runJob: create the job or adopt the one a retried attempt created → record it in the run's ledger (and the job-id
 * search attribute) → wait for it in one heartbeating activity that polls with the run's poll policy → its final
 * snapshot, which replaces the first one in the ledger. A job that ends FAILED is a snapshot, not an error: the
 * caller decides; a wait past the max wait throws (WaitTimeout).
 */
export async function runJob(run: PipelineRun, order: JobOrder, labels: JobLabels): Promise<JobSnapshot> {
  const { tracker, jobs, provider, poll } = run;
  const { progress } = labels;
  if (progress.phases) tracker.phase('creating-job', progress.note);
  const { job } = await createOrAdopt(order, labels.create);
  labels.accept?.(job);
  jobs.started(job);
  if (progress.phases) tracker.phase('waiting', progress.note);
  const jobKind = order.kind === 'EXPORT' ? 'export' : 'import';
  tracker.update({
    jobKind,
    jobId: job.jobId,
    jobStatus: job.rawStatus,
    ...(!progress.phases && { note: progress.note }),
  });
  const done = await longRunning.waitForJob.executeWithOptions(
    {
      summary: `wait for ${jobKind} job ${job.jobId}${labels.waitSuffix ?? ''}`,
      startToCloseTimeout: waitTimeoutMs(poll),
    },
    [{ provider, job: { kind: order.kind, applicationId: order.request.applicationId, jobId: job.jobId }, poll }],
  );
  jobs.ended(job, done);
  return done;
}

function createOrAdopt(order: JobOrder, summary: string) {
  return order.kind === 'EXPORT'
    ? creates.createOrAdoptExportJob.executeWithOptions({ summary }, [order.request])
    : creates.createOrAdoptImportJob.executeWithOptions({ summary }, [order.request]);
}
