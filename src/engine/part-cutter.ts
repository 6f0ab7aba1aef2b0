/**
 * Cuts a sequence of NDJSON blocks (whole lines, newlines included) into parts of at most
 * `maxPartBytes`, the way a LineProcessor cuts its own output: a line that would take the part over
 * the limit opens the next part; a part always takes its first line, whatever its size. Used where
 * blocks come from several threads and are put back in order first (parallel-runner.ts).
 */
import type { OutputBlock } from './chunk-output';

const NEWLINE = 0x0a;

function countLines(bytes: Uint8Array): number {
  let n = 0;
  let at = bytes.indexOf(NEWLINE);
  while (at !== -1) {
    n++;
    at = bytes.indexOf(NEWLINE, at + 1);
  }
  return n;
}

export class PartCutter {
  private partBytes: number;
  private partRecords: number;

  constructor(
    private readonly maxPartBytes: number,
    /** The part being written already holds this much. */
    partBefore?: { bytes: number; records: number },
  ) {
    this.partBytes = partBefore?.bytes ?? 0;
    this.partRecords = partBefore?.records ?? 0;
  }

  /** The blocks to write for `block`, each ending its part or not. */
  cut(block: OutputBlock): OutputBlock[] {
    const out: OutputBlock[] = [];
    let bytes = block.bytes;
    let records = block.records;
    while (bytes.length > 0) {
      if (this.partBytes + bytes.length <= this.maxPartBytes) {
        out.push({ bytes, records, endsPart: false });
        this.partBytes += bytes.length;
        this.partRecords += records;
        break;
      }
      // The lines that still fit end at the last newline within the room left.
      const room = this.maxPartBytes - this.partBytes;
      let end = room > 0 ? bytes.lastIndexOf(NEWLINE, room - 1) + 1 : 0;
      if (end === 0 && this.partRecords === 0) end = bytes.indexOf(NEWLINE) + 1 || bytes.length; // alone in its part
      const head = bytes.subarray(0, end);
      const headRecords = countLines(head);
      out.push({ bytes: head, records: headRecords, endsPart: true });
      this.partBytes = 0;
      this.partRecords = 0;
      bytes = bytes.subarray(end);
      records -= headRecords;
    }
    return out;
  }
}
