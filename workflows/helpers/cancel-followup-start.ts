import { ParentClosePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import {
  cancelFollowUpWorkflowId,
  DEFAULT_CANCEL_GRACE_MS,
  formatS3Url,
  graceText,
  isTerminal,
  jobLabel,
} from '../../src/contracts';
import type { CancelFollowUpInput, JobSnapshot, PollPolicy, ProviderName } from '../../src/contracts';
import type { StoppedJobs } from '../../activities';
import { cancelFollowUp } from '../cancel-followup';
import { cleanup } from './activity-proxies';

/** Patch id guarding the cancel path's new commands (stop + snapshot, the follow-up child) for runs already in flight. */
export const CANCEL_FOLLOWUP_PATCH = 'cancel-followup';

export interface AfterCancelInput {
  pipeline: CancelFollowUpInput['pipeline'];
  provider: ProviderName;
  /** The last snapshot the run has of each job it started. */
  jobs: JobSnapshot[];
  poll: PollPolicy;
  graceMs: number | undefined;
  /** What the jobs write under the run's prefix (the follow-up deletes it once they ended). */
  cleanup: CancelFollowUpInput['cleanup'];
}

export interface AfterCancel {
  /** Each job's latest snapshot (read after the cancel), for the report. */
  jobs: JobSnapshot[];
  /** What happened to the jobs, for the report's message. */
  note: string;
  followUpWorkflowId?: string;
}

const PROVIDER_NAMES: Record<ProviderName, string> = { pinpoint: 'Pinpoint', aep: 'Adobe Experience Platform' };

function jobFate(job: JobSnapshot, r: StoppedJobs, provider: ProviderName): string {
  const status = `${jobLabel(job)} ${job.rawStatus}`;
  if (r.stopped.includes(job.jobId)) return `${status} (the provider accepted the cancel)`;
  const refused = r.cancelFailures.find((f) => f.jobId === job.jobId);
  if (refused) return `${status} (the cancel failed: ${refused.reason})`;
  if (!r.canCancel && !isTerminal(job.state))
    return `${status} (cannot be stopped: ${PROVIDER_NAMES[provider]} has no cancel operation)`;
  return status;
}

/**
 * The cancel path's dealings with the remote jobs; call inside CancellationScope.nonCancellable, before the run ends.
 * Asks the provider to stop each job where it can, reads each job's latest status (the report's), and when a job is
 * still running starts the follow-up child — parent close policy ABANDON, so it outlives this run — which waits for
 * the jobs to end (at most the cancel grace) and deletes what they wrote. A refused cancel is reported, never fatal.
 */
export async function stopJobsAndFollowUp(input: AfterCancelInput): Promise<AfterCancel> {
  if (input.jobs.length === 0) return { jobs: [], note: '' };
  const refs = input.jobs.map((j) => ({ kind: j.kind, applicationId: j.applicationId, jobId: j.jobId }));
  // Never fatal: the cleanup and the follow-up go on with the snapshots the run has.
  const r = await cleanup.stopJobsAndSnapshot
    .executeWithOptions(
      { summary: `stop ${input.jobs.map(jobLabel).join(', ')} if the provider can, and read the last status` },
      [{ provider: input.provider, jobs: refs }],
    )
    .catch((err: unknown): StoppedJobs => ({
      jobs: [],
      stopped: [],
      canCancel: true,
      cancelFailures: refs.map((j) => ({
        jobId: j.jobId,
        reason: `the provider was not reached: ${(err as Error).message}`,
      })),
    }));
  const jobs = input.jobs.map((j) => r.jobs.find((s) => s.jobId === j.jobId) ?? j);
  const fates = `Last known: ${jobs.map((j) => jobFate(j, r, input.provider)).join('; ')}.`;
  const running = jobs.filter((j) => !isTerminal(j.state));
  if (running.length === 0) return { jobs, note: fates };

  const { workflowId, runId } = workflowInfo();
  const id = cancelFollowUpWorkflowId(workflowId);
  const graceMs = input.graceMs ?? DEFAULT_CANCEL_GRACE_MS;
  const grace = graceText(graceMs);
  const where = input.cleanup.map((c) => formatS3Url({ bucket: c.bucket, key: c.prefix })).join(', ');
  const what = where ? `, then deletes what they wrote under ${where}` : '';
  try {
    await startChild(cancelFollowUp, {
      workflowId: id,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      staticSummary: `cancel follow-up of ${input.pipeline} ${workflowId}: wait up to ${grace} for ${running.map(jobLabel).join(', ')}${what}`,
      args: [
        {
          parentWorkflowId: workflowId,
          parentRunId: runId,
          pipeline: input.pipeline,
          provider: input.provider,
          jobs,
          graceMs,
          poll: input.poll,
          cleanup: input.cleanup,
        },
      ],
    });
  } catch (err) {
    return {
      jobs,
      note: `${fates} The follow-up workflow ${id} could not be started (${(err as Error).message}); what the job(s) write after the cancel stays${where ? ` under ${where}` : ''}.`,
    };
  }
  return {
    jobs,
    followUpWorkflowId: id,
    note: `${fates} Follow-up workflow ${id} waits up to ${grace} for ${running.map(jobLabel).join(', ')} to end${what}.`,
  };
}
