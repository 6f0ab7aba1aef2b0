/**
 * The parallel runner (several worker threads on one exported piece) must give exactly what one
 * LineProcessor gives over the whole input: the same part bytes and record counts, the same rejected
 * rows with the same line numbers, the same counts — whatever the threads, the chunking, BOM, CRLF,
 * blank, broken, filtered or too-long lines. Real worker threads; the single-thread runner is the
 * reference. Threads are reused from piece to piece only when they finished cleanly. Also the pieces it
 * is built from: LineAligner and PartCutter.
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { LineAligner } from '../../src/engine/line-aligner';
import type { AlignedChunk } from '../../src/engine/line-aligner';
import type { LineFeederConfig } from '../../src/engine/line-feeder';
import { LineProcessor } from '../../src/engine/line-processor';
import type { ChunkOutput, OutputBlock } from '../../src/engine/chunk-output';
import { openLineRunner, pumpLines } from '../../src/engine';
import { Budget } from '../../src/engine/process-budget';
import { closeIdleLineThreads, idleLineThreads } from '../../src/engine/line-threads';
import { PartCutter } from '../../src/engine/part-cutter';
import { DEFAULT_MAX_LINE_BYTES, LINE_TOO_LONG } from '../../src/formats/lines';
import { partCollector } from '../harness/collected-parts';
import type { Collected } from '../harness/collected-parts';

const APP = '0123456789abcdef0123456789abcdef';

function exported(i: number): string {
  return JSON.stringify({
    ApplicationId: APP,
    CreationDate: '2026-01-01T00:00:00Z',
    Id: `ep-${i}`,
    ChannelType: i % 7 === 0 ? 'SMS' : 'EMAIL',
    Address: i % 7 === 0 ? `+4155550${String(i % 1000).padStart(3, '0')}` : `user${i}@example.com`,
    OptOut: i % 11 === 0 ? 'ALL' : 'NONE',
    Attributes: { city: ['Zürich', '東京'], note: ['x'.repeat(i % 500 === 499 ? 101 : i % 90)] },
    User: { UserId: `u-${i}`, UserAttributes: { tier: [String(i % 3)] } },
  });
}

/** About 5 MB of NDJSON with every kind of trouble, spread over several 1 MiB chunks. */
function awkwardInput(): Buffer {
  const lines: string[] = [];
  for (let i = 0; i < 20_000; i++) {
    lines.push(exported(i));
    if (i === 3) lines.push('', '   ', '{oops');
    if (i === 5000) lines.push(`{"Id":"long","Address":"${'a'.repeat(DEFAULT_MAX_LINE_BYTES + 5)}"}`);
    if (i === 9000) lines.push('"a string"', '[1,2]');
    if (i === 12000) lines.push(`${exported(20_001)}\r`); // a CRLF line
  }
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\n'))]); // BOM, no final newline
}

/** Runs `input` through a runner, in pieces of `size`, and assembles parts the way PartWriter does. */
async function collect(input: Buffer, config: LineFeederConfig, threads: number, size: number): Promise<Collected> {
  // A budget of exactly the threads asked for (the process's own depends on the machine's CPUs).
  const runner = openLineRunner(
    config,
    threads === 0 ? 0 : input.length,
    threads === 0 ? Infinity : 0,
    threads,
    new Budget(threads),
  );
  const parts = partCollector();
  const consume = (o: ChunkOutput) => {
    parts.take(o);
    return Promise.resolve();
  };
  const pieces: Buffer[] = [];
  for (let at = 0; at < input.length; at += size) pieces.push(Buffer.from(input.subarray(at, at + size)));
  try {
    await pumpLines(Readable.from(pieces), runner, consume);
  } finally {
    await runner.close();
  }
  return parts.finish();
}

describe('parallel runner', () => {
  const plain = awkwardInput();
  const gzipped = gzipSync(plain);
  const config = (over: Partial<LineFeederConfig> = {}): LineFeederConfig => ({
    gzipped: false,
    codec: { kind: 'export-piece', transform: { dropOptedOut: true, renameAttributes: { city: 'town' } } },
    maxPartBytes: 1_500_000,
    ...over,
  });
  let reference: Collected;

  beforeAll(async () => {
    reference = await collect(plain, config(), 0, 1 << 20); // inline: one LineProcessor over the whole input
  });

  test('the reference run saw every kind of line', () => {
    expect(reference.parts.length).toBeGreaterThan(2);
    expect(reference.counts.filtered).toBeGreaterThan(1000);
    expect(reference.rejected).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ reason: LINE_TOO_LONG }),
        expect.objectContaining({ reason: 'not valid JSON' }),
        expect.objectContaining({ id: 'ep-499' }),
      ]),
    );
  });

  test.each([
    ['2 threads, plain, 1 MiB pieces', 2, false, 1 << 20],
    ['3 threads, plain, odd pieces', 3, false, 77_777],
    ['2 threads, gzipped, 1 MiB pieces', 2, true, 1 << 20],
  ])('%s: same parts, rejected lines and counts as one processor', async (_name, threads, gz, size) => {
    const got = await collect(gz ? gzipped : plain, config({ gzipped: gz }), threads, size);
    expect(got.counts).toEqual(reference.counts);
    expect(got.rejected).toEqual(reference.rejected);
    expect(got.parts.map((p) => p.records)).toEqual(reference.parts.map((p) => p.records));
    expect(got.parts.map((p) => p.text)).toEqual(reference.parts.map((p) => p.text));
  });

  test('a part that the caller already started is continued up to the limit', async () => {
    const partBefore = { bytes: 1_000_000, records: 1 };
    const one = await collect(plain, config({ partBefore }), 0, 1 << 20);
    const two = await collect(plain, config({ partBefore }), 2, 1 << 20);
    expect(two.parts.map((p) => p.text)).toEqual(one.parts.map((p) => p.text));
    expect(Buffer.byteLength(two.parts[0]!.text)).toBeLessThanOrEqual(500_000);
  });

  test("data that is not gzip fails with zlib's error code", async () => {
    await expect(collect(plain, config({ gzipped: true }), 2, 1 << 20)).rejects.toMatchObject({
      code: 'Z_DATA_ERROR',
    });
  });

  describe('thread pool', () => {
    beforeEach(() => closeIdleLineThreads());
    afterAll(() => closeIdleLineThreads());

    test('threads that finished a piece serve the next one, set up for its config', async () => {
      await collect(plain, config(), 2, 1 << 20);
      expect(idleLineThreads()).toBe(2);
      // Another transform (none): had the kept threads not been reused, or kept the old one, this would differ.
      const plainConfig = config({ codec: { kind: 'export-piece' } });
      const expected = await collect(plain, plainConfig, 0, 1 << 20);
      const got = await collect(plain, plainConfig, 2, 1 << 20);
      expect(idleLineThreads()).toBe(2);
      expect(got.counts).toEqual(expected.counts);
      expect(got.counts.filtered).toBe(0);
      expect(got.parts.map((p) => p.text)).toEqual(expected.parts.map((p) => p.text));
      // The one-thread runner borrows from the same pool.
      const one = await collect(gzipped, config({ gzipped: true }), 1, 1 << 20);
      expect(one.parts.map((p) => p.text)).toEqual(reference.parts.map((p) => p.text));
      expect(idleLineThreads()).toBe(2);
    });

    test('threads of a piece that did not finish are stopped, not kept', async () => {
      await collect(plain, config(), 2, 1 << 20);
      expect(idleLineThreads()).toBe(2);
      await expect(collect(plain, config({ gzipped: true }), 2, 1 << 20)).rejects.toMatchObject({
        code: 'Z_DATA_ERROR',
      });
      expect(idleLineThreads()).toBe(0);
    });
  });
});

describe('LineAligner', () => {
  const run = (input: Buffer, pieceSize: number, maxLineBytes = 100, chunkBytes = 64) => {
    const aligner = new LineAligner(maxLineBytes, chunkBytes);
    const chunks: string[] = [];
    const emit = (c: AlignedChunk) => {
      chunks.push(c.kind === 'too-long' ? 'TOO LONG' : c.bytes.toString('utf8'));
      if (c.kind === 'lines') aligner.recycle(c.bytes);
    };
    for (let at = 0; at < input.length; at += pieceSize) aligner.push(input.subarray(at, at + pieceSize), emit);
    aligner.end(emit);
    return chunks;
  };

  test('chunks hold whole lines only; together they are the input', () => {
    const text = Array.from({ length: 40 }, (_, i) => `line ${i} ${'x'.repeat(i % 13)}`).join('\n');
    for (const size of [1, 7, 64, 1000]) {
      const chunks = run(Buffer.from(text), size);
      expect(chunks.join('')).toBe(text);
      for (const c of chunks.slice(0, -1)) expect(c.endsWith('\n')).toBe(true);
      expect(chunks.length).toBeGreaterThan(3);
    }
  });

  test('a leading BOM is dropped; a line over the limit becomes one too-long item and is skipped', () => {
    const text = `\uFEFFfirst\n${'y'.repeat(250)}\nlast\n`;
    const chunks = run(Buffer.from(text), 10);
    expect(chunks.join('|')).toBe('first\n|TOO LONG|last\n');
  });
});

describe('PartCutter', () => {
  const block = (lines: string[]): OutputBlock => ({
    bytes: Buffer.from(lines.map((l) => `${l}\n`).join('')),
    records: lines.length,
    endsPart: false,
  });

  test('cuts like a LineProcessor: a line that would exceed the limit opens the next part', () => {
    const lines = Array.from({ length: 50 }, (_, i) =>
      JSON.stringify({ Id: `e${i}`, ChannelType: 'EMAIL', Address: `a${'z'.repeat(i % 17)}@example.com` }),
    );
    const processor = new LineProcessor({ codec: { kind: 'endpoint-file', format: 'JSON' }, maxPartBytes: 200 });
    const fromProcessor = processor.push(Buffer.from(lines.map((l) => `${l}\n`).join(''))).blocks;
    const cutter = new PartCutter(200);
    const fromCutter = [block(lines.slice(0, 23)), block(lines.slice(23))].flatMap((b) => cutter.cut(b));
    const parts = (blocks: OutputBlock[]) => {
      const out: string[] = [''];
      for (const b of blocks) {
        out[out.length - 1] += Buffer.from(b.bytes).toString();
        if (b.endsPart) out.push('');
      }
      return out.filter((p) => p !== '');
    };
    expect(parts(fromCutter)).toEqual(parts(fromProcessor));
    for (const p of parts(fromCutter)) expect(Buffer.byteLength(p)).toBeLessThanOrEqual(200);
    expect(fromCutter.reduce((n, b) => n + b.records, 0)).toBe(50);
  });

  test('a line longer than a whole part goes alone into its own part', () => {
    const cutter = new PartCutter(10);
    const out = cutter.cut(block(['abc', 'a-very-long-line', 'de']));
    expect(out.map((b) => [Buffer.from(b.bytes).toString(), b.records, b.endsPart])).toEqual([
      ['abc\n', 1, true],
      ['a-very-long-line\n', 1, true],
      ['de\n', 1, false],
    ]);
  });
});
