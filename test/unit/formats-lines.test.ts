/**
 * The line layer of endpoint files (lines.ts) and the stream helpers on top of it (endpoint-files.ts, parsed-row.ts):
 * where a line ends, what of its bytes it keeps, how an over-long line is cut and skipped across chunks, and that a
 * batch is one input chunk's lines or rows, never empty.
 */
import { Readable } from 'node:stream';
import type { TextLine } from '../../src/formats';
import {
  EndpointFileError,
  firstInvalidUtf8Byte,
  LineSplitter,
  parseEndpointBatches,
  readLineBatches,
  validateOptionsOf,
} from '../../src/formats';

/** Pushes each chunk to `splitter`, then ends it; returns every line handed out. */
function split(splitter: LineSplitter, chunks: (string | Buffer)[]): TextLine[] {
  const lines: TextLine[] = [];
  for (const c of chunks) splitter.push(typeof c === 'string' ? Buffer.from(c) : c, (l) => lines.push(l));
  splitter.end((l) => lines.push(l));
  return lines;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('LineSplitter', () => {
  it('drops a byte order mark only at the start of line 1, and not when told the input is a middle piece', () => {
    expect(split(new LineSplitter(), ['\uFEFFa\n\uFEFFb\n']).map((l) => l.text)).toEqual(['a', '\uFEFFb']);
    expect(split(new LineSplitter(), ['ab\n']).map((l) => l.text)).toEqual(['ab']);
    expect(split(new LineSplitter(undefined, false), ['\uFEFFa\n']).map((l) => l.text)).toEqual(['\uFEFFa']);
  });

  it('drops only the carriage return that ends a line', () => {
    expect(split(new LineSplitter(), ['a\rb\r\n', 'c\r\r\n', '\r\n', 'd\r']).map((l) => l.text)).toEqual([
      'a\rb',
      'c\r',
      '',
      'd',
    ]);
  });

  it('hands out no empty last line after a final newline, and counts every line', () => {
    const s = new LineSplitter();
    expect(split(s, ['a\n', '\n', 'b\n'])).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: '' },
      { line: 3, text: 'b' },
    ]);
    expect(s.lines).toBe(3);
  });

  // Limits above 200 bytes, as every real one is: an over-long line keeps its first 200 bytes.
  const x = (n: number) => 'x'.repeat(n);

  it('keeps a line of exactly maxLineBytes, also when it arrives in pieces', () => {
    expect(split(new LineSplitter(300), [`${x(300)}\nok\n`])).toEqual([
      { line: 1, text: x(300) },
      { line: 2, text: 'ok' },
    ]);
    expect(split(new LineSplitter(300), [x(150), x(150), '\nok'])).toEqual([
      { line: 1, text: x(300) },
      { line: 2, text: 'ok' },
    ]);
  });

  it('reports a line one byte over the limit once, with its first 200 bytes, also after a piece at the limit', () => {
    expect(split(new LineSplitter(300), [`${x(301)}\nok\n`])).toEqual([
      { line: 1, text: x(200), tooLong: true },
      { line: 2, text: 'ok' },
    ]);
    expect(split(new LineSplitter(300), [x(300), 'x\nok\n'])).toEqual([
      { line: 1, text: x(200), tooLong: true },
      { line: 2, text: 'ok' },
    ]);
  });

  it('skips the rest of an over-long line over chunks without a newline, then reads on', () => {
    const s = new LineSplitter(300);
    expect(split(s, [`first\n${x(310)}`, x(50), x(50), 'x\nnext\n', 'last'])).toEqual([
      { line: 1, text: 'first' },
      { line: 2, text: x(200), tooLong: true },
      { line: 3, text: 'next' },
      { line: 4, text: 'last' },
    ]);
    expect(s.lines).toBe(4);
  });

  it('hands out nothing more at the end of input inside an over-long line', () => {
    expect(split(new LineSplitter(300), [`ok\n${x(310)}`, 'more'])).toEqual([
      { line: 1, text: 'ok' },
      { line: 2, text: x(200), tooLong: true },
    ]);
  });

  it('keeps the bytes of an unfinished line when the caller reuses its chunk buffer', () => {
    const lines: TextLine[] = [];
    const s = new LineSplitter();
    const chunk = Buffer.from('abc');
    s.push(chunk, (l) => lines.push(l));
    chunk.write('xyz');
    s.push(Buffer.from('\n'), (l) => lines.push(l));
    expect(lines).toEqual([{ line: 1, text: 'abc' }]);
  });
});

describe('firstInvalidUtf8Byte', () => {
  it('passes the first and last character of each UTF-8 length and stops at the byte after them', () => {
    // U+007F, U+0080, U+07FF, U+0800, U+FFFF, U+10000, U+10FFFF: 1 + 2 + 2 + 3 + 3 + 4 + 4 bytes.
    const valid = Buffer.from('\u007F\u0080\u07FF\u0800\uFFFF\u{10000}\u{10FFFF}');
    expect(valid.length).toBe(19);
    expect(firstInvalidUtf8Byte(valid)).toBe(19);
    for (const bad of [0x80, 0xc0, 0xc1, 0xf5, 0xff]) {
      expect(firstInvalidUtf8Byte(Buffer.concat([valid, Buffer.from([bad, 0x80, 0x80, 0x80])]))).toBe(19);
    }
  });
});

describe('readLineBatches', () => {
  it("yields each chunk's complete lines as one batch and never an empty batch", async () => {
    const batches = await collect(readLineBatches(Readable.from([Buffer.from('a\nb'), Buffer.from('\nc'), 'd', '\n'])));
    expect(batches).toEqual([[{ line: 1, text: 'a' }], [{ line: 2, text: 'b' }], [{ line: 3, text: 'cd' }]]);
  });

  it('reads text chunks as UTF-8 and yields the last line without a newline in a batch of its own', async () => {
    const batches = await collect(readLineBatches(Readable.from(['é\nZoë'])));
    expect(batches).toEqual([[{ line: 1, text: 'é' }], [{ line: 2, text: 'Zoë' }]]);
  });

  it('applies maxLineBytes', async () => {
    const input = Readable.from([Buffer.from(`${'x'.repeat(251)}\nok\n`)]);
    const batches = await collect(readLineBatches(input, { maxLineBytes: 250 }));
    expect(batches).toEqual([
      [
        { line: 1, text: 'x'.repeat(200), tooLong: true },
        { line: 2, text: 'ok' },
      ],
    ]);
  });
});

describe('parseEndpointBatches', () => {
  const chunks = () => Readable.from(['ChannelType,Address\n', 'SMS,+1\nFAX,+2\n', '\n', 'SMS,+3\n']);

  it("yields each chunk's rows as one batch, none for a chunk of only the header or blank lines", async () => {
    const batches = await collect(parseEndpointBatches(chunks(), 'CSV'));
    expect(batches.map((b) => b.map((r) => [r.line, r.kind]))).toEqual([
      [
        [2, 'ok'],
        [3, 'rejected'],
      ],
      [[5, 'ok']],
    ]);
  });

  it('validates by default, skips validation when told, and passes validation options on', async () => {
    const ndjson = () => Readable.from(['{"Attributes":{"a":["1"]}}\n']);
    const kinds = async (opts: Parameters<typeof parseEndpointBatches>[2]) =>
      (await collect(parseEndpointBatches(ndjson(), 'JSON', opts))).flat().map((r) => r.kind);
    expect(await kinds(undefined)).toEqual(['rejected']);
    expect(await kinds({ validate: true })).toEqual(['rejected']);
    expect(await kinds({ validate: false })).toEqual(['ok']);
    expect(await kinds({ validate: { existing: true } })).toEqual(['ok']);
  });
});

describe('validateOptionsOf', () => {
  it('turns the validate option into validator options: none for false, the defaults for true or nothing', () => {
    expect(validateOptionsOf({ validate: false })).toBeUndefined();
    expect(validateOptionsOf({ validate: true })).toEqual({});
    expect(validateOptionsOf({})).toEqual({});
    expect(validateOptionsOf({ validate: { existing: true } })).toEqual({ existing: true });
  });
});

describe('EndpointFileError', () => {
  it('carries its name and the line of the problem', async () => {
    const error = new EndpointFileError(3, 'the header is unusable');
    expect(error).toBeInstanceOf(Error);
    expect([error.name, error.line, error.message]).toEqual(['EndpointFileError', 3, 'the header is unusable']);
    const blankLinesFirst = Readable.from(['\n\nAddress,Colour\n']);
    await expect(collect(parseEndpointBatches(blankLinesFirst, 'CSV'))).rejects.toMatchObject({
      name: 'EndpointFileError',
      line: 3,
    });
  });
});
