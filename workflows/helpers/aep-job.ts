import { ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { AEP_POLL_DEFAULTS } from '../../src/contracts/aep-export';
import { FailureType } from '../../src/contracts/failures';
import { AEP_RETRY } from './activity-proxies';

export type AepJobSpec = Parameters<Activities['aepCreateOrFindExportJob']>[0]['spec'];
export type AepJob = Awaited<ReturnType<Activities['aepGetExportJob']>>;

/** Short AEP calls (job creation, polls, DELETE), as exportProfiles makes them. */
export const aepCalls = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: AEP_RETRY,
});

/** Clock skew allowed between the worker and the platform when matching a job's creation time. */
export const CREATION_SKEW_MS = 60_000;

type QualificationWindow = { startTime?: string; endTime?: string };

/**
 * The job's segmentQualificationTime: an open window ends at the run's start. AEP has no client token, so that
 * end makes the job's fingerprint this run's own: a second identical run started within the creation-time window
 * never adopts this run's job. A window the input closes (or one that starts after the run) is kept as given.
 */
export function runQualificationWindow(given: QualificationWindow | undefined, runStart: Date): QualificationWindow {
  if (given?.endTime !== undefined) return given;
  if (given?.startTime !== undefined && Date.parse(given.startTime) > runStart.getTime()) return given;
  return { ...given, endTime: runStart.toISOString() };
}

/**
 * Creates the AEP export job (or finds the one a retried attempt created, by fingerprint), calls
 * `onJob` with its id, polls with backoff until it ends (`onStatus` after each poll), and DELETEs it when it
 * runs past maxWaitMs. Fails unless the job SUCCEEDED. exportProfiles and activateSegment share it.
 */
export async function runAepExportJob(
  spec: AepJobSpec,
  notBeforeMs: number,
  poll: Partial<typeof AEP_POLL_DEFAULTS> | undefined,
  onJob: (jobId: string, status: string) => void,
  onStatus: (status: string) => void = () => undefined,
): Promise<AepJob> {
  const calls = aepCalls;
  const policy = { ...AEP_POLL_DEFAULTS, ...poll };
  let job = await calls.aepCreateOrFindExportJob({ spec, notBeforeMs });
  const jobId = job.jobId;
  onJob(jobId, job.status);
  const t = Date.now();
  for (let interval = policy.initialIntervalMs; job.status === 'NEW' || job.status === 'PROCESSING';) {
    if (Date.now() - t > policy.maxWaitMs) {
      await calls.aepCancelExportJob({ jobId, spec, notBeforeMs });
      throw ApplicationFailure.nonRetryable(
        `AEP export job ${jobId} did not finish within ${policy.maxWaitMs} ms; it was cancelled (DELETE)`,
        FailureType.WaitTimeout,
      );
    }
    await sleep(interval);
    interval = Math.min(interval * 2, policy.maxIntervalMs);
    job = await calls.aepGetExportJob(jobId);
    onStatus(job.status);
  }
  if (job.status !== 'SUCCEEDED') {
    throw ApplicationFailure.nonRetryable(
      `AEP export job ${jobId} ended ${job.status}${job.errorCodes.length ? ` (error codes ${job.errorCodes.join(', ')})` : ''}`,
      FailureType.JobFailed,
    );
  }
  return job;
}
