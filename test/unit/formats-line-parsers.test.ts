/**
 * The per-line parsers and text checks of endpoint files, one line at a time and without validation where the rule
 * is the parser's own: what a line becomes, what a rejection says, and that it never echoes the record's values.
 */
import { Readable } from 'node:stream';
import type { ParsedRow, TextLine } from '../../src/formats';
import { parseEndpoints, parseNdjsonLine, quoteCsvValue, textProblem, validateEndpoint } from '../../src/formats';

const line = (text: string, extra: Partial<TextLine> = {}): TextLine => ({ line: 7, text, ...extra });

async function parseCsv(text: string, maxLineBytes?: number): Promise<ParsedRow[]> {
  const rows: ParsedRow[] = [];
  for await (const row of parseEndpoints(Readable.from([Buffer.from(text)]), 'CSV', { maxLineBytes })) rows.push(row);
  return rows;
}

describe('parseNdjsonLine', () => {
  it('skips a line of spaces and refuses any JSON value but an object, even unvalidated', () => {
    expect(parseNdjsonLine(line('   '), undefined)).toBeUndefined();
    for (const text of ['[1]', '"x"', 'null', '3']) {
      expect(parseNdjsonLine(line(text), undefined)).toEqual({
        kind: 'rejected',
        line: 7,
        reason: 'each line must be one JSON object (an endpoint)',
      });
    }
  });

  it('names the unexpected character of bad JSON without echoing the line', () => {
    const row = parseNdjsonLine(line('{"Address": secret@example.com}'), undefined);
    expect(row).toEqual({ kind: 'rejected', line: 7, reason: "invalid JSON: unexpected 's'" });
    // A short line is echoed whole by the engine ("…, "{"A": xy}" is not valid JSON"): that part is cut too.
    expect(parseNdjsonLine(line('{"A": xy}'), undefined)).toEqual({
      kind: 'rejected',
      line: 7,
      reason: "invalid JSON: Unexpected token 'x'",
    });
  });

  it('drops each response-only field alone, and keeps the raw line only when nothing was dropped', () => {
    for (const field of ['ApplicationId', 'CohortId', 'CreationDate']) {
      const text = JSON.stringify({ ChannelType: 'SMS', Address: '+1', [field]: 'x' });
      expect(parseNdjsonLine(line(text), undefined)).toEqual({
        kind: 'ok',
        line: 7,
        endpoint: { ChannelType: 'SMS', Address: '+1' },
      });
    }
    const plain = '{"ChannelType":"SMS","Address":"+1"}';
    expect(parseNdjsonLine(line(plain), undefined)).toEqual({
      kind: 'ok',
      line: 7,
      endpoint: { ChannelType: 'SMS', Address: '+1' },
      raw: plain,
    });
  });

  it('measures a line of multi-byte characters in bytes against the 15 KB limit', () => {
    const attributes: Record<string, string[]> = {};
    for (let i = 0; i < 60; i++) attributes[`a${i}`] = ['日'.repeat(100)];
    const text = JSON.stringify({ ChannelType: 'SMS', Address: '+1', Attributes: attributes });
    expect(text.length).toBeLessThan(15 * 1024);
    const row = parseNdjsonLine(line(text), {});
    expect(row).toEqual({
      kind: 'rejected',
      line: 7,
      reason: `the endpoint is ${Buffer.byteLength(text)} bytes; at most 15360 (15 KB) are allowed`,
    });
  });
});

describe('CSV rows', () => {
  it('refuses blank and non-numeric Metrics and Location numbers, quoting at most 40 characters', async () => {
    const long = 'x'.repeat(60);
    const rows = await parseCsv(
      `ChannelType,Address,Metrics.score,Location.Latitude\nSMS,+1, ,1\nSMS,+2,${long},1\nSMS,+3,1,north\n`,
    );
    expect(rows.map((r) => (r.kind === 'rejected' ? r.reason : r.kind))).toEqual([
      'Metrics.score value " " is not a number',
      `Metrics.score value "${'x'.repeat(40)}" is not a number`,
      'Location.Latitude value "north" is not a number',
    ]);
  });

  it('skips blank lines before the header and between rows', async () => {
    const rows = await parseCsv('\n   \nChannelType,Address\nSMS,+1\n  \nSMS,+2\n');
    expect(rows.map((r) => [r.kind, r.line])).toEqual([
      ['ok', 4],
      ['ok', 6],
    ]);
  });

  it('rejects an over-long row and refuses an over-long or badly quoted header', async () => {
    const rows = await parseCsv(`ChannelType,Address\nSMS,+1${'0'.repeat(80)}\nSMS,+2\n`, 40);
    expect(rows.map((r) => (r.kind === 'rejected' ? [r.line, r.reason] : [r.line, r.kind]))).toEqual([
      [2, 'the line is too long for an endpoint (at most 15 KB)'],
      [3, 'ok'],
    ]);
    await expect(parseCsv(`ChannelType,Address${',Attributes.a'.repeat(10)}\n`, 40)).rejects.toThrow(
      'CSV header (line 1) is too long',
    );
    await expect(parseCsv('ChannelType,"Address\n')).rejects.toThrow(
      /^CSV header \(line 1\): a quoted value in column 2 is not closed/,
    );
  });
});

describe('quoteCsvValue', () => {
  it('quotes only values with a comma, a quote or spaces at either end', () => {
    expect(quoteCsvValue('plain')).toBe('plain');
    expect(quoteCsvValue('a b')).toBe('a b');
    expect(quoteCsvValue(' lead')).toBe('" lead"');
    expect(quoteCsvValue('trail ')).toBe('"trail "');
    expect(quoteCsvValue('a,b')).toBe('"a,b"');
    expect(quoteCsvValue('say "hi"')).toBe('"say ""hi"""');
  });

  it('refuses a line break', () => {
    expect(() => quoteCsvValue('a\nb')).toThrow('a CSV endpoint value cannot contain a line break');
  });
});

describe('textProblem', () => {
  it('accepts a real U+FFFD in valid UTF-8 and goes on to the control character', () => {
    const record = { A: 'x\uFFFDy', B: 'z\u0001' };
    expect(textProblem(record, line('{"A":"x\uFFFDy","B":"z\\u0001"}'), true)).toBe(
      'B holds a control character (U+0001) at character 2',
    );
  });

  it('looks at every value of a list', () => {
    const record = { Attributes: { a: ['ok', 'b\u0002'] } };
    expect(textProblem(record, line('{"Attributes":{"a":["ok","b\\u0002"]}}'), true)).toBe(
      'Attributes.a holds a control character (U+0002) at character 2',
    );
  });

  it('shows at most 60 characters of a bad field name', () => {
    const name = `${'n'.repeat(70)}\u0003`;
    expect(textProblem({ [name]: 'v' }, line('x\u0003'), false)).toBe(
      `the field name ${'n'.repeat(60)} holds a control character (U+0003) at character 71`,
    );
  });

  it('reports invalid bytes outside any value at the byte the splitter found', () => {
    expect(textProblem({ A: 'x' }, line('x,\uFFFD', { badUtf8: true, badUtf8At: 3 }), false)).toBe(
      'the line is not valid UTF-8 at byte 3',
    );
    expect(textProblem({ A: 'x' }, line('x,\uFFFD', { badUtf8: true }), false)).toBe(
      'the line is not valid UTF-8 at byte 1',
    );
  });
});

describe('validateEndpoint members of the wrong shape', () => {
  const base = { ChannelType: 'EMAIL', Address: 'a@example.com' };
  it.each([
    [{ Attributes: ['x'] }, 'Attributes must be an object mapping attribute names to lists of strings'],
    [{ Attributes: { '': ['x'] } }, 'Attributes has an empty attribute name'],
    [{ Metrics: 3 }, 'Metrics must be an object mapping metric names to numbers'],
    [{ Location: 'Paris' }, 'Location must be an object'],
    [{ Location: { Longitude: 'east' } }, 'Location.Longitude must be a number'],
    [{ Demographic: [] }, 'Demographic must be an object'],
    [{ User: 'u' }, 'User must be an object'],
    [{ Id: '' }, 'Id must not be empty'],
  ])('names %j', (member, reason) => {
    expect(validateEndpoint({ ...base, ...member })).toBe(reason);
  });
});
