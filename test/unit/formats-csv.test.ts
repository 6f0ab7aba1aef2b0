import { Readable } from 'node:stream';
import type { EndpointRecord, ParsedRow } from '../../src/formats';
import { EndpointFileError, endpointsToCsv, parseEndpoints, splitCsvLine } from '../../src/formats';

async function parse(text: string | Buffer, chunkSize = 7): Promise<ParsedRow[]> {
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  const chunks: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunkSize) chunks.push(buf.subarray(i, i + chunkSize));
  const rows: ParsedRow[] = [];
  for await (const row of parseEndpoints(Readable.from(chunks), 'CSV')) rows.push(row);
  return rows;
}

describe('splitCsvLine', () => {
  it('splits plain and quoted values', () => {
    expect(splitCsvLine('a,b,,c')).toEqual({ ok: true, values: ['a', 'b', '', 'c'] });
    expect(splitCsvLine('"a,b","say ""hi""",c,""')).toEqual({ ok: true, values: ['a,b', 'say "hi"', 'c', ''] });
    expect(splitCsvLine('x,"y"')).toEqual({ ok: true, values: ['x', 'y'] });
  });
  it('explains bad quoting', () => {
    expect(splitCsvLine('a,"b')).toEqual({
      ok: false,
      reason: expect.stringContaining('column 2 is not closed on this line'),
    });
    expect(splitCsvLine('a,b"c')).toEqual({
      ok: false,
      reason: expect.stringContaining('column 2 contains a double quote'),
    });
    expect(splitCsvLine('"a"b,c')).toEqual({
      ok: false,
      reason: 'unexpected text after the closing quote in column 1',
    });
  });
});

describe('parseEndpoints (CSV)', () => {
  it('maps the dot-notation header onto every endpoint field', async () => {
    const csv =
      '\uFEFFChannelType,Address,Id,EffectiveDate,EndpointStatus,OptOut,RequestId,Attributes.interests,Attributes.interests,Metrics.score,User.UserId,User.UserAttributes.plan,Location.City,Location.Country,Location.Latitude,Location.Longitude,Location.PostalCode,Location.Region,Demographic.AppVersion,Demographic.Locale,Demographic.Make,Demographic.Model,Demographic.ModelVersion,Demographic.Platform,Demographic.PlatformVersion,Demographic.Timezone\r\n' +
      'EMAIL,a@example.com,e1,2024-01-02T00:00:00.000Z,ACTIVE,NONE,r1,"cats, dogs","the ""best""",4.5,u1,gold,Paris,FR,48.85,2.35,75001,IDF,1.0,fr_FR,Apple,iPhone,15,ios,17.1,Europe/Paris\r\n';
    const rows = await parse(csv);
    expect(rows).toEqual([
      {
        kind: 'ok',
        line: 2,
        endpoint: {
          ChannelType: 'EMAIL',
          Address: 'a@example.com',
          Id: 'e1',
          EffectiveDate: '2024-01-02T00:00:00.000Z',
          EndpointStatus: 'ACTIVE',
          OptOut: 'NONE',
          RequestId: 'r1',
          Attributes: { interests: ['cats, dogs', 'the "best"'] },
          Metrics: { score: 4.5 },
          User: { UserId: 'u1', UserAttributes: { plan: ['gold'] } },
          Location: {
            City: 'Paris',
            Country: 'FR',
            Latitude: 48.85,
            Longitude: 2.35,
            PostalCode: '75001',
            Region: 'IDF',
          },
          Demographic: {
            AppVersion: '1.0',
            Locale: 'fr_FR',
            Make: 'Apple',
            Model: 'iPhone',
            ModelVersion: '15',
            Platform: 'ios',
            PlatformVersion: '17.1',
            Timezone: 'Europe/Paris',
          },
        },
      },
    ]);
  });

  it('rejects bad rows with their line numbers and keeps going', async () => {
    const csv = [
      'ChannelType,Address,Metrics.score,Attributes.a',
      'SMS,+15550001,1,x',
      '',
      'FAX,+15550002,1,x',
      'SMS,"+1555',
      '0003",2,y',
      'SMS,+15550004,abc,x',
      'SMS,+15550005,1',
      'SMS,+15550006,,',
      ',+15550007,1,x',
    ].join('\n');
    const rows = await parse(csv, 5);
    expect(rows.map((r) => [r.kind, r.line, r.kind === 'rejected' ? r.reason : r.endpoint.Address])).toEqual([
      ['ok', 2, '+15550001'],
      ['rejected', 4, expect.stringContaining('ChannelType "FAX" is not valid')],
      ['rejected', 5, expect.stringContaining('is not closed on this line (values cannot contain line breaks)')],
      ['rejected', 6, expect.stringContaining('column 1 contains a double quote')],
      ['rejected', 7, 'Metrics.score value "abc" is not a number'],
      ['rejected', 8, 'the row has 3 values but the header has 4 columns'],
      ['ok', 9, '+15550006'],
      ['rejected', 10, expect.stringContaining('ChannelType is required')],
    ]);
  });

  it('yields nothing for an empty file or a header alone', async () => {
    expect(await parse('')).toEqual([]);
    expect(await parse('ChannelType,Address\r\n')).toEqual([]);
  });

  it('refuses an unknown or repeated header column, naming the fix', async () => {
    await expect(parse('ChannelType,address\nSMS,1\n')).rejects.toThrow(
      'CSV header (line 1): header column 2 "address" is not an endpoint field; did you mean "Address"?',
    );
    await expect(parse('Address,Address\n')).rejects.toThrow(EndpointFileError);
    await expect(parse('Address,Address\n')).rejects.toThrow(
      'only Attributes.* and User.UserAttributes.* columns may repeat',
    );
    await expect(parse('Attributes.,Address\n')).rejects.toThrow('needs an attribute name after the dot');
  });

  it('handles multi-byte characters split across chunks', async () => {
    const rows = await parse('ChannelType,Address,Attributes.name\nEMAIL,a@b.c,Zoë 日本\n', 3);
    expect(rows).toEqual([
      { kind: 'ok', line: 2, endpoint: { ChannelType: 'EMAIL', Address: 'a@b.c', Attributes: { name: ['Zoë 日本'] } } },
    ]);
  });

  it('round-trips through endpointsToCsv', async () => {
    const endpoints: EndpointRecord[] = [
      { ChannelType: 'EMAIL', Address: 'a@x.y', Attributes: { t: ['a,b', ' lead', 'q"q'] }, Metrics: { m: -1.25 } },
      {
        ChannelType: 'SMS',
        Address: '+1',
        User: { UserId: 'u', UserAttributes: { p: ['1', '2'] } },
        Location: { Latitude: 1 },
      },
    ];
    const rows = await parse(endpointsToCsv(endpoints));
    expect(rows.map((r) => (r.kind === 'ok' ? r.endpoint : r))).toEqual(endpoints);
  });
});
