import { Readable } from 'node:stream';
import type { ParsedRow } from '../../src/formats';
import { parseEndpoints, readLines } from '../../src/formats';

async function parse(text: string, opts = {}): Promise<ParsedRow[]> {
  const rows: ParsedRow[] = [];
  for await (const row of parseEndpoints(Readable.from([Buffer.from(text)]), 'JSON', opts)) rows.push(row);
  return rows;
}

describe('parseEndpoints (NDJSON)', () => {
  it('parses, validates and numbers lines; skips blank lines', async () => {
    const text = [
      '\uFEFF{"ChannelType":"SMS","Address":"+1"}',
      '',
      '   ',
      '{"ChannelType":"SMS","Address":"+2"',
      '[1,2]',
      '{"ChannelType":"SMS"}',
      '{"Id":"x","ApplicationId":"app","CohortId":"4","CreationDate":"2024-01-01T00:00:00Z","Address":"+3","ChannelType":"SMS"}',
    ].join('\r\n');
    const rows = await parse(text);
    expect(rows).toEqual([
      {
        kind: 'ok',
        line: 1,
        endpoint: { ChannelType: 'SMS', Address: '+1' },
        raw: '{"ChannelType":"SMS","Address":"+1"}',
      },
      { kind: 'rejected', line: 4, reason: expect.stringMatching(/^invalid JSON: /) },
      { kind: 'rejected', line: 5, reason: 'each line must be one JSON object (an endpoint)' },
      { kind: 'rejected', line: 6, reason: 'Address is required for a new endpoint' },
      { kind: 'ok', line: 7, endpoint: { Id: 'x', Address: '+3', ChannelType: 'SMS' } },
    ]);
  });

  it('never echoes record data in a JSON error', async () => {
    const rows = await parse('{"Address":"secret@example.com",}\n');
    expect(rows[0]).toMatchObject({ kind: 'rejected', line: 1 });
    expect(JSON.stringify(rows)).not.toContain('secret@example.com');
  });

  it('can skip validation', async () => {
    expect(await parse('{"ChannelType":"FAX"}\n', { validate: false })).toEqual([
      { kind: 'ok', line: 1, endpoint: { ChannelType: 'FAX' }, raw: '{"ChannelType":"FAX"}' },
    ]);
  });

  it('rejects over-long lines without buffering them', async () => {
    const long = `{"Address":"${'x'.repeat(5000)}"}`;
    const rows = await parse(`${long}\n{"ChannelType":"SMS","Address":"+1"}\n`, { maxLineBytes: 1000 });
    expect(rows).toEqual([
      { kind: 'rejected', line: 1, reason: expect.stringContaining('too long') },
      {
        kind: 'ok',
        line: 2,
        endpoint: { ChannelType: 'SMS', Address: '+1' },
        raw: '{"ChannelType":"SMS","Address":"+1"}',
      },
    ]);
  });
});

describe('readLines', () => {
  it('handles CRLF split across chunks and a last line without newline', async () => {
    const lines = [];
    for await (const l of readLines(Readable.from([Buffer.from('a\r'), Buffer.from('\nb\n\nc')]))) lines.push(l);
    expect(lines).toEqual([
      { line: 1, text: 'a' },
      { line: 2, text: 'b' },
      { line: 3, text: '' },
      { line: 4, text: 'c' },
    ]);
  });
});
