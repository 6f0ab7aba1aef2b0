import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { attemptFolder, FailureType, isTerminal, jobStatusSignal } from '../src/contracts';
import type { JobSnapshot, JobStatusUpdate, PollHeartbeat, PollPolicy, ProviderName } from '../src/contracts';
import { providerFor } from '../src/providers';
import type { ExportJobSpec, ImportJobSpec, JobRef, ProviderAdapter } from '../src/providers';
import type { ActivityDeps } from './deps';
import { pollDelayMs } from './support/backoff';
import { rethrowCancellation } from './support/cancellation';
import { heartbeatWhile } from './support/heartbeat';
import { maskAddresses } from './support/mask';
import { stopAndSnapshot } from './support/stop-jobs';
import type { StoppedJobs } from './support/stop-jobs';

export interface CreatedJob {
  job: JobSnapshot;
  /** True when an earlier attempt had already created the job and this one adopted it. */
  adopted: boolean;
}

export interface WaitForJobInput {
  provider: ProviderName;
  job: JobRef;
  poll: PollPolicy;
}

/** Slices of a poll interval between heartbeats, so a cancellation is seen within about a second. */
const SLEEP_SLICE_MS = 500;

/** How many of a failed export job's failure strings the run shows. */
const MAX_FAILURE_REASONS = 3;
const MAX_REASON_LENGTH = 300;

function firstDistinct(texts: string[], n: number): string[] {
  return [...new Set(texts.map((t) => (t.length > MAX_REASON_LENGTH ? `${t.slice(0, MAX_REASON_LENGTH)}…` : t)))].slice(
    0,
    n,
  );
}

/**
 * Tells the run the job's new status (jobStatusSignal), for its details in the UI. Best effort and never awaited: a
 * signal that fails (the run closing, the server busy) leaves the details one status behind, nothing more.
 */
function tellRun(ctx: Context, job: JobSnapshot): void {
  try {
    const run = ctx.info.workflowExecution;
    if (!run) return; // a standalone activity: no run to tell
    const { workflowId, runId } = run;
    const update: JobStatusUpdate = { jobId: job.jobId, rawStatus: job.rawStatus, counters: job.counters };
    void ctx.client.workflow
      .getHandle(workflowId, runId)
      .signal(jobStatusSignal, update)
      .catch(() => undefined);
  } catch {
    // No client in this context (a test environment): the details keep the last status the run saw.
  }
}

/**
 * A create-or-adopt call, heartbeating while the provider answers: a slow answer under load is not taken for a dead
 * worker (whose retry would run next to this attempt), and a cancelled or timed-out attempt sees it at its next
 * heartbeat and aborts its request.
 */
async function whileHeartbeating(
  ctx: Context,
  kind: 'export' | 'import',
  call: (abortSignal: AbortSignal) => Promise<CreatedJob>,
): Promise<CreatedJob> {
  try {
    return await heartbeatWhile(ctx, () => ({ creating: `${kind} job` }), call, {
      what: `the create call for the ${kind} job`,
    });
  } catch (err) {
    rethrowCancellation(err);
  }
}

export function createJobActivities(deps: ActivityDeps) {
  const adapter = (name: ProviderName): ProviderAdapter =>
    providerFor(name, { pinpoint: deps.pinpoint, region: deps.region });

  return {
    /**
     * Creates the export job — or adopts the one an earlier attempt created. `s3UrlPrefix` is the run's export root,
     * unique to the workflow run, so a job writing at or below it can only be ours: a retry after a crash or timeout
     * adopts it. A new job writes to this attempt's own folder below the root (attemptFolder), so that a job created
     * late by an abandoned attempt is never mistaken for this one's pieces. Heartbeats while it calls the provider.
     */
    async createOrAdoptExportJob(input: { provider: ProviderName } & ExportJobSpec): Promise<CreatedJob> {
      const { provider, ...spec } = input;
      const p = adapter(provider);
      const ctx = Context.current();
      return whileHeartbeating(ctx, 'export', async (abortSignal) => {
        const existing = await p.findJobByLocation('EXPORT', spec.applicationId, spec.s3UrlPrefix, {
          abortSignal,
          atOrBelow: true,
        });
        if (existing) return { job: existing.snapshot, adopted: true };
        const own = { ...spec, s3UrlPrefix: attemptFolder(spec.s3UrlPrefix, ctx.info.attempt) };
        return { job: (await p.createExportJob(own, { abortSignal })).snapshot, adopted: false };
      });
    },

    /** Creates the import job for one S3 location of this run — or adopts the job an earlier attempt created. */
    async createOrAdoptImportJob(input: { provider: ProviderName } & ImportJobSpec): Promise<CreatedJob> {
      const { provider, ...spec } = input;
      const p = adapter(provider);
      return whileHeartbeating(Context.current(), 'import', async (abortSignal) => {
        const existing = await p.findJobByLocation('IMPORT', spec.applicationId, spec.s3Url, { abortSignal });
        if (existing) return { job: existing.snapshot, adopted: true };
        return { job: (await p.createImportJob(spec, { abortSignal })).snapshot, adopted: false };
      });
    },

    /** Fails (NotFound) when the application does not exist: an import asks before it uploads anything. */
    async checkApplication(input: { provider: ProviderName; applicationId: string }): Promise<void> {
      const p = adapter(input.provider);
      await p.checkApplication?.(input.applicationId, { abortSignal: Context.current().cancellationSignal });
    },

    /**
     * Why an export job failed, in the platform's words: its first failure strings, de-duplicated. An export job's
     * failures are about the job (the S3 location, the error code such as NoSuchBucket), never about endpoints, so
     * they may be shown and kept in history; anything that looks like an address is masked all the same. Import
     * jobs' failures hold endpoint data and stay in the failure report.
     */
    async exportFailureReasons(input: { provider: ProviderName; job: JobRef }): Promise<string[]> {
      if (input.job.kind !== 'EXPORT') return [];
      const { failures } = await adapter(input.provider).getJob(input.job, {
        abortSignal: Context.current().cancellationSignal,
      });
      return firstDistinct(failures.map(maskAddresses), MAX_FAILURE_REASONS);
    },

    /**
     * Stops remote jobs after the run was cancelled, where the provider can (AEP: DELETE /export/jobs/{id}).
     * Returns the ids it stopped; Pinpoint has no cancel operation, so nothing is stopped there.
     */
    async cancelJobs(input: { provider: ProviderName; jobs: JobRef[] }): Promise<string[]> {
      const p = adapter(input.provider);
      if (!p.canCancel || !p.cancelJob) return [];
      const stopped: string[] = [];
      for (const job of input.jobs) {
        await p.cancelJob(job);
        stopped.push(job.jobId);
      }
      return stopped;
    },

    /**
     * After a cancel: asks the provider to stop each job where it can, then reads each job's status, so the report
     * shows the last known status and not the one seen at creation. Never throws for one job: a refused cancel or an
     * unreadable job is reported, and the run's cleanup goes on regardless.
     */
    async stopJobsAndSnapshot(input: { provider: ProviderName; jobs: JobRef[] }): Promise<StoppedJobs> {
      return stopAndSnapshot(adapter(input.provider), input.jobs);
    },

    /**
     * Polls one job until it is terminal: one long activity, backing off from the poll policy's initial interval to its
     * cap, heartbeating the last seen status (the pending activity in the UI shows it; a retry resumes the poll count).
     * Cancellation arrives through the heartbeat and ends the wait at once. Past maxWaitMs: non-retryable WaitTimeout.
     */
    async waitForJob(input: WaitForJobInput): Promise<JobSnapshot> {
      const ctx = Context.current();
      const p = adapter(input.provider);
      const resumed = ctx.info.heartbeatDetails as PollHeartbeat | undefined;
      let polls = resumed?.polls ?? 0;
      let lastStatus = resumed?.rawStatus;
      // Measured from the first attempt, so retries do not extend the deadline.
      const startedAt = ctx.info.scheduledTimestampMs;
      try {
        let last: PollHeartbeat | undefined = resumed;
        for (;;) {
          const { snapshot } = await heartbeatWhile(
            ctx,
            () => last,
            (abortSignal) => p.getJob(input.job, { abortSignal }),
            {
              what: `the status request for ${input.job.kind.toLowerCase()} job ${input.job.jobId}`,
            },
          );
          polls++;
          const terminal = isTerminal(snapshot.state);
          const delay = terminal ? 0 : pollDelayMs(input.poll, polls);
          const details: PollHeartbeat = {
            jobId: snapshot.jobId,
            state: snapshot.state,
            rawStatus: snapshot.rawStatus,
            counters: snapshot.counters,
            polls,
            nextPollInMs: delay,
          };
          last = details;
          ctx.heartbeat(details);
          if (terminal) return snapshot;
          if (snapshot.rawStatus !== lastStatus) tellRun(ctx, snapshot);
          lastStatus = snapshot.rawStatus;
          const waited = Date.now() - startedAt;
          if (waited + delay > input.poll.maxWaitMs) {
            throw ApplicationFailure.nonRetryable(
              `${snapshot.kind.toLowerCase()} job ${snapshot.jobId} is still ${snapshot.rawStatus} after ${Math.round(waited / 1000)} s ` +
                `(poll maxWaitMs ${input.poll.maxWaitMs}); it may still finish in the provider — raise the max wait or check the job later`,
              FailureType.WaitTimeout,
            );
          }
          for (let left = delay; left > 0; left -= SLEEP_SLICE_MS) {
            await ctx.sleep(Math.min(left, SLEEP_SLICE_MS));
            ctx.heartbeat({ ...details, nextPollInMs: Math.max(0, left - SLEEP_SLICE_MS) });
          }
        }
      } catch (err) {
        rethrowCancellation(err);
      }
    },
  };
}
