/** Whole-file rejections as the user reads them: "file, line, reason" — the same words as the failure report. */
export interface FileProblem {
  file: string;
  line: number;
  reason: string;
}

export function describeFileProblems(problems: FileProblem[]): string {
  return problems.map((p) => `${p.file}${p.line > 0 ? ` line ${p.line}` : ''}: ${p.reason}`).join('; ');
}

/** The report's note on files rejected as a whole ('' when none). */
export function wholeFileNote(problems: FileProblem[] | undefined): string {
  if (!problems || problems.length === 0) return '';
  return ` Rejected as a whole: ${describeFileProblems(problems)}.`;
}
