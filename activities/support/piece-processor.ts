/**
 * The CPU-bound heart of the sync transfer, free of I/O so it runs the same on the activity's
 * thread or in a worker thread (piece-worker.ts): gunzipped bytes of an exported piece in →
 * import-ready NDJSON bytes out, cut at part boundaries, plus the rejected rows and the counts.
 *
 * Per line: JSON.parse → transform → JSON.stringify, encoded straight into the output buffer
 * (its byte length is what the encoder wrote: no second pass) → validate as a new endpoint of the
 * target application → kept, or rolled back and rejected. Lines are split on the newline byte
 * (UTF-8 never uses 0x0A inside a character) and decoded one by one.
 */
import { validateEndpoint } from '../../src/formats/validate-endpoint';
import { compileTransform } from '../../src/transforms';
import type { EndpointTransform } from '../../src/transforms';
import type { TransformSpec } from '../../src/contracts/sync';

export interface PieceProcessorConfig {
  transform?: TransformSpec;
  /** A part never exceeds this many bytes. */
  maxPartBytes: number;
  /** Key of the exported piece, named in each rejected row. */
  sourceKey: string;
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
  read: number;
  written: number;
  filtered: number;
  rejected: number;
}

export interface ChunkOutput {
  blocks: OutputBlock[];
  /** Rejected rows as NDJSON lines (no newline): {source, line, id?, reason}; never endpoint data. */
  rejected: string[];
  counts: ProcessorCounts;
}

const OUTPUT_BLOCK_BYTES = 1024 * 1024;
/** A line longer than this is rejected without being buffered (an endpoint is at most 15 KB). */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
const NEWLINE = 0x0a;

export class PieceProcessor {
  private readonly transform: EndpointTransform;
  private readonly maxPartBytes: number;
  private carry: Buffer | undefined;
  private skipping = false;
  private lineNo = 0;
  private partBytes = 0;
  private partRecords = 0;
  // The current output block: bytes [blockStart, used) belong to the part being written.
  private out = Buffer.allocUnsafeSlow(0);
  private blockStart = 0;
  private used = 0;
  /** Records of the current part already handed out in earlier blocks. */
  private blockRecordsBefore = 0;
  private blocks: OutputBlock[] = [];
  private rejected: string[] = [];
  private counts: ProcessorCounts = { read: 0, written: 0, filtered: 0, rejected: 0 };

  /** Throws TransformSpecError for an invalid transform. */
  constructor(private readonly config: PieceProcessorConfig) {
    this.transform = compileTransform(config.transform);
    this.maxPartBytes = config.maxPartBytes;
  }

  /** Processes every complete line of `chunk` (the rest waits for the next chunk). */
  push(chunk: Uint8Array): ChunkOutput {
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
    while (nl !== -1) {
      this.handleLine(data, start, nl);
      start = nl + 1;
      nl = data.indexOf(NEWLINE, start);
    }
    if (data.length - start > MAX_LINE_BYTES) {
      this.lineNo++;
      this.reject(this.lineNo, `the line is longer than ${MAX_LINE_BYTES} bytes; an endpoint is at most 15 KB`);
      this.skipping = true;
    } else if (start < data.length) {
      // A copy: the caller may reuse or transfer `chunk`.
      this.carry = Buffer.from(data.subarray(start));
    }
    return this.take();
  }

  /** The last line (without a trailing newline), and the final output. */
  end(): ChunkOutput {
    if (this.carry && !this.skipping) this.handleLine(this.carry, 0, this.carry.length);
    this.carry = undefined;
    this.closeBlock(true);
    return this.take();
  }

  /**
   * One line, bytes [from, to) of `data`. Decoded line by line: a line of ASCII stays a one-byte string
   * (faster to parse) even when a neighbour holds other characters.
   */
  private handleLine(data: Buffer, from: number, to: number): void {
    const line = ++this.lineNo;
    const end = to > from && data[to - 1] === 0x0d ? to - 1 : to;
    if (end === from) return;
    let text = data.toString('utf8', from, end);
    if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim().length === 0) return;
    this.counts.read++;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.reject(line, 'not valid JSON');
      return;
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      this.reject(line, 'an endpoint must be a JSON object');
      return;
    }
    const record = parsed as Record<string, unknown>;
    const outcome = this.transform(record);
    if (outcome.kind === 'filtered') {
      this.counts.filtered++;
      return;
    }
    const json = JSON.stringify(outcome.endpoint);
    const lineStart = this.reserve(json.length * 3 + 1);
    const bytes = this.out.write(json, lineStart);
    // The target application has never seen these ids: validate as new endpoints.
    const problem = validateEndpoint(outcome.endpoint, {
      existing: false,
      sizeBytes: bytes,
      allowResponseFields: false,
    });
    if (problem) {
      this.reject(line, problem, record.Id);
      return;
    }
    this.counts.written++;
    if (this.config.dryRun) return;
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
    this.rejected.push(
      JSON.stringify({ source: this.config.sourceKey, line, id: typeof id === 'string' ? id : undefined, reason }),
    );
  }

  /** The output produced since the last call; the current block is handed out at its end. */
  private take(): ChunkOutput {
    this.closeBlock(false);
    // Blocks share the output buffer; a new buffer for the next output keeps handed-out bytes intact.
    if (this.blocks.length > 0) {
      this.out = Buffer.allocUnsafeSlow(0);
      this.blockStart = 0;
      this.used = 0;
    }
    const result: ChunkOutput = { blocks: this.blocks, rejected: this.rejected, counts: this.counts };
    this.blocks = [];
    this.rejected = [];
    this.counts = { read: 0, written: 0, filtered: 0, rejected: 0 };
    return result;
  }
}
