import { isCancellation } from '@temporalio/workflow';
import type { JobSnapshot, ProviderName } from '../../src/contracts';
import { calls } from './activity-proxies';

/** `: <the platform's first failure strings>` for a failed export job, or '' when it gave none (or they cannot be read). */
export async function exportFailureNote(provider: ProviderName, job: JobSnapshot): Promise<string> {
  const reasons = await calls.exportFailureReasons
    .executeWithOptions({ summary: `read why export job ${job.jobId} failed` }, [
      { provider, job: { kind: 'EXPORT', applicationId: job.applicationId, jobId: job.jobId } },
    ])
    .catch((err: unknown) => {
      if (isCancellation(err)) throw err;
      return [];
    });
  return reasons.length > 0 ? `: ${reasons.join(' | ')}` : '';
}
