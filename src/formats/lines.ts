/**
 * Splits bytes into text lines: UTF-8, a leading BOM dropped, LF or CRLF endings, 1-based line
 * numbers as a text editor shows them. Lines are cut on the newline byte (UTF-8 never uses 0x0A
 * inside a character) and decoded one by one: a line of ASCII stays a one-byte string, which V8
 * parses faster, even when a neighbour holds other characters. Memory stays bounded: a line longer
 * than `maxLineBytes` is not buffered; it is reported once with `tooLong` and skipped.
 *
 * LineSplitter is the synchronous core (the import upload and the sync transfer feed it chunk by
 * chunk); readLineBatches / readLines wrap it around a stream.
 */
import { isUtf8 } from 'node:buffer';
import type { Readable } from 'node:stream';

export interface TextLine {
  line: number;
  text: string;
  /** The line exceeded maxLineBytes; `text` holds only its beginning. */
  tooLong?: boolean;
  /** The line's bytes are not valid UTF-8 (`text` holds U+FFFD in their place): never imported as is. */
  badUtf8?: boolean;
  /** 1-based byte of the line where its invalid UTF-8 starts. */
  badUtf8At?: number;
}

export interface LineOptions {
  /** Default 1 MiB. */
  maxLineBytes?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
/** The reason a too-long line is rejected with, whatever its format. */
export const LINE_TOO_LONG = 'the line is too long for an endpoint (at most 15 KB)';
const NEWLINE = 0x0a;
/** How much of an over-long line is kept for its report. */
const TOO_LONG_HEAD_BYTES = 200;

export class LineSplitter {
  private carry: Buffer | undefined;
  private skipping = false; // inside an over-long line, waiting for its end
  private lineNo = 0;

  /** `stripBom: false` for input cut out of the middle of a stream (its line 1 is not the file's). */
  constructor(
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    private readonly stripBom = true,
  ) {}

  /** Lines seen so far (blank ones included): the number of the last line handed out. */
  get lines(): number {
    return this.lineNo;
  }

  /** Calls `onLine` for every complete line in `chunk` (the rest waits for the next chunk; `chunk` is not kept). */
  push(chunk: Uint8Array, onLine: (l: TextLine) => void): void {
    let data = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.carry) {
      data = Buffer.concat([this.carry, data]);
      this.carry = undefined;
    }
    let start = 0;
    let nl = data.indexOf(NEWLINE);
    if (this.skipping) {
      if (nl === -1) return;
      this.skipping = false;
      start = nl + 1;
      nl = data.indexOf(NEWLINE, start);
    }
    while (nl !== -1) {
      onLine(this.line(data, start, nl));
      start = nl + 1;
      nl = data.indexOf(NEWLINE, start);
    }
    if (data.length - start > this.maxLineBytes) {
      onLine(this.line(data, start, data.length));
      this.skipping = true;
    } else if (start < data.length) {
      this.carry = Buffer.from(data.subarray(start)); // a copy: the caller may reuse `chunk`
    }
  }

  /** The last line, when the input does not end with a newline. */
  end(onLine: (l: TextLine) => void): void {
    if (this.carry && !this.skipping) onLine(this.line(this.carry, 0, this.carry.length));
    this.carry = undefined;
  }

  private line(data: Buffer, from: number, to: number): TextLine {
    const line = ++this.lineNo;
    if (to - from > this.maxLineBytes) {
      return { line, text: data.toString('utf8', from, from + TOO_LONG_HEAD_BYTES), tooLong: true };
    }
    const end = to > from && data[to - 1] === 0x0d ? to - 1 : to;
    const decoded = data.toString('utf8', from, end);
    const text = line === 1 && this.stripBom && decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
    // Invalid bytes decode to U+FFFD: only then look at the bytes (a real U+FFFD is valid UTF-8).
    if (text.includes('\uFFFD') && !isUtf8(data.subarray(from, end))) {
      return { line, text, badUtf8: true, badUtf8At: firstInvalidUtf8Byte(data.subarray(from, end)) + 1 };
    }
    return { line, text };
  }
}

/** Length of the UTF-8 sequence a lead byte starts (0: not a lead byte). */
function sequenceLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/** 0-based offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceLength(bytes[i] as number);
    if (n === 0 || i + n > bytes.length || !isUtf8(bytes.subarray(i, i + n))) return i;
    i += n;
  }
  return bytes.length;
}

/** The lines of each input chunk as one array (fewer async hops than one line at a time). */
export async function* readLineBatches(
  input: Readable | AsyncIterable<Buffer | string>,
  opts: LineOptions = {},
): AsyncGenerator<TextLine[]> {
  const splitter = new LineSplitter(opts.maxLineBytes);
  let batch: TextLine[] = [];
  const add = (l: TextLine) => batch.push(l);
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk, add);
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  splitter.end(add);
  if (batch.length > 0) yield batch;
}

export async function* readLines(
  input: Readable | AsyncIterable<Buffer | string>,
  opts: LineOptions = {},
): AsyncGenerator<TextLine> {
  for await (const batch of readLineBatches(input, opts)) yield* batch;
}
