import { describeRejectLimit, FailureType, rejectLimitExceeded } from '../src/contracts';
import type { JobSnapshot, RejectLimit, SyncCounts } from '../src/contracts';

/** Why a sync that ran to its end did not do its job, or undefined when it did. Pure: unit-tested. */
export interface SyncVerdict {
  type: FailureType;
  reason: string;
}

export function syncVerdict(
  counts: SyncCounts,
  importJobs: JobSnapshot[],
  opts: { dryRun: boolean; maxRejected?: RejectLimit },
): SyncVerdict | undefined {
  // A dry run's job is to count: it completes whatever it counted.
  if (opts.dryRun) return undefined;
  const failedJobs = importJobs.filter((j) => j.state !== 'SUCCEEDED');
  if (failedJobs.length > 0) {
    return {
      type: FailureType.JobFailed,
      reason: `import job(s) ${failedJobs.map((j) => `${j.jobId} ended ${j.rawStatus}`).join(', ')}; see the report`,
    };
  }
  if (counts.transformed === 0 && counts.rejected > 0) {
    return {
      type: FailureType.NothingToImport,
      reason: `nothing valid to import: all ${counts.rejected} endpoint(s) left after the transform's filters were rejected; see the report`,
    };
  }
  const rejected = counts.rejected + counts.failed;
  const rows = counts.exported - counts.filtered;
  if (opts.maxRejected && rejectLimitExceeded(opts.maxRejected, rejected, rows)) {
    return {
      type: FailureType.TooManyRejected,
      reason: `${rejected} of ${rows} endpoint(s) were rejected, more than --max-rejected allows (${describeRejectLimit(opts.maxRejected)}); the valid ones were imported; see the report`,
    };
  }
  return undefined;
}
