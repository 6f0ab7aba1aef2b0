/**
 * `--max-rejected <n|p%>`: how many rejected rows (our validation plus the provider's failures) a run tolerates before
 * it fails with TooManyRejected. Absent: no limit.
 */
export type RejectLimit = { count: number } | { percent: number };

/** Whether `rejected` of `total` rows is over the limit (a percentage compares rejected / total × 100). */
export function rejectLimitExceeded(limit: RejectLimit | undefined, rejected: number, total: number): boolean {
  if (!limit) return false;
  if ('count' in limit) return rejected > limit.count;
  return total > 0 && (rejected * 100) / total > limit.percent;
}

export function describeRejectLimit(limit: RejectLimit): string {
  return 'count' in limit ? `${limit.count} row(s)` : `${limit.percent}% of the rows`;
}
