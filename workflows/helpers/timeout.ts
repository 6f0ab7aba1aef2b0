import { ActivityFailure, ApplicationFailure, CancellationScope } from '@temporalio/workflow';
import { FailureType, isTerminal } from '../../src/contracts';
import type { JobSnapshot, ProviderName } from '../../src/contracts';
import { cleanup } from './activity-proxies';
import { failedRun } from './outcome';

/** True when a wait activity gave up because the job outlived the poll policy's max wait. */
export function isWaitTimeout(err: unknown): err is ActivityFailure {
  return (
    err instanceof ActivityFailure &&
    err.cause instanceof ApplicationFailure &&
    err.cause.type === FailureType.WaitTimeout
  );
}

/**
 * `--max-wait` ran out: asks the provider to stop the jobs still running (where it can; Pinpoint cannot), and returns
 * the JobTimedOut failure the run ends with — the wait activity's words (the job, its status, the time waited) plus
 * what happened to the job. The caller has cleaned up (or does so before throwing).
 */
export async function jobTimedOut(
  err: ActivityFailure,
  provider: ProviderName,
  jobs: JobSnapshot[],
  report: (reason: string) => unknown,
): Promise<ApplicationFailure> {
  const running = jobs.filter((j) => !isTerminal(j.state));
  const stopped = await CancellationScope.nonCancellable(() =>
    running.length === 0
      ? Promise.resolve([])
      : cleanup.cancelJobs
          .executeWithOptions({ summary: 'stop the jobs that outlived the max wait, if the provider can' }, [
            { provider, jobs: running.map((j) => ({ kind: j.kind, applicationId: j.applicationId, jobId: j.jobId })) },
          ])
          .catch(() => [] as string[]),
  );
  const fate = stopped.length > 0 ? ` Stopped job(s) ${stopped.join(', ')}.` : '';
  const reason = `${err.cause?.message ?? 'a job did not end within the max wait'}.${fate}`;
  return failedRun(FailureType.JobTimedOut, reason, report(reason));
}
