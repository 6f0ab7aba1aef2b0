/**
 * Cuts a byte stream into chunks of whole lines, so that each chunk can be processed on its own, in
 * any thread (parallel-runner.ts): every chunk but the last ends with a newline. The caller numbers
 * the lines (each chunk's answer says how many it held). A leading BOM is dropped here, as the
 * LineSplitter does for a whole input. A line longer than `maxLineBytes` is not buffered: it comes out
 * as one 'too-long' item and the rest of it is skipped (the LineSplitter's rule).
 *
 * Chunks are written into buffers of a fixed size that the caller hands back (`recycle`) once a thread
 * is done with them, so a stream of any length reuses the same few buffers.
 */
import { DEFAULT_MAX_LINE_BYTES } from '../formats/lines';

export type AlignedChunk = { kind: 'lines'; bytes: Buffer } | { kind: 'too-long' };

const NEWLINE = 0x0a;
const CHUNK_BYTES = 1024 * 1024;

export class LineAligner {
  /** Size of every buffer: a chunk holds at least one whole line of the longest allowed length, newline included. */
  private readonly size: number;
  private readonly free: Buffer[] = [];
  private buf: Buffer | undefined;
  private used = 0;
  private skipping = false; // inside a too-long line, waiting for its end
  private first = true; // nothing handed out yet: a BOM may lead

  constructor(maxLineBytes = DEFAULT_MAX_LINE_BYTES, chunkBytes = CHUNK_BYTES) {
    this.size = Math.max(chunkBytes, maxLineBytes + 1);
  }

  /** A chunk handed out earlier (its memory, possibly transferred back from a thread) can be reused. */
  recycle(bytes: Uint8Array): void {
    if (bytes.buffer.byteLength === this.size && this.free.length < 64) {
      this.free.push(Buffer.from(bytes.buffer as ArrayBuffer, 0, this.size));
    }
  }

  /** Copies `data` in; calls `emit` for every chunk completed (the caller owns it until it recycles it). */
  push(data: Uint8Array, emit: (chunk: AlignedChunk) => void): void {
    let at = 0;
    while (at < data.length) {
      if (this.skipping) {
        const nl = data.indexOf(NEWLINE, at);
        if (nl === -1) return;
        this.skipping = false;
        at = nl + 1;
        continue;
      }
      const buf = (this.buf ??= this.take());
      const n = Math.min(data.length - at, this.size - this.used);
      buf.set(data.subarray(at, at + n), this.used);
      this.used += n;
      at += n;
      if (this.used === this.size) this.cut(emit);
    }
  }

  /** The last chunk (its last line may lack a newline). */
  end(emit: (chunk: AlignedChunk) => void): void {
    const buf = this.buf;
    this.buf = undefined;
    if (buf && this.used > 0 && !this.skipping) this.emitLines(buf.subarray(0, this.used), emit);
    else if (buf) this.recycle(buf);
    this.used = 0;
  }

  /** The buffer is full: hand out its whole lines, carry the started one over into the next buffer. */
  private cut(emit: (chunk: AlignedChunk) => void): void {
    const buf = this.buf!;
    const last = buf.lastIndexOf(NEWLINE);
    if (last === -1) {
      // One line fills the whole buffer and goes on: too long. Skip to its end, reuse the buffer.
      this.first = false;
      this.used = 0;
      this.skipping = true;
      emit({ kind: 'too-long' });
      return;
    }
    const next = this.take();
    const rest = this.used - (last + 1);
    buf.copy(next, 0, last + 1, this.used);
    this.buf = next;
    this.used = rest;
    this.emitLines(buf.subarray(0, last + 1), emit);
  }

  private emitLines(bytes: Buffer, emit: (chunk: AlignedChunk) => void): void {
    if (this.first && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    this.first = false;
    emit({ kind: 'lines', bytes });
  }

  private take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.size);
  }
}
