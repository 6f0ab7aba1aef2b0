import { ApplicationFailure, isCancellation, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import { FailureType, formatS3Url, graceText, isTerminal, jobLabel, jobStatusSignal } from '../src/contracts';
import type { CancelFollowUpInput, CancelFollowUpReport, FollowUpCleanup } from '../src/contracts';
import { cleanup, longRunning } from './helpers/activity-proxies';
import { waitTimeoutMs } from './helpers/poll-policy';
import { isWaitTimeout } from './helpers/timeout';

/** `s3://bucket/prefix/` or `s3://bucket/prefix/{export/}`: what a cleanup deletes. */
function cleanupText(c: FollowUpCleanup): string {
  const base = formatS3Url({ bucket: c.bucket, key: c.prefix });
  return c.only?.length ? `${base}{${c.only.join(',')}}` : base;
}

/**
 * cancelFollowUp: what a cancelled run leaves behind when its remote jobs were still running (started by the run with
 * parent close policy ABANDON, id `<run's workflow id>-cancel-followup`). Waits for each job to end, at most the
 * cancel grace, then deletes what the jobs wrote under the run's prefix — and nothing else. Completes when the jobs
 * ended and their output is gone; fails (CancelGraceExpired) naming the jobs still running when the grace ran out,
 * after deleting what they had written so far.
 */
export async function cancelFollowUp(input: CancelFollowUpInput): Promise<CancelFollowUpReport> {
  const grace = graceText(input.graceMs);
  const where = input.cleanup.map(cleanupText).join(', ');
  const jobs = new Map(input.jobs.map((j) => [j.jobId, j]));
  const running = input.jobs.filter((j) => !isTerminal(j.state));
  let outcome: string | undefined;
  const show = () =>
    setCurrentDetails(
      [
        `**cancel follow-up** of ${input.pipeline} \`${input.parentWorkflowId}\``,
        ...[...jobs.values()].map((j) => `${j.kind.toLowerCase()} job \`${j.jobId}\` ${j.rawStatus}`),
        where
          ? `waits up to ${grace} for the job(s) to end, then deletes what they wrote under ${where}`
          : `waits up to ${grace} for the job(s) to end (they write nothing under the run's prefix)`,
        ...(outcome ? [outcome] : []),
      ].join('  \n'),
    );
  show();
  // The wait activities signal each new status of their job: the details show it live.
  setHandler(jobStatusSignal, (u) => {
    const j = jobs.get(u.jobId);
    if (!j || outcome) return;
    jobs.set(u.jobId, { ...j, rawStatus: u.rawStatus, counters: u.counters });
    show();
  });

  const poll = { ...input.poll, maxWaitMs: input.graceMs };
  const waits = await Promise.allSettled(
    running.map(async (j) => {
      const done = await longRunning.waitForJob.executeWithOptions(
        { summary: `wait up to ${grace} for ${jobLabel(j)} to end`, startToCloseTimeout: waitTimeoutMs(poll) },
        [{ provider: input.provider, job: { kind: j.kind, applicationId: j.applicationId, jobId: j.jobId }, poll }],
      );
      jobs.set(done.jobId, done);
      show();
    }),
  );
  const cancelled = waits.find((w) => w.status === 'rejected' && isCancellation(w.reason));
  if (cancelled) throw (cancelled as PromiseRejectedResult).reason;
  const unfinished = running.filter((_, i) => waits[i]!.status === 'rejected');
  if (unfinished.length > 0) {
    const latest = await cleanup.stopJobsAndSnapshot
      .executeWithOptions(
        { summary: 'read the status of the jobs still running (and stop them if the provider can)' },
        [
          {
            provider: input.provider,
            jobs: unfinished.map((j) => ({ kind: j.kind, applicationId: j.applicationId, jobId: j.jobId })),
          },
        ],
      )
      .catch(() => ({ jobs: [] }));
    for (const j of latest.jobs) jobs.set(j.jobId, j);
  }

  let deletedObjects = 0;
  for (const c of input.cleanup) {
    const removed = await cleanup.deleteRunData.executeWithOptions(
      { summary: `delete what the job(s) wrote under ${cleanupText(c)}` },
      [c],
    );
    deletedObjects += removed.deletedObjects;
  }
  const deleted = where ? ` Deleted ${deletedObjects} object(s) under ${where}.` : '';
  const report = (status: CancelFollowUpReport['status'], message: string): CancelFollowUpReport => {
    outcome = `**${status}** — ${message}`;
    show();
    const { workflowId } = workflowInfo();
    return {
      parentWorkflowId: input.parentWorkflowId,
      parentRunId: input.parentRunId,
      status,
      message: `${message} (${workflowId})`,
      jobs: [...jobs.values()],
      deletedObjects,
    };
  };
  if (unfinished.length > 0) {
    const why = running.flatMap((j, i) => {
      const w = waits[i]!;
      if (w.status === 'fulfilled') return [];
      const last = jobs.get(j.jobId)!;
      return isWaitTimeout(w.reason)
        ? [`${jobLabel(last)} is still ${last.rawStatus} after the cancel grace of ${grace}`]
        : [`${jobLabel(last)} could not be followed (last seen ${last.rawStatus}): ${(w.reason as Error).message}`];
    });
    const reason = `${why.join('; ')}.${deleted}${where ? ' It may still write there: delete what it writes by hand once it ends.' : ''}`;
    throw ApplicationFailure.create({
      type: FailureType.CancelGraceExpired,
      message: reason,
      nonRetryable: true,
      details: [report('FAILED', reason)],
    });
  }
  const ended = [...jobs.values()].map((j) => `${jobLabel(j)} ended ${j.rawStatus}`).join(', ');
  return report('COMPLETED', `${ended}.${deleted}`);
}
