/**
 * Finds a CSV file's header on the activity's thread, in the first runs of whole lines (line-aligner.ts), before any
 * thread gets rows: the header is the first line that is not blank (csvLineParser's rule), and every thread is then
 * set up with it (parallel-runner.ts), so each run of rows can be parsed on its own. A bad header is found here too:
 * the whole file is then one error, as on one thread.
 */
import { EndpointFileError, isCsvHeaderLine, LineSplitter, parseCsvHeaderLine } from '../formats';
import type { TextLine } from '../formats';
import { fileErrorReason } from './line-codecs';

/** What a run of lines held; `lines` counts the lines of the run that were looked at (up to the header). */
export type HeaderSearch =
  | { kind: 'blank'; lines: number }
  | { kind: 'header'; text: string; lines: number; rest: Buffer }
  /** `line`: the bad header's number within the run. */
  | { kind: 'error'; line: number; reason: string; lines: number };

const NEWLINE = 0x0a;

export class CsvHeaderFinder {
  /** Blank lines seen in earlier runs. */
  private linesBefore = 0;

  /** Looks for the header in `bytes` (whole lines; a BOM at the file's start already dropped). */
  look(bytes: Buffer): HeaderSearch {
    let start = 0;
    let k = 0;
    while (start < bytes.length) {
      const nl = bytes.indexOf(NEWLINE, start);
      const end = nl === -1 ? bytes.length : nl + 1;
      k++;
      const line = textLine(bytes.subarray(start, end), this.linesBefore + k);
      if (isCsvHeaderLine(line)) {
        const reason = headerProblem(line);
        if (reason !== undefined) return { kind: 'error', line: k, reason, lines: k };
        return { kind: 'header', text: line.text, lines: k, rest: bytes.subarray(end) };
      }
      start = end;
    }
    this.linesBefore += k;
    return { kind: 'blank', lines: k };
  }

  /** The first line that is not blank is too long to be read: the header is. */
  tooLong(): HeaderSearch {
    const reason = headerProblem({ line: this.linesBefore + 1, text: '', tooLong: true });
    return { kind: 'error', line: 1, reason: reason ?? '', lines: 1 };
  }
}

/** One line (with its newline, if any) decoded the way the LineSplitter decodes it (CR dropped, bad UTF-8 marked). */
function textLine(bytes: Buffer, line: number): TextLine {
  let found: TextLine | undefined;
  const splitter = new LineSplitter(undefined, false);
  splitter.push(bytes, (l) => (found = l));
  splitter.end((l) => (found ??= l));
  return { ...found!, line };
}

function headerProblem(l: TextLine): string | undefined {
  try {
    parseCsvHeaderLine(l);
    return undefined;
  } catch (err) {
    if (err instanceof EndpointFileError) return fileErrorReason(err);
    throw err;
  }
}
