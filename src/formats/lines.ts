/**
 * Splits a byte stream into text lines: UTF-8, a leading BOM dropped, LF or CRLF endings,
 * 1-based line numbers as a text editor shows them. Memory stays bounded: a line longer than
 * `maxLineChars` is not buffered; it is reported once with `tooLong` and skipped.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

export interface TextLine {
  line: number;
  text: string;
  /** The line exceeded maxLineChars; `text` holds only its beginning. */
  tooLong?: boolean;
}

export interface LineOptions {
  /** Default 1 MiB characters. */
  maxLineChars?: number;
}

export const DEFAULT_MAX_LINE_CHARS = 1024 * 1024;

/** The lines of each input chunk as one array (fewer async hops than one line at a time). */
export async function* readLineBatches(
  input: Readable | AsyncIterable<Buffer | string>,
  opts: LineOptions = {},
): AsyncGenerator<TextLine[]> {
  const max = opts.maxLineChars ?? DEFAULT_MAX_LINE_CHARS;
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let lineNo = 0;
  let first = true;
  let skipping = false; // inside an over-long line, waiting for its end
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && text.length > 0) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const batch: TextLine[] = [];
    let start = 0;
    let nl = text.indexOf('\n', start);
    while (nl !== -1) {
      lineNo++;
      if (skipping) {
        skipping = false;
      } else {
        const piece = carry.length > 0 ? carry + text.slice(start, nl) : text.slice(start, nl);
        carry = '';
        if (piece.length > max) batch.push({ line: lineNo, text: piece.slice(0, 200), tooLong: true });
        else batch.push({ line: lineNo, text: piece.endsWith('\r') ? piece.slice(0, -1) : piece });
      }
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (!skipping) {
      carry += text.slice(start);
      if (carry.length > max) {
        batch.push({ line: lineNo + 1, text: carry.slice(0, 200), tooLong: true });
        carry = '';
        skipping = true;
      }
    }
    if (batch.length > 0) yield batch;
  }
  const rest = carry + decoder.end();
  if (!skipping && rest.length > 0) {
    lineNo++;
    yield [{ line: lineNo, text: rest.endsWith('\r') ? rest.slice(0, -1) : rest }];
  }
}

export async function* readLines(
  input: Readable | AsyncIterable<Buffer | string>,
  opts: LineOptions = {},
): AsyncGenerator<TextLine> {
  for await (const batch of readLineBatches(input, opts)) yield* batch;
}
