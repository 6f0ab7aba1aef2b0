/**
 * Repeated endpoint Ids of an import: the Id fingerprint (MurmurHash3 x86_128, checked against the reference
 * implementation's values), the counting set (growth, counts, examples), the line processor's fingerprints of written
 * rows only, and the count across the two line-processing threads of a large file and across the files of one run —
 * the same as on one thread. Real worker threads.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { hashId } from '../../src/engine/id-hash';
import type { LineFeederConfig } from '../../src/engine/line-feeder';
import { LineProcessor } from '../../src/engine/line-processor';
import type { ChunkOutput } from '../../src/engine';
import { openLineRunner, pumpLines } from '../../src/engine';
import { closeIdleLineThreads, idleLineThreads } from '../../src/engine/line-threads';
import { RepeatedIds } from '../../src/engine/repeated-ids';
import { describeDuplicateIds } from '../../src/contracts';

afterAll(() => closeIdleLineThreads());

test('the fingerprint is MurmurHash3 x86_128 (seed 0) of the UTF-16LE bytes, its first three words', () => {
  // Values of the reference implementation (Python mmh3 5.3.1, hash128(s.encode('utf-16-le'), 0, x64arch=False)).
  const expected: [string, number[]][] = [
    ['', [0, 0, 0]],
    ['a', [0x033bb196, 0xccef4fe1, 0xccef4fe1]],
    ['abc', [0x2b5b97a3, 0x20f75fb5, 0x5012c2b4]],
    ['endpoint-1', [0x1f054d45, 0x822f7b38, 0x0f003f9a]],
    ['user-42-ffffffff', [0xf12cca96, 0xa7e14cc5, 0x9064d203]],
    ['é😀x', [0x171fdf62, 0xade79abd, 0x4c6aa42d]],
    ['Hello, world! 0123456789abcdef', [0xda63af03, 0xd36d6e75, 0x9a810bed]],
  ];
  const out = new Uint32Array(4);
  for (const [id, words] of expected) {
    hashId(id, out, 1);
    expect([...out.subarray(1)]).toEqual(words);
  }
});

function fingerprints(ids: string[]): Uint32Array {
  const out = new Uint32Array(ids.length * 3);
  ids.forEach((id, i) => hashId(id, out, i * 3));
  return out;
}

describe('RepeatedIds', () => {
  test('counts the ids seen in two rows or more, the repeating rows, and names the first five', () => {
    const r = new RepeatedIds();
    const ids = ['a', 'b', 'a', 'c', 'a', 'd', 'b', 'e', 'f', 'e', 'g', 'f'];
    r.addAll({ hashes: fingerprints(ids), lines: Float64Array.from(ids, (_, i) => i + 2) }, 'x.csv');
    expect(r.ids).toBe(4); // a, b, e, f
    expect(r.rows).toBe(5);
    expect(r.distinct).toBe(7);
    expect(r.examples).toEqual([4, 6, 8, 11, 13].map((line) => ({ file: 'x.csv', line })));
  });

  test('grows past many thousands of ids and still finds every earlier one (a Set as reference)', () => {
    const r = new RepeatedIds();
    const seen = new Map<string, number>();
    const ids = Array.from({ length: 200_000 }, (_, i) => (i % 7 === 3 ? `id-${i % 5000}` : randomUUID()));
    for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
    r.addAll({ hashes: fingerprints(ids), lines: Float64Array.from(ids, (_, i) => i) }, 'f');
    expect(r.distinct).toBe(seen.size);
    expect(r.ids).toBe([...seen.values()].filter((n) => n > 1).length);
    expect(r.rows).toBe(ids.length - seen.size);
    expect(r.ids).toBeGreaterThan(1000);
  });

  test('half a million distinct ids that differ in one character count no repeat', () => {
    const r = new RepeatedIds();
    const ids = Array.from({ length: 500_000 }, (_, i) => `customer-${String(i).padStart(7, '0')}`);
    r.addAll({ hashes: fingerprints(ids), lines: new Float64Array(ids.length) }, 'f');
    expect(r.distinct).toBe(ids.length);
    expect(r.ids).toBe(0);
  });
});

test("the sentence: the issue's words, one id, the examples, and jobs that ran at once", () => {
  const one = { jobs: 1, atOnce: 2 };
  expect(describeDuplicateIds(0, [], one)).toBe('');
  expect(describeDuplicateIds(3, [], one)).toBe('3 ids appear more than once; the last row of each wins');
  expect(describeDuplicateIds(1, [{ file: 'a.csv', line: 7 }], one)).toBe(
    '1 id appears more than once; its last row wins (repeating rows include a.csv line 7)',
  );
  expect(describeDuplicateIds(2, [], { jobs: 3, atOnce: 1 })).toBe(
    '2 ids appear more than once; the last row of each wins',
  );
  expect(describeDuplicateIds(2, [], { jobs: 3, atOnce: 2 })).toMatch(
    /^2 ids appear more than once; the last row of each wins within an import job \(this run's 3 jobs ran up to 2 at once/,
  );
});

test('the line processor fingerprints the Ids of written rows only, with their lines', () => {
  const p = new LineProcessor({
    codec: { kind: 'endpoint-file', format: 'CSV' },
    maxPartBytes: 1 << 30,
    hashIds: true,
  });
  const csv = [
    'Id,ChannelType,Address',
    'p-1,EMAIL,a@example.com',
    ',EMAIL,no-id@example.com', // no Id: Pinpoint makes one, it cannot repeat
    'p-2,FAX,b@example.com', // rejected: not imported, so not counted
    '',
    'p-3,EMAIL,c@example.com',
  ].join('\n');
  const out = p.push(Buffer.from(csv));
  const end = p.end();
  const ids = [out.ids, end.ids].filter((x) => x !== undefined);
  expect(ids).toHaveLength(2);
  expect([...ids[0]!.lines, ...ids[1]!.lines]).toEqual([2, 6]);
  expect([...ids[0]!.hashes, ...ids[1]!.hashes]).toEqual([...fingerprints(['p-1', 'p-3'])]);
  expect(out.counts.rejected).toBe(1);

  const plain = new LineProcessor({ codec: { kind: 'endpoint-file', format: 'CSV' }, maxPartBytes: 1 << 30 });
  expect(plain.push(Buffer.from(`${csv}\n`)).ids).toBeUndefined(); // only when asked
});

describe('repeated ids across the threads of a large file and across the files of a run', () => {
  const HEADER = 'ChannelType,Address,Id,Attributes.note';
  const row = (i: number, id = `ep-${i}`) => `EMAIL,user${i}@example.com,${id},${'n'.repeat(i % 80)}`;
  /** ~3 MB: 40,000 rows over several 1 MiB chunks; ids repeated within a chunk and across chunks far apart. */
  const fileA = () => {
    const rows = [HEADER];
    for (let i = 0; i < 40_000; i++) {
      const id = i === 201 ? 'ep-200' : i === 35_000 ? 'ep-100' : i === 20_000 || i === 39_000 ? 'ep-300' : `ep-${i}`;
      rows.push(row(i, id));
    }
    return Buffer.from(rows.join('\n'));
  };
  /** NDJSON: one id of file A again, and one repeated within this file. */
  const fileB = () =>
    Buffer.from(
      ['ep-39999', 'b-1', 'b-2', 'b-1']
        .map((id, i) => JSON.stringify({ ChannelType: 'EMAIL', Address: `b${i}@x.org`, Id: id }))
        .join('\n'),
    );

  const config = (format: 'CSV' | 'JSON', gzipped: boolean): LineFeederConfig => ({
    gzipped,
    codec: { kind: 'endpoint-file', format },
    maxPartBytes: 1 << 30,
    hashIds: true,
  });

  async function count(threads: number, gzipped = false): Promise<RepeatedIds> {
    const repeats = new RepeatedIds();
    for (const [file, bytes, format] of [
      ['a.csv', fileA(), 'CSV'],
      ['b.ndjson', fileB(), 'JSON'],
    ] as const) {
      // 0 threads: inline; 1: one worker thread (a one-CPU machine); more: that many threads at once
      // (parallel-runner.ts), as the upload runs a large file.
      const runner = openLineRunner(
        config(format, gzipped),
        threads === 0 ? 0 : bytes.length,
        threads === 0 ? Infinity : 0,
        threads,
      );
      const consume = (o: ChunkOutput) => {
        if (o.ids) repeats.addAll(o.ids, file);
        return Promise.resolve();
      };
      try {
        await pumpLines(Readable.from([gzipped ? gzipSync(bytes) : bytes]), runner, consume);
      } finally {
        await runner.close();
      }
    }
    return repeats;
  }

  test('two threads count what one thread counts: 5 ids, 6 repeating rows, the first five named', async () => {
    const inline = await count(0);
    expect({ ids: inline.ids, rows: inline.rows }).toEqual({ ids: 5, rows: 6 });
    expect(inline.examples).toEqual([
      { file: 'a.csv', line: 203 },
      { file: 'a.csv', line: 20_002 },
      { file: 'a.csv', line: 35_002 },
      { file: 'a.csv', line: 39_002 },
      { file: 'b.ndjson', line: 1 },
    ]);
    await closeIdleLineThreads();
    const threaded = await count(2);
    expect(idleLineThreads()).toBe(2); // both threads were lent out and finished cleanly
    expect({ ids: threaded.ids, rows: threaded.rows, examples: threaded.examples }).toEqual({
      ids: inline.ids,
      rows: inline.rows,
      examples: inline.examples,
    });
  });

  test('one worker thread on a gzipped file (a one-CPU machine) counts the same', async () => {
    const inline = await count(0);
    const one = await count(1, true);
    expect({ ids: one.ids, rows: one.rows, examples: one.examples }).toEqual({
      ids: inline.ids,
      rows: inline.rows,
      examples: inline.examples,
    });
  });
});
