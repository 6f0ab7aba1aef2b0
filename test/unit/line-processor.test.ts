/**
 * LineProcessor (the parse/transform/validate core of the transfer and the import upload): output must
 * not depend on how the bytes are cut into chunks; parts respect the byte limit, also across files;
 * rejected rows name line and reason.
 */
import { gzipSync } from 'node:zlib';
import { mergeOutputs } from '../../src/engine/chunk-output';
import type { ChunkOutput } from '../../src/engine/chunk-output';
import { LineFeeder } from '../../src/engine/line-feeder';
import { LineProcessor } from '../../src/engine/line-processor';
import { DEFAULT_MAX_LINE_BYTES as MAX_LINE_BYTES } from '../../src/formats/lines';
import type { LineProcessorConfig } from '../../src/engine/line-processor';
import { partCollector } from '../harness/collected-parts';
import type { Collected } from '../harness/collected-parts';

const APP = '0123456789abcdef0123456789abcdef';

function exported(i: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    ApplicationId: APP,
    CohortId: '7',
    CreationDate: '2026-01-01T00:00:00Z',
    Id: `ep-${i}`,
    ChannelType: 'EMAIL',
    Address: `user${i}@example.com`,
    Attributes: { city: ['Zürich', '東京'] },
    ...extra,
  });
}

/** Feeds `input` in chunks of `size` bytes and assembles parts the way PartWriter does. */
function run(input: Buffer, size: number, config: Partial<LineProcessorConfig> = {}): Collected {
  const p = new LineProcessor({ maxPartBytes: 1 << 30, codec: { kind: 'export-piece' }, ...config });
  const parts = partCollector();
  for (let at = 0; at < input.length; at += size) parts.take(p.push(input.subarray(at, at + size)));
  parts.take(p.end());
  return parts.finish();
}

const lines = Array.from({ length: 300 }, (_, i) => exported(i));
lines.splice(5, 0, '{oops', '   ', '"a string"');
lines.splice(50, 0, exported(9999, { ChannelType: 'FAX' }));
const text = Buffer.from(`\uFEFF${lines.join('\r\n')}`); // BOM, CRLF, no newline at the end

test('the output does not depend on how the bytes are cut (multi-byte characters across chunks)', () => {
  const whole = run(text, text.length);
  expect(whole.counts).toEqual({ read: 303, written: 300, filtered: 0, rejected: 3 });
  expect(whole.parts).toHaveLength(1);
  const first = JSON.parse(whole.parts[0]!.text.split('\n')[0]!) as Record<string, unknown>;
  expect(first).toEqual({
    Id: 'ep-0',
    ChannelType: 'EMAIL',
    Address: 'user0@example.com',
    Attributes: { city: ['Zürich', '東京'] },
  });
  for (const size of [1, 7, 1000, 65_536]) expect(run(text, size)).toEqual(whole);
});

test('rejected rows name the line, the id when known, and the reason', () => {
  const { rejected } = run(text, 4096);
  expect(rejected).toEqual([
    { line: 6, reason: 'not valid JSON' },
    { line: 8, reason: 'an endpoint must be a JSON object' },
    { line: 51, id: 'ep-9999', reason: expect.stringMatching(/ChannelType "FAX"/) as string },
  ]);
  expect(JSON.stringify(rejected)).not.toMatch(/example\.com/);
});

test('parts never exceed maxPartBytes and every line lands in exactly one part', () => {
  const whole = run(text, text.length);
  const all = whole.parts[0]!.text;
  const maxPartBytes = 4096;
  for (const size of [100, 3000, 1 << 20]) {
    const split = run(text, size, { maxPartBytes });
    expect(split.parts.length).toBeGreaterThan(5);
    for (const part of split.parts) {
      expect(Buffer.byteLength(part.text)).toBeLessThanOrEqual(maxPartBytes);
      expect(part.text.endsWith('\n')).toBe(true);
      expect(part.text.split('\n').length - 1).toBe(part.records);
    }
    expect(split.parts.map((p) => p.text).join('')).toBe(all);
  }
});

test('a dry run counts but produces no bytes', () => {
  const dry = run(text, 5000, { dryRun: true });
  expect(dry.parts).toEqual([]);
  expect(dry.counts).toEqual(run(text, 5000).counts);
});

test('transforms apply before validation and filtered rows are counted', () => {
  const r = run(text, 5000, { codec: { kind: 'export-piece', transform: { keepChannelTypes: ['SMS'] } } });
  expect(r.counts).toMatchObject({ written: 0, filtered: 301 });
});

test('an over-long line is rejected without being buffered, and the next line is read', () => {
  const long = Buffer.concat([
    Buffer.from(`${exported(1)}\n{"Id":"x","Attributes":{"a":["`),
    Buffer.alloc(MAX_LINE_BYTES * 2, 0x61),
    Buffer.from(`"]}}\n${exported(2)}\n`),
  ]);
  const r = run(long, 1 << 20);
  expect(r.counts).toMatchObject({ written: 2, rejected: 1 });
  expect(r.rejected).toEqual([{ line: 2, reason: 'the line is too long for an endpoint (at most 15 KB)' }]);
});

describe('endpoint files (the import upload)', () => {
  const csv = Buffer.from(
    '\uFEFFChannelType,Address,Attributes.city\r\nEMAIL,a@example.com,Zürich\r\n\r\nFAX,b@example.com,x\r\nSMS,+15550100,"Bern, CH"\r\n',
  );

  test('CSV: the header is not a record; rows become NDJSON; bad rows are rejected with their line', () => {
    for (const size of [1, 5, 1 << 20]) {
      const r = run(csv, size, { codec: { kind: 'endpoint-file', format: 'CSV' } });
      expect(r.counts).toEqual({ read: 3, written: 2, filtered: 0, rejected: 1 });
      expect(r.rejected).toEqual([{ line: 4, reason: expect.stringMatching(/ChannelType "FAX"/) as string }]);
      expect(
        r.parts[0]!.text.trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l) as unknown),
      ).toEqual([
        { ChannelType: 'EMAIL', Address: 'a@example.com', Attributes: { city: ['Zürich'] } },
        { ChannelType: 'SMS', Address: '+15550100', Attributes: { city: ['Bern, CH'] } },
      ]);
    }
  });

  test('CSV: an unusable header stops the file with one rejection', () => {
    const r = run(Buffer.from('Nope\nEMAIL\n'), 3, { codec: { kind: 'endpoint-file', format: 'CSV' } });
    expect(r.counts).toEqual({ read: 0, written: 0, filtered: 0, rejected: 1 });
    expect(r.rejected).toEqual([
      { line: 1, reason: expect.stringMatching(/^the file cannot be read: CSV header/) as string },
    ]);
  });

  test('NDJSON: a line that needs no change is written as read; response-only fields are dropped', () => {
    const input = Buffer.from(
      '{"ChannelType":"EMAIL",  "Address":"a@example.com"}\n' + `${exported(1)}\n` + '{"ChannelType":"EMAIL"}\n',
    );
    const r = run(input, 1 << 20, { codec: { kind: 'endpoint-file', format: 'JSON' } });
    const out = r.parts[0]!.text.trimEnd().split('\n');
    expect(out[0]).toBe('{"ChannelType":"EMAIL",  "Address":"a@example.com"}');
    expect(JSON.parse(out[1]!)).toEqual({
      Id: 'ep-1',
      ChannelType: 'EMAIL',
      Address: 'user1@example.com',
      Attributes: { city: ['Zürich', '東京'] },
    });
    expect(r.rejected).toEqual([{ line: 3, reason: 'Address is required for a new endpoint' }]);
  });

  test("a part that spans files: the second file continues the first one's part up to the limit", () => {
    const line = '{"ChannelType":"EMAIL","Address":"a@example.com"}';
    const p = new LineProcessor({
      codec: { kind: 'endpoint-file', format: 'JSON' },
      maxPartBytes: (line.length + 1) * 3,
      partBefore: { bytes: (line.length + 1) * 2, records: 2 },
    });
    const a = p.push(Buffer.from(`${line}\n${line}\n`));
    const b = p.end();
    const blocks = [...a.blocks, ...b.blocks];
    expect(blocks.map((x) => [x.records, x.endsPart])).toEqual([
      [1, true],
      [1, false],
    ]);
  });
});

describe('LineFeeder (gunzip in front of the processor)', () => {
  const collect = async (feeder: LineFeeder, input: Buffer, size: number) => {
    const outs: ChunkOutput[] = [];
    for (let at = 0; at < input.length; at += size) outs.push(await feeder.push(input.subarray(at, at + size)));
    outs.push(await feeder.end());
    const merged = mergeOutputs(outs);
    return { counts: merged.counts, text: Buffer.concat(merged.blocks.map((b) => b.bytes)).toString('utf8') };
  };

  test('gzipped input cut anywhere gives the same output as the plain text', async () => {
    const plain = run(text, text.length);
    const gz = gzipSync(text);
    for (const size of [1, 100, 1 << 20]) {
      const got = await collect(
        new LineFeeder({ gzipped: true, codec: { kind: 'export-piece' }, maxPartBytes: 1 << 30 }),
        gz,
        size,
      );
      expect(got.counts).toEqual(plain.counts);
      expect(got.text).toBe(plain.parts[0]!.text);
    }
  });

  test("data that is not gzip fails with zlib's error code", async () => {
    const feeder = new LineFeeder({ gzipped: true, codec: { kind: 'export-piece' }, maxPartBytes: 1 << 30 });
    await expect(collect(feeder, Buffer.from('plain text, not gzip\n'), 4)).rejects.toMatchObject({
      code: 'Z_DATA_ERROR',
    });
  });
});
