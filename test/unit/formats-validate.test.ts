import { ENDPOINT_LIMITS, validateEndpoint } from '../../src/formats';

const base = { ChannelType: 'EMAIL', Address: 'a@example.com' };

describe('validateEndpoint', () => {
  it('accepts a full endpoint', () => {
    expect(
      validateEndpoint({
        ...base,
        Id: 'e1',
        EffectiveDate: '2024-01-02T03:04:05.000Z',
        EndpointStatus: 'ACTIVE',
        OptOut: 'NONE',
        RequestId: 'r',
        Attributes: { interests: ['a', 'b'] },
        Metrics: { score: 1.5 },
        Location: { City: 'Paris', Country: 'FR', Latitude: 48.8, Longitude: 2.3, PostalCode: '75001', Region: 'IDF' },
        Demographic: {
          AppVersion: '1',
          Locale: 'fr_FR',
          Make: 'x',
          Model: 'y',
          ModelVersion: '2',
          Platform: 'ios',
          PlatformVersion: '17',
          Timezone: 'Europe/Paris',
        },
        User: { UserId: 'u1', UserAttributes: { plan: ['gold'] } },
      }),
    ).toBeUndefined();
  });

  it.each([
    [null, 'an endpoint must be a JSON object'],
    [[1], 'an endpoint must be a JSON object'],
    [{ ...base, ChannelType: 'FAX' }, 'ChannelType "FAX" is not valid; use one of PUSH, GCM'],
    [{ Address: 'x' }, 'ChannelType is required for a new endpoint'],
    [{ ChannelType: 'SMS' }, 'Address is required for a new endpoint'],
    [{ ...base, EndpointStatus: 'ON' }, 'EndpointStatus "ON" is not valid; use ACTIVE or INACTIVE'],
    [{ ...base, OptOut: 'SOME' }, 'OptOut "SOME" is not valid; use ALL or NONE'],
    [{ ...base, EffectiveDate: 'yesterday' }, 'EffectiveDate "yesterday" is not an ISO-8601 date'],
    [{ ...base, Address: 5 }, 'Address must be a string'],
    [{ ...base, Colour: 'red' }, '"Colour" is not an endpoint field'],
    [{ ...base, Attributes: { a: 'x' } }, 'Attributes.a must be a list of strings'],
    [{ ...base, Attributes: { a: [1] } }, 'Attributes.a must be a list of strings'],
    [{ ...base, Attributes: { ['n'.repeat(51)]: ['x'] } }, 'has 51 characters; at most 50 are allowed'],
    [{ ...base, Attributes: { a: ['v'.repeat(101)] } }, 'Attributes.a has a value of 101 characters; at most 100'],
    [{ ...base, Attributes: { a: Array(51).fill('x') } }, 'Attributes.a has 51 values; at most 50 are allowed'],
    [{ ...base, Metrics: { m: '3' } }, 'Metrics.m must be a number'],
    [{ ...base, Metrics: { m: Infinity } }, 'Metrics.m must be a number'],
    [{ ...base, Location: { Latitude: 91 } }, 'Location.Latitude 91 is outside -90..90'],
    [{ ...base, Location: { Street: 'x' } }, 'Location.Street is not an endpoint field'],
    [{ ...base, Demographic: { Age: '3' } }, 'Demographic.Age is not an endpoint field'],
    [{ ...base, User: { Name: 'x' } }, 'User.Name is not an endpoint field'],
    [{ ...base, User: { UserAttributes: { a: ['v'.repeat(101)] } } }, 'User.UserAttributes.a has a value of 101'],
  ])('rejects %j', (e, reason) => {
    expect(validateEndpoint(e)).toContain(reason);
  });

  it('requires ChannelType and Address only for new endpoints', () => {
    expect(validateEndpoint({ Id: 'x', Attributes: { a: ['1'] } })).toBeUndefined();
    expect(validateEndpoint({ Id: 'x' }, { existing: false })).toContain('ChannelType is required');
    expect(validateEndpoint({ Attributes: {} }, { existing: true })).toBeUndefined();
  });

  it('limits custom attributes across Attributes, Metrics and UserAttributes', () => {
    const attrs: Record<string, string[]> = {};
    const metrics: Record<string, number> = {};
    for (let i = 0; i < 125; i++) attrs[`a${i}`] = ['x'];
    for (let i = 0; i < 125; i++) metrics[`m${i}`] = i;
    expect(validateEndpoint({ ...base, Attributes: attrs, Metrics: metrics })).toBeUndefined();
    expect(
      validateEndpoint({ ...base, Attributes: attrs, Metrics: metrics, User: { UserAttributes: { u: ['1'] } } }),
    ).toContain('the endpoint has 251 custom attributes');
  });

  it('limits the endpoint size to 15 KB', () => {
    const attrs: Record<string, string[]> = {};
    for (let i = 0; i < 4; i++) attrs[`a${i}`] = Array(40).fill('v'.repeat(100));
    const reason = validateEndpoint({ ...base, Attributes: attrs });
    expect(reason).toMatch(/^the endpoint is \d+ bytes; at most 15360 \(15 KB\) are allowed$/);
    expect(validateEndpoint(base, { sizeBytes: ENDPOINT_LIMITS.maxEndpointBytes + 1 })).toContain('at most 15360');
  });

  it('accepts response-only fields of an export unless told not to', () => {
    const exported = { ...base, Id: 'x', ApplicationId: 'a', CohortId: '3', CreationDate: '2024-01-01T00:00:00Z' };
    expect(validateEndpoint(exported)).toBeUndefined();
    expect(validateEndpoint(exported, { allowResponseFields: false })).toBe('"ApplicationId" is not an endpoint field');
  });
});
