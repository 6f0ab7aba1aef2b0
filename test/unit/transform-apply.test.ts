import { compileTransform, toImportRecord } from '../../src/transforms';
import type { EndpointRecord } from '../../src/transforms';

function exported(overrides: EndpointRecord = {}): EndpointRecord {
  return {
    ApplicationId: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    CohortId: '42',
    CreationDate: '2026-01-02T03:04:05.000Z',
    Id: 'ep-1',
    ChannelType: 'EMAIL',
    Address: 'ada@example.com',
    EndpointStatus: 'ACTIVE',
    OptOut: 'NONE',
    Attributes: { plan: ['pro'], source: ['web'], interests: ['a', 'b'] },
    Metrics: { visits: 3, score: 0.5 },
    User: { UserId: 'u-1', UserAttributes: { tier: ['gold'], plan: ['x'] } },
    Location: { Country: 'US', City: 'Boston' },
    ...overrides,
  };
}

describe('toImportRecord', () => {
  it('drops the response-only fields and keeps Id and every EndpointRequest member', () => {
    const out = toImportRecord({ ...exported(), Unknown: 1, Demographic: { Platform: 'ios' }, EffectiveDate: 'd' });
    expect(Object.keys(out).sort()).toEqual(
      [
        'Address',
        'Attributes',
        'ChannelType',
        'Demographic',
        'EffectiveDate',
        'EndpointStatus',
        'Id',
        'Location',
        'Metrics',
        'OptOut',
        'User',
      ].sort(),
    );
    expect(out.Id).toBe('ep-1');
  });

  it('leaves out null members', () => {
    expect(toImportRecord({ Id: 'x', ChannelType: 'SMS', Address: '+15550100', Location: null })).toEqual({
      Id: 'x',
      ChannelType: 'SMS',
      Address: '+15550100',
    });
  });
});

describe('compileTransform', () => {
  it('without a spec only converts', () => {
    const outcome = compileTransform(undefined)(exported());
    expect(outcome).toEqual({ kind: 'keep', endpoint: toImportRecord(exported()) });
  });

  it('keeps only the listed channel types', () => {
    const t = compileTransform({ keepChannelTypes: ['SMS', 'EMAIL'] });
    expect(t(exported()).kind).toBe('keep');
    expect(t(exported({ ChannelType: 'SMS' })).kind).toBe('keep');
    expect(t(exported({ ChannelType: 'APNS' }))).toEqual({ kind: 'filtered', reason: 'channel-type' });
    expect(t(exported({ ChannelType: undefined }))).toEqual({ kind: 'filtered', reason: 'channel-type' });
  });

  it('drops opted-out (OptOut ALL) and inactive endpoints only when asked', () => {
    const optedOut = exported({ OptOut: 'ALL' });
    const inactive = exported({ EndpointStatus: 'INACTIVE' });
    expect(compileTransform({})(optedOut).kind).toBe('keep');
    expect(compileTransform({ dropOptedOut: true })(optedOut)).toEqual({ kind: 'filtered', reason: 'opted-out' });
    expect(compileTransform({ dropOptedOut: true })(inactive).kind).toBe('keep');
    expect(compileTransform({ dropInactive: true })(inactive)).toEqual({ kind: 'filtered', reason: 'inactive' });
    expect(compileTransform({ dropInactive: true })(exported({ OptOut: 'NONE' })).kind).toBe('keep');
  });

  it('includes attributes by name in Attributes, Metrics and User.UserAttributes', () => {
    const out = keep(compileTransform({ includeAttributes: ['plan', 'visits'] })(exported()));
    expect(out.Attributes).toEqual({ plan: ['pro'] });
    expect(out.Metrics).toEqual({ visits: 3 });
    expect(out.User).toEqual({ UserId: 'u-1', UserAttributes: { plan: ['x'] } });
  });

  it('excludes attributes by name', () => {
    const out = keep(compileTransform({ excludeAttributes: ['plan', 'score'] })(exported()));
    expect(out.Attributes).toEqual({ source: ['web'], interests: ['a', 'b'] });
    expect(out.Metrics).toEqual({ visits: 3 });
    expect(out.User).toEqual({ UserId: 'u-1', UserAttributes: { tier: ['gold'] } });
  });

  it('renames attributes after include/exclude, the renamed value winning over an existing name', () => {
    const out = keep(
      compileTransform({ excludeAttributes: ['interests'], renameAttributes: { plan: 'source', tier: 'level' } })(
        exported(),
      ),
    );
    expect(out.Attributes).toEqual({ source: ['pro'] });
    expect(out.User).toEqual({ UserId: 'u-1', UserAttributes: { level: ['gold'], source: ['x'] } });
  });

  it('sets fields by dot path with the types of the model', () => {
    const out = keep(
      compileTransform({
        set: {
          'Attributes.origin': 'sync',
          'Metrics.imported': '1',
          'Location.Country': 'DE',
          'Location.Latitude': '52.5',
          'Demographic.Locale': 'de_DE',
          'User.UserAttributes.segment': 'vip',
          EndpointStatus: 'ACTIVE',
        },
      })(exported()),
    );
    expect(out.Attributes).toEqual({ plan: ['pro'], source: ['web'], interests: ['a', 'b'], origin: ['sync'] });
    expect(out.Metrics).toEqual({ visits: 3, score: 0.5, imported: 1 });
    expect(out.Location).toEqual({ Country: 'DE', City: 'Boston', Latitude: 52.5 });
    expect(out.Demographic).toEqual({ Locale: 'de_DE' });
    expect(out.User).toEqual({ UserId: 'u-1', UserAttributes: { tier: ['gold'], plan: ['x'], segment: ['vip'] } });
  });

  it('never changes the exported record', () => {
    const input = exported();
    const before = JSON.stringify(input);
    compileTransform({
      renameAttributes: { plan: 'p' },
      excludeAttributes: ['score'],
      set: { 'Location.Country': 'DE', 'User.UserAttributes.x': 'y', 'Attributes.z': 'w' },
    })(input);
    expect(JSON.stringify(input)).toBe(before);
  });

  it('leaves attribute maps that are not objects for validation to reject, and a User without UserAttributes', () => {
    const malformed = exported({ Attributes: ['plan'], Metrics: 'visits', User: { UserId: 'u-1' } });
    const out = keep(compileTransform({ excludeAttributes: ['plan'], renameAttributes: { visits: 'v' } })(malformed));
    expect(out.Attributes).toEqual(['plan']);
    expect(out.Metrics).toBe('visits');
    expect(out.User).toEqual({ UserId: 'u-1' });
    const nullMap = exported({ User: { UserId: 'u-1', UserAttributes: null } });
    expect(keep(compileTransform({ excludeAttributes: ['plan'] })(nullMap)).User).toEqual({
      UserId: 'u-1',
      UserAttributes: null,
    });
  });

  it('sets a field under a member that is not an object by replacing that member', () => {
    const out = keep(compileTransform({ set: { 'Demographic.Locale': 'de_DE' } })(exported({ Demographic: ['x'] })));
    expect(out.Demographic).toEqual({ Locale: 'de_DE' });
  });

  it('never changes the exported record when setting a nested attribute alone', () => {
    const input = exported();
    const before = JSON.stringify(input);
    const out = keep(compileTransform({ set: { 'User.UserAttributes.segment': 'vip' } })(input));
    expect(JSON.stringify(input)).toBe(before);
    expect(out.User).toEqual({ UserId: 'u-1', UserAttributes: { tier: ['gold'], plan: ['x'], segment: ['vip'] } });
  });

  it('applies filters before anything else and counts the first reason', () => {
    const t = compileTransform({ keepChannelTypes: ['EMAIL'], dropOptedOut: true, dropInactive: true });
    expect(t(exported({ ChannelType: 'SMS', OptOut: 'ALL' }))).toEqual({ kind: 'filtered', reason: 'channel-type' });
    expect(t(exported({ OptOut: 'ALL', EndpointStatus: 'INACTIVE' }))).toEqual({
      kind: 'filtered',
      reason: 'opted-out',
    });
  });

  it('rejects an invalid spec when compiled', () => {
    expect(() => compileTransform({ keepChannelTypes: ['FAX'] })).toThrow(/"FAX" is not a channel type/);
  });
});

function keep(outcome: ReturnType<ReturnType<typeof compileTransform>>): EndpointRecord {
  if (outcome.kind !== 'keep') throw new Error(`expected keep, got ${outcome.reason}`);
  return outcome.endpoint;
}
