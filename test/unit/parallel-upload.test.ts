/**
 * The import upload's line processing in several worker threads (parallel-runner.ts with the endpoint-file codec)
 * must give exactly what one LineProcessor gives over the whole file: the same part bytes and record counts, the same
 * rejected rows with the same line numbers and reasons, the same counts — for CSV (the header read on the activity's
 * thread and given to every thread) and NDJSON, plain and gzipped, whatever the threads and the chunking, with a BOM,
 * CRLF, blank, broken, over-long, invalid-UTF-8 and control-character lines. A bad CSV header is one whole-file error,
 * as on one thread. Real worker threads; the inline runner is the reference.
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { LineFeederConfig } from '../../src/engine/line-feeder';
import type { ChunkOutput } from '../../src/engine';
import { openLineRunner, pumpLines } from '../../src/engine';
import { Budget } from '../../src/engine/process-budget';
import { closeIdleLineThreads, idleLineThreads } from '../../src/engine/line-threads';
import type { EndpointFileFormat } from '../../src/contracts';
import { DEFAULT_MAX_LINE_BYTES, LINE_TOO_LONG } from '../../src/formats/lines';
import { partCollector } from '../harness/collected-parts';
import type { Collected } from '../harness/collected-parts';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const BAD_UTF8 = Buffer.from([0xc3, 0x28]);
const HEADER = 'ChannelType,Address,Id,OptOut,Attributes.city,Attributes.note,User.UserId,Metrics.score';

function csvRow(i: number): string {
  const note = 'x'.repeat(i % 90);
  return `EMAIL,user${i}@example.com,ep-${i},${i % 11 === 0 ? 'ALL' : 'NONE'},Zürich,${note},u-${i},${i % 13}`;
}

function ndjsonRow(i: number): string {
  return JSON.stringify({
    ChannelType: i % 7 === 0 ? 'SMS' : 'EMAIL',
    Address: i % 7 === 0 ? `+4155550${String(i % 1000).padStart(3, '0')}` : `user${i}@example.com`,
    Id: `ep-${i}`,
    Attributes: { city: ['Zürich', '東京'], note: ['x'.repeat(i % 90)] },
    User: { UserId: `u-${i}` },
  });
}

/** About 3–5 MB of lines with every kind of trouble, spread over several 1 MiB chunks; `header` first if given. */
function awkwardFile(row: (i: number) => string, broken: string[], control: string, header?: string): Buffer {
  const [before, after] = row(15_001).split('Zürich') as [string, string];
  const parts: Buffer[] = [BOM];
  const add = (s: string | Buffer) => parts.push(typeof s === 'string' ? Buffer.from(`${s}\n`) : s);
  if (header !== undefined) ['', '\r', header].forEach((s) => add(s));
  for (let i = 0; i < 30_000; i++) {
    add(row(i));
    if (i === 3) ['', '   ', ...broken].forEach((s) => add(s));
    if (i === 7000) add(`${row(70_000)}\r`); // a CRLF line
    if (i === 11_000) add('z'.repeat(DEFAULT_MAX_LINE_BYTES + 5)); // over-long, crosses a chunk boundary
    if (i === 15_000) add(Buffer.concat([Buffer.from(`${before}Z`), BAD_UTF8, Buffer.from(`rich${after}\n`)]));
    if (i === 20_000) add(row(20_001).replace('Zürich', `Zü${control}rich`)); // a control character
  }
  add(row(99_999).trimEnd()); // the last line without its newline
  const joined = Buffer.concat(parts);
  return joined.subarray(0, joined.length - 1);
}

function config(format: EndpointFileFormat, over: Partial<LineFeederConfig> = {}): LineFeederConfig {
  return { gzipped: false, codec: { kind: 'endpoint-file', format }, maxPartBytes: 1_300_000, ...over };
}

/** Runs `input` through a runner (0 threads: inline), in pieces of `size`, and assembles parts the way PartWriter does. */
async function collect(input: Buffer, cfg: LineFeederConfig, threads: number, size: number): Promise<Collected> {
  // A budget of exactly the threads asked for (the process's own depends on the machine's CPUs).
  const runner = openLineRunner(
    cfg,
    threads === 0 ? 0 : input.length,
    threads === 0 ? Infinity : 0,
    threads,
    new Budget(threads),
  );
  const parts = partCollector();
  let stopped = false;
  const consume = (o: ChunkOutput) => {
    parts.take(o);
    if (o.stopped) stopped = true;
    return Promise.resolve();
  };
  const pieces: Buffer[] = [];
  for (let at = 0; at < input.length; at += size) pieces.push(Buffer.from(input.subarray(at, at + size)));
  try {
    await pumpLines(Readable.from(pieces), runner, consume);
  } finally {
    await runner.close();
  }
  return { ...parts.finish(), ...(stopped ? { stopped } : {}) };
}

function expectSame(got: Collected, reference: Collected): void {
  expect(got.counts).toEqual(reference.counts);
  expect(got.rejected).toEqual(reference.rejected);
  expect(got.parts.map((p) => p.records)).toEqual(reference.parts.map((p) => p.records));
  expect(got.parts.map((p) => p.text)).toEqual(reference.parts.map((p) => p.text));
  expect(got).toEqual(reference);
}

const RUNS: [string, number, boolean, number][] = [
  ['2 threads, plain, 1 MiB pieces', 2, false, 1 << 20],
  ['3 threads, plain, odd pieces', 3, false, 77_777],
  ['2 threads, gzipped, odd pieces', 2, true, 65_537],
  ['3 threads, gzipped, 1 MiB pieces', 3, true, 1 << 20],
];

afterAll(() => closeIdleLineThreads());

describe.each([
  [
    'CSV',
    awkwardFile(csvRow, ['EMAIL,"open', 'EMAIL,a@b.c', 'EMAIL,a@b.c,ep-x,NONE,c,n,u,notanumber'], '\x1b', HEADER),
  ],
  ['JSON', awkwardFile(ndjsonRow, ['{oops', '"a string"', '[1,2]', '{"ChannelType":"EMAIL"}'], '\\u001b')],
] as const)('import upload in threads, %s', (format, plain) => {
  const gzipped = gzipSync(plain);
  let reference: Collected;

  beforeAll(async () => {
    reference = await collect(plain, config(format), 0, 1 << 20); // inline: one LineProcessor over the whole file
  });

  test('the reference run saw every kind of line', () => {
    expect(reference.parts.length).toBeGreaterThan(2);
    expect(reference.counts.written).toBeGreaterThan(29_000);
    const reasons = (reference.rejected as { line: number; reason: string }[]).map((r) => `${r.line}: ${r.reason}`);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`: ${LINE_TOO_LONG}`),
        expect.stringMatching(/: Attributes.city is not valid UTF-8 at byte 2$/),
        expect.stringMatching(/control character \(U\+001B\)/),
      ]),
    );
    expect(reasons.length).toBeGreaterThanOrEqual(6);
  });

  test.each(RUNS)('%s: same parts, rejected lines and counts as one processor', async (_name, threads, gz, size) => {
    await closeIdleLineThreads();
    expectSame(await collect(gz ? gzipped : plain, config(format, { gzipped: gz }), threads, size), reference);
    expect(idleLineThreads()).toBe(threads); // all of them worked on it, and finished cleanly
  });

  test('a part that the caller already started is continued up to the limit', async () => {
    const partBefore = { bytes: 1_000_000, records: 1 };
    const one = await collect(plain, config(format, { partBefore }), 0, 1 << 20);
    const two = await collect(plain, config(format, { partBefore }), 2, 1 << 20);
    expectSame(two, one);
    expect(Buffer.byteLength(two.parts[0]!.text)).toBeLessThanOrEqual(300_000);
  });
});

describe('import upload in threads, CSV header', () => {
  const rows = Array.from({ length: 40_000 }, (_, i) => csvRow(i)).join('\r\n');
  const cases: [string, Buffer][] = [
    ['a bad header after blank lines', Buffer.from(`\n \r\n${HEADER},Nope.field\r\n${rows}`)],
    ['a header with a broken quote', Buffer.from(`"ChannelType,Address\n${rows}`)],
    ['an over-long header', Buffer.from(`\n${'A'.repeat(DEFAULT_MAX_LINE_BYTES + 3)}\n${rows}`)],
    ['blank lines filling a whole chunk, then the header', Buffer.from(`${'\n'.repeat(1_200_000)}${HEADER}\n${rows}`)],
    ['the header alone', Buffer.concat([BOM, Buffer.from(`${HEADER}\r\n\r\n`)])],
    ['no lines but blank ones', Buffer.from('\n\n \n')],
  ];

  test.each(cases)('%s: the same as one processor', async (_name, plain) => {
    const reference = await collect(plain, config('CSV'), 0, 1 << 20);
    for (const [threads, gz, size] of [
      [2, false, 1 << 20],
      [3, true, 65_537],
    ] as const) {
      expectSame(await collect(gz ? gzipSync(plain) : plain, config('CSV', { gzipped: gz }), threads, size), reference);
    }
  });

  test('a bad header is one whole-file error naming its line; no row is read', async () => {
    const got = await collect(cases[0]![1], config('CSV'), 2, 1 << 20);
    expect(got.parts).toEqual([]);
    expect(got.counts).toEqual({ read: 0, written: 0, filtered: 0, rejected: 1 });
    expect(got.rejected).toEqual([
      {
        line: 3,
        reason: expect.stringMatching(/^the file cannot be read: CSV header \(line 3\): header column 9 "Nope.field"/),
      },
    ]);
    expect(got).toMatchObject({ stopped: true });
  });
});
