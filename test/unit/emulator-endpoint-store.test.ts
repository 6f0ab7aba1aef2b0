import { deleteEndpoint, upsertEndpoint } from '../../src/emulator/endpoint-store';
import { newAppState } from '../../src/emulator/state';
import type { EndpointRecord } from '../../src/formats';

const app = () => newAppState({ Id: 'app1', Arn: 'arn', Name: 'n', CreationDate: '2024-01-01T00:00:00.000Z' });
const ctx = { requestId: 'req', now: '2024-02-02T00:00:00.000Z' };

describe('upsertEndpoint', () => {
  it.each<[string, EndpointRecord]>([
    ['minimal', { ChannelType: 'SMS', Address: '+1' }],
    [
      'with Id and every default overridden',
      {
        Id: 'x',
        ChannelType: 'SMS',
        Address: '+1',
        EffectiveDate: '2020-01-01T00:00:00Z',
        EndpointStatus: 'INACTIVE',
        OptOut: 'ALL',
        RequestId: 'own',
      },
    ],
    [
      'nested',
      {
        ChannelType: 'EMAIL',
        Address: 'a@b.c',
        Attributes: { a: ['1'] },
        User: { UserId: 'u', UserAttributes: { p: ['x'] } },
      },
    ],
  ])('stores the same endpoint from the raw NDJSON text as from the parsed record (%s)', (_name, rec) => {
    const a = app();
    const b = app();
    // As an import does: the record's own Id, or one the job derives.
    const id = rec.Id ?? 'id1';
    const slow = upsertEndpoint(a, id, rec, ctx);
    const fast = upsertEndpoint(b, id, rec, { ...ctx, raw: `  ${JSON.stringify(rec)}` });
    expect('json' in slow && 'json' in fast).toBe(true);
    const s = JSON.parse((slow as { json: string }).json) as Record<string, unknown>;
    const f = JSON.parse((fast as { json: string }).json) as Record<string, unknown>;
    expect(f).toEqual(s);
    expect(s).toMatchObject({
      ApplicationId: 'app1',
      Id: rec.Id ?? 'id1',
      CreationDate: ctx.now,
      CohortId: expect.stringMatching(/^\d{1,2}$/),
    });
    expect(s.EndpointStatus).toBe(rec.EndpointStatus ?? 'ACTIVE');
    expect(s.OptOut).toBe(rec.OptOut ?? 'NONE');
    expect(s.RequestId).toBe(rec.RequestId ?? 'req');
    expect(s.EffectiveDate).toBe(rec.EffectiveDate ?? ctx.now);
  });

  it('merges an update into the existing endpoint and keeps the user index right', () => {
    const a = app();
    upsertEndpoint(
      a,
      'e',
      { ChannelType: 'SMS', Address: '+1', Attributes: { x: ['1'], y: ['2'] }, User: { UserId: 'u1' } },
      ctx,
    );
    upsertEndpoint(
      a,
      'e',
      { Attributes: { x: ['9'] }, User: { UserId: 'u2' } },
      { requestId: 'r2', now: '2024-03-03T00:00:00.000Z' },
    );
    const e = JSON.parse(a.endpoints.get('e')!) as Record<string, unknown>;
    expect(e).toMatchObject({
      Address: '+1',
      Attributes: { x: ['9'], y: ['2'] },
      User: { UserId: 'u2' },
      RequestId: 'r2',
      CreationDate: ctx.now,
    });
    expect(a.users.get('u1')).toBeUndefined();
    expect(a.users.get('u2')).toEqual('e');
    expect(deleteEndpoint(a, 'e')).toBeDefined();
    expect(a.users.size).toBe(0);
  });
});
