/**
 * The CPU-bound core of the transfer and of the import upload, free of I/O so it runs the same on
 * the activity's thread or in a worker thread (line-worker.ts): input bytes (gunzipped) in →
 * import-ready NDJSON bytes out, cut at part boundaries, plus the rejected rows and the counts.
 *
 * Lines are split on the newline byte (UTF-8 never uses 0x0A inside a character) and decoded one
 * by one: a line of ASCII stays a one-byte string, which V8 parses faster, even when a neighbour
 * holds other characters. What a line becomes is the codec's business (line-codecs.ts); its JSON is
 * encoded straight into the output buffer, whose byte count is the size the codec's check gets (no
 * second pass); a line the check rejects is rolled back.
 */
import { createCodec } from './line-codecs';
import type { CodecConfig, LineCodec } from './line-codecs';

export interface LineProcessorConfig {
  codec: CodecConfig;
  /** A part never exceeds this many bytes. */
  maxPartBytes: number;
  /** The part being written already holds this much (a part may span several input files). */
  partBefore?: { bytes: number; records: number };
  /** Count only: produce no output bytes. */
  dryRun?: boolean;
}

/** Consecutive output bytes of one part; `endsPart` closes the part after these bytes. */
export interface OutputBlock {
  bytes: Uint8Array;
  records: number;
  endsPart: boolean;
}

export interface ProcessorCounts {
  /** Records read: non-blank lines other than a CSV header. */
  read: number;
  written: number;
  filtered: number;
  rejected: number;
}

/** A rejected line: its number and why (never the record itself). */
export interface RejectedLine {
  line: number;
  reason: string;
  /** The record's Id, when it had one. */
  id?: string;
}

export interface ChunkOutput {
  blocks: OutputBlock[];
  rejected: RejectedLine[];
  counts: ProcessorCounts;
  /** Set once the input cannot be read any further (e.g. a bad CSV header); later input is ignored. */
  stopped?: boolean;
  /** The input chunk this answers, handed back for reuse (set by the runner). */
  spent?: Uint8Array;
}

const OUTPUT_BLOCK_BYTES = 1024 * 1024;
/** A line longer than this is not buffered: it is rejected as too long (an endpoint is at most 15 KB). */
export const MAX_LINE_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

export class LineProcessor {
  private readonly codec: LineCodec;
  private readonly maxPartBytes: number;
  private readonly dryRun: boolean;
  private carry: Buffer | undefined;
  private skipping = false;
  private stopped = false;
  private lineNo = 0;
  private partBytes: number;
  private partRecords: number;
  // The current output block: bytes [blockStart, used) of `out` belong to the part being written.
  private out = Buffer.allocUnsafeSlow(0);
  private blockStart = 0;
  private used = 0;
  /** Records of the current part already handed out in earlier blocks (or written before this input). */
  private blockRecordsBefore: number;
  private blocks: OutputBlock[] = [];
  private rejected: RejectedLine[] = [];
  private counts: ProcessorCounts = { read: 0, written: 0, filtered: 0, rejected: 0 };

  /** Throws TransformSpecError for an invalid transform. */
  constructor(config: LineProcessorConfig) {
    this.codec = createCodec(config.codec);
    this.maxPartBytes = config.maxPartBytes;
    this.dryRun = config.dryRun === true;
    this.partBytes = config.partBefore?.bytes ?? 0;
    this.partRecords = config.partBefore?.records ?? 0;
    this.blockRecordsBefore = this.partRecords;
  }

  /** Processes every complete line of `chunk` (the rest waits for the next chunk). */
  push(chunk: Uint8Array): ChunkOutput {
    if (this.stopped) return this.take();
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.carry) {
      data = Buffer.concat([this.carry, data]);
      this.carry = undefined;
    }
    let start = 0;
    let nl = data.indexOf(NEWLINE);
    if (this.skipping) {
      if (nl === -1) return this.take();
      this.skipping = false;
      start = nl + 1;
      nl = data.indexOf(NEWLINE, start);
    }
    while (nl !== -1 && !this.stopped) {
      this.handleLine(data, start, nl);
      start = nl + 1;
      nl = data.indexOf(NEWLINE, start);
    }
    if (this.stopped) return this.take();
    if (data.length - start > MAX_LINE_BYTES) {
      // Reported once, from its beginning; the rest is skipped up to the next newline.
      this.handleLine(data, start, start + 200, true);
      this.skipping = true;
    } else if (start < data.length) {
      // A copy: the caller may reuse or transfer `chunk`.
      this.carry = Buffer.from(data.subarray(start));
    }
    return this.take();
  }

  /** The last line (without a trailing newline), and the final output. The last part stays open: the caller ends it. */
  end(): ChunkOutput {
    if (this.carry && !this.skipping && !this.stopped) this.handleLine(this.carry, 0, this.carry.length);
    this.carry = undefined;
    return this.take();
  }

  private handleLine(data: Buffer, from: number, to: number, tooLong = false): void {
    const line = ++this.lineNo;
    const end = to > from && data[to - 1] === 0x0d ? to - 1 : to;
    if (end === from) return;
    let text = data.toString('utf8', from, end);
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (!tooLong && text.trim().length === 0) return;
    const outcome = this.codec.line({ line, text, tooLong });
    if (!outcome) return;
    if (outcome.kind === 'file-error') {
      this.reject(outcome.line, outcome.reason);
      this.stopped = true;
      return;
    }
    this.counts.read++;
    if (outcome.kind === 'filtered') {
      this.counts.filtered++;
      return;
    }
    if (outcome.kind === 'rejected') {
      this.reject(line, outcome.reason, outcome.id);
      return;
    }
    const lineStart = this.reserve(outcome.json.length * 3 + 1);
    const bytes = this.out.write(outcome.json, lineStart);
    const problem = outcome.record && this.codec.check?.(outcome.record, bytes);
    if (problem) {
      this.reject(line, problem, outcome.id);
      return;
    }
    this.counts.written++;
    if (this.dryRun) return;
    if (this.partRecords > 0 && this.partBytes + bytes + 1 > this.maxPartBytes) {
      // This line opens the next part: close the current one just before it.
      this.blocks.push({
        bytes: this.out.subarray(this.blockStart, lineStart),
        records: this.partRecords - this.blockRecordsBefore,
        endsPart: true,
      });
      this.blockStart = lineStart;
      this.blockRecordsBefore = 0;
      this.partBytes = 0;
      this.partRecords = 0;
    }
    this.out[lineStart + bytes] = NEWLINE;
    this.used = lineStart + bytes + 1;
    this.partBytes += bytes + 1;
    this.partRecords++;
  }

  /** Room for `max` more bytes in the output buffer; returns where they start. */
  private reserve(max: number): number {
    if (this.used + max <= this.out.length) return this.used;
    this.closeBlock(false);
    this.out = Buffer.allocUnsafeSlow(Math.max(OUTPUT_BLOCK_BYTES, max));
    this.blockStart = 0;
    this.used = 0;
    return 0;
  }

  /** Hands out the bytes written since the last block (the part stays open unless `endsPart`). */
  private closeBlock(endsPart: boolean): void {
    const records = this.partRecords - this.blockRecordsBefore;
    if (this.used > this.blockStart || (endsPart && records > 0)) {
      this.blocks.push({ bytes: this.out.subarray(this.blockStart, this.used), records, endsPart });
    }
    this.blockStart = this.used;
    this.blockRecordsBefore = endsPart ? 0 : this.partRecords;
    if (endsPart) {
      this.partBytes = 0;
      this.partRecords = 0;
    }
  }

  private reject(line: number, reason: string, id?: unknown): void {
    this.counts.rejected++;
    this.rejected.push(typeof id === 'string' ? { line, reason, id } : { line, reason });
  }

  /**
   * The output buffer behind the handed-out blocks was given away (transferred to another thread): write the next
   * lines into a new one.
   */
  releaseOutput(): void {
    this.out = Buffer.allocUnsafeSlow(0);
    this.blockStart = 0;
    this.used = 0;
  }

  /** The output produced since the last call; the current block is handed out at its end. */
  private take(): ChunkOutput {
    this.closeBlock(false);
    // Handed-out blocks stay valid: later lines are written after them (or into a new buffer).
    const result: ChunkOutput = { blocks: this.blocks, rejected: this.rejected, counts: this.counts };
    if (this.stopped) result.stopped = true;
    this.blocks = [];
    this.rejected = [];
    this.counts = { read: 0, written: 0, filtered: 0, rejected: 0 };
    return result;
  }
}
