/** Counter and failure bookkeeping shared by import and export jobs. */
import type { JobState } from './state';

/** Pinpoint keeps only the first 100 failure strings. */
const MAX_FAILURES = 100;

export function initCounters(job: JobState, totalPieces: number): void {
  const r = job.response;
  r.TotalPieces = totalPieces;
  r.CompletedPieces = 0;
  r.FailedPieces = 0;
  r.TotalProcessed = 0;
  r.TotalFailures = 0;
  // The service leaves Failures out of a job's response until there is one (addFailure creates the list).
  delete r.Failures;
}

/** Adds a failure string if fewer than 100 are kept. */
export function addFailure(job: JobState, text: string): void {
  const list = (job.response.Failures ??= []);
  if (list.length < MAX_FAILURES) list.push(text);
}
