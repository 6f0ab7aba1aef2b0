/**
 * The lines → records → parts stages (index.ts), the CPU-bound core of the transfer and of the import upload, free
 * of I/O so it runs the same on the activity's thread or in a worker thread (line-worker.ts): text bytes (gunzipped)
 * in → import-ready NDJSON bytes out, cut at part boundaries, plus the rejected rows and the counts.
 *
 * Lines come from the formats' LineSplitter (split on the newline byte, decoded one by one). What a line becomes is
 * the codec's business (line-codecs.ts); its JSON is encoded straight into the output buffer, whose byte count is the
 * size the codec's check gets (no second pass); a line the check rejects is rolled back.
 */
import { LineSplitter } from '../formats/lines';
import type { TextLine } from '../formats/lines';
import type { ChunkOutput, OutputBlock, ProcessorCounts, RejectedLine } from './chunk-output';
import { ID_HASH_WORDS, hashId } from './id-hash';
import type { IdHashes } from './id-hash';
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
  /** Fingerprint the Id of every written row (`ids` of each answer), for counting repeated Ids (repeated-ids.ts). */
  hashIds?: boolean;
}

const OUTPUT_BLOCK_BYTES = 1024 * 1024;
const NEWLINE = 0x0a;

export class LineProcessor {
  private readonly codec: LineCodec;
  private readonly maxPartBytes: number;
  private readonly dryRun: boolean;
  /** A line longer than its limit (1 MiB) is not buffered: the codec gets it as too long (an endpoint is ≤ 15 KB). */
  private readonly splitter = new LineSplitter();
  private readonly onLine = (l: TextLine) => this.handleLine(l);
  private stopped = false;
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
  private readonly ids: IdHashCollector | undefined;

  /** Throws TransformSpecError for an invalid transform. */
  constructor(config: LineProcessorConfig) {
    this.codec = createCodec(config.codec);
    this.maxPartBytes = config.maxPartBytes;
    this.dryRun = config.dryRun === true;
    this.partBytes = config.partBefore?.bytes ?? 0;
    this.partRecords = config.partBefore?.records ?? 0;
    this.blockRecordsBefore = this.partRecords;
    if (config.hashIds) this.ids = new IdHashCollector();
  }

  /** Processes every complete line of `chunk` (the rest waits for the next chunk). */
  push(chunk: Uint8Array): ChunkOutput {
    if (!this.stopped) this.splitter.push(chunk, this.onLine);
    return this.take();
  }

  /**
   * Processes `chunk` as a whole: complete lines cut out of a larger input (parallel-runner.ts), numbered from 1 here
   * (rejected rows included), the count in `lines`; the caller shifts them into place. No BOM is dropped (it is the
   * caller's business at the start of the input).
   */
  pushWholeLines(chunk: Uint8Array): ChunkOutput {
    const splitter = new LineSplitter(undefined, false);
    splitter.push(chunk, this.onLine);
    splitter.end(this.onLine);
    const out = this.take();
    out.lines = splitter.lines;
    return out;
  }

  /** The last line (without a trailing newline), and the final output. The last part stays open: the caller ends it. */
  end(): ChunkOutput {
    if (!this.stopped) this.splitter.end(this.onLine);
    return this.take();
  }

  private handleLine(l: TextLine): void {
    if (this.stopped || (!l.tooLong && l.text.trim().length === 0)) return;
    const line = l.line;
    const outcome = this.codec.line(l);
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
    if (this.ids && typeof outcome.id === 'string') this.ids.add(outcome.id, line);
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
    const ids = this.ids?.take();
    if (ids) result.ids = ids;
    this.blocks = [];
    this.rejected = [];
    this.counts = { read: 0, written: 0, filtered: 0, rejected: 0 };
    return result;
  }
}

/** The Id fingerprints and line numbers of the rows written since the last `take`, in growing typed arrays. */
class IdHashCollector {
  private hashes = new Uint32Array(1024 * ID_HASH_WORDS);
  private lines = new Float64Array(1024);
  private count = 0;

  add(id: string, line: number): void {
    if (this.count === this.lines.length) {
      const hashes = new Uint32Array(this.hashes.length * 2);
      hashes.set(this.hashes);
      this.hashes = hashes;
      const lines = new Float64Array(this.lines.length * 2);
      lines.set(this.lines);
      this.lines = lines;
    }
    hashId(id, this.hashes, this.count * ID_HASH_WORDS);
    this.lines[this.count++] = line;
  }

  /** Copies of what was collected (their own buffers: they may be transferred to another thread), or undefined. */
  take(): IdHashes | undefined {
    if (this.count === 0) return undefined;
    const out = {
      hashes: this.hashes.slice(0, this.count * ID_HASH_WORDS),
      lines: this.lines.slice(0, this.count),
    };
    this.count = 0;
    return out;
  }
}
