import { CancellationScope } from '@temporalio/workflow';
import type { CancelFollowUpInput } from '../../src/contracts';
import { stopJobsAndFollowUp } from '../helpers/cancel-followup-start';
import type { AfterCancel } from '../helpers/cancel-followup-start';
import { runFailure } from '../helpers/failures';
import { isRunOutcome } from '../helpers/outcome';
import { isWaitTimeout, jobTimedOut } from '../helpers/timeout';
import type { PipelineRun } from './run-state';

/**
 * How a run that failed ends (a cancellation takes `cancelJobsAndCleanUp`): a run outcome (failedRun, its report
 * written) passes as it is; a wait past the max wait stops the jobs still running where the provider can and ends
 * JobTimedOut with `report(message)`; anything else ends FAILED with the failure's own message.
 */
export async function endFailed(err: unknown, run: PipelineRun, report: (message: string) => unknown): Promise<never> {
  if (isRunOutcome(err)) throw err;
  if (isWaitTimeout(err)) throw await jobTimedOut(err, run.provider, run.jobs.all, report);
  run.tracker.finish('FAILED');
  throw runFailure(err);
}

interface FollowUp {
  pipeline: CancelFollowUpInput['pipeline'];
  graceMs: number | undefined;
  /** What the jobs write under the run's prefix: the follow-up deletes it once they ended. */
  cleanup: CancelFollowUpInput['cleanup'];
}

/**
 * The cancel path (runs with the cancel follow-up), not cancellable itself: delete what the run wrote, then ask the
 * provider to stop the run's jobs where it can, read their last status into the ledger, and leave a follow-up
 * workflow for the jobs still running. Returns what was removed and what became of the jobs, for the report.
 */
export async function cancelJobsAndCleanUp<R>(
  run: PipelineRun,
  removeRunData: () => Promise<R>,
  followUp: FollowUp,
): Promise<{ removed: R; after: AfterCancel }> {
  const { removed, after } = await CancellationScope.nonCancellable(async () => ({
    removed: await removeRunData(),
    after: await stopJobsAndFollowUp({
      pipeline: followUp.pipeline,
      provider: run.provider,
      jobs: run.jobs.all,
      poll: run.poll,
      graceMs: followUp.graceMs,
      cleanup: followUp.cleanup,
    }),
  }));
  run.jobs.refresh(after.jobs);
  return { removed, after };
}
