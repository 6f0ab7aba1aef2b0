import { Readable } from 'node:stream';
import { firstInvalidUtf8Byte, LineSplitter, parseEndpoints } from '../../src/formats';
import type { ParsedRow, TextLine } from '../../src/formats';

async function rows(bytes: Buffer, format: 'CSV' | 'JSON'): Promise<ParsedRow[]> {
  const out: ParsedRow[] = [];
  for await (const r of parseEndpoints(Readable.from([bytes]), format)) out.push(r);
  return out;
}

const reasons = (rs: ParsedRow[]) =>
  rs.map((r) => (r.kind === 'rejected' ? `${r.line}: ${r.reason}` : `${r.line}: ok`));

describe('text integrity of endpoint files', () => {
  test('firstInvalidUtf8Byte finds the first byte of a bad sequence, after valid multi-byte characters', () => {
    expect(firstInvalidUtf8Byte(Buffer.from('abc'))).toBe(3);
    expect(firstInvalidUtf8Byte(Buffer.from([0x63, 0x61, 0x66, 0xe9, 0xff]))).toBe(3);
    expect(firstInvalidUtf8Byte(Buffer.concat([Buffer.from('é€'), Buffer.from([0x80])]))).toBe(5);
    expect(firstInvalidUtf8Byte(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // an encoded surrogate
    expect(firstInvalidUtf8Byte(Buffer.from([0xe2, 0x82]))).toBe(0); // cut short
  });

  test('the splitter marks lines with invalid UTF-8 only, whatever the chunking', () => {
    const lines: TextLine[] = [];
    const s = new LineSplitter();
    const input = Buffer.concat([Buffer.from('ok é\nrepl \uFFFD\nbad '), Buffer.from([0xc3]), Buffer.from('x\n')]);
    for (let i = 0; i < input.length; i += 3) s.push(input.subarray(i, i + 3), (l) => lines.push(l));
    s.end((l) => lines.push(l));
    expect(lines.map((l) => [l.line, l.badUtf8 ?? false, l.badUtf8At])).toEqual([
      [1, false, undefined],
      [2, false, undefined],
      [3, true, 5],
    ]);
  });

  test('CSV: invalid UTF-8 and control characters are rejected with the field; tab and U+FFFD are text', async () => {
    const csv = Buffer.concat([
      Buffer.from('ChannelType,Address,Attributes.note\nEMAIL,a@x.org,tab\there\nEMAIL,b@x.org,\uFFFD ok\n'),
      Buffer.from('EMAIL,c@x.org,cr\rin\nEMAIL,d@x.org,esc\x1b\n'),
      Buffer.from('EMAIL,e@x.org,'),
      Buffer.from([0xff]),
      Buffer.from('\n'),
    ]);
    expect(reasons(await rows(csv, 'CSV'))).toEqual([
      '2: ok',
      '3: ok',
      '4: Attributes.note holds a control character (U+000D) at character 3',
      '5: Attributes.note holds a control character (U+001B) at character 4',
      '6: Attributes.note is not valid UTF-8 at byte 1',
    ]);
  });

  test('NDJSON: escaped control characters anywhere in the record, and invalid bytes in a field name', async () => {
    const lines = [
      JSON.stringify({ ChannelType: 'EMAIL', Address: 'a@x.org', User: { UserAttributes: { n: ['x\ny'] } } }),
      JSON.stringify({ ChannelType: 'EMAIL', Address: 'b@x.org', Attributes: { 'k\u0001': ['v'] } }),
      JSON.stringify({ ChannelType: 'EMAIL', Address: 'c@x.org', Attributes: { path: ['C:\\new'] } }),
    ];
    const badKey = Buffer.concat([
      Buffer.from('{"ChannelType":"EMAIL","Address":"d@x.org","Attributes":{"k'),
      Buffer.from([0xfe]),
      Buffer.from('":["v"]}}\n'),
    ]);
    const got = await rows(Buffer.concat([Buffer.from(lines.join('\n') + '\n'), badKey]), 'JSON');
    expect(reasons(got)).toEqual([
      '1: User.UserAttributes.n holds a control character (U+000A) at character 2',
      '2: the field name Attributes.k? holds a control character (U+0001) at character 2',
      '3: ok',
      '4: the field name Attributes.k? is not valid UTF-8 at byte 2',
    ]);
  });
});
