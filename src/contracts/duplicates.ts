/**
 * Endpoint Ids repeated within one import: counted (never listed) and told in the report's words. Pinpoint applies an
 * import's rows in order, so the last row with an Id wins — within one job; jobs that run at once have no order.
 */

/** A row whose Id appeared in an earlier row of the same import: the file's base name and the row's line. */
export interface RepeatLocation {
  file: string;
  line: number;
}

/** How the run's import jobs ran, which decides whether "the last row wins" holds across jobs. */
export interface JobSpread {
  jobs: number;
  /** Jobs allowed to run at once. */
  atOnce: number;
}

/**
 * The report's sentence on repeated Ids, e.g. "3 ids appear more than once; the last row of each wins (repeating rows
 * include a.csv line 4)", or '' when there are none.
 */
export function describeDuplicateIds(ids: number, examples: RepeatLocation[], spread: JobSpread): string {
  if (ids <= 0) return '';
  const head =
    ids === 1
      ? '1 id appears more than once; its last row wins'
      : `${ids} ids appear more than once; the last row of each wins`;
  const unordered =
    spread.jobs > 1 && spread.atOnce > 1
      ? ` within an import job (this run's ${spread.jobs} jobs ran up to ${Math.min(spread.atOnce, spread.jobs)} at once, so when an id's rows are in different jobs either may win)`
      : '';
  const where =
    examples.length > 0
      ? ` (repeating rows include ${examples.map((e) => `${e.file} line ${e.line}`).join(', ')})`
      : '';
  return `${head}${unordered}${where}`;
}
