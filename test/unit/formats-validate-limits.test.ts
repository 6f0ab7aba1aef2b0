/**
 * validateEndpoint at the edges of each Pinpoint quota (at the limit accepted, one over refused), each member's
 * type rules, and the whole message of each refusal.
 */
import { ENDPOINT_LIMITS, validateEndpoint } from '../../src/formats';
import { newEndpointProblem } from '../../src/formats/validate-endpoint';

const base = { ChannelType: 'EMAIL', Address: 'a@example.com' };
const CHANNELS =
  'PUSH, GCM, APNS, APNS_SANDBOX, APNS_VOIP, APNS_VOIP_SANDBOX, ADM, SMS, VOICE, EMAIL, BAIDU, CUSTOM, IN_APP';

describe('validateEndpoint quotas', () => {
  it('accepts a bare new endpoint and every quota at its limit', () => {
    expect(validateEndpoint(base)).toBeUndefined();
    expect(
      validateEndpoint({
        ...base,
        Attributes: { ['n'.repeat(50)]: Array(50).fill('v'.repeat(100)) },
        Metrics: { ['m'.repeat(50)]: -1 },
        User: { UserAttributes: { ['u'.repeat(50)]: ['v'.repeat(100)] } },
      }),
    ).toBeUndefined();
    expect(validateEndpoint(base, { sizeBytes: ENDPOINT_LIMITS.maxEndpointBytes })).toBeUndefined();
  });

  it('refuses one over each quota with the whole message', () => {
    const long = 'n'.repeat(61);
    expect(validateEndpoint({ ...base, Metrics: { [long]: 1 } })).toBe(
      `Metrics attribute name "${'n'.repeat(60)}…" has 61 characters; at most 50 are allowed`,
    );
    expect(validateEndpoint({ ...base, User: { UserAttributes: { a: Array(51).fill('x') } } })).toBe(
      'User.UserAttributes.a has 51 values; at most 50 are allowed',
    );
    expect(validateEndpoint({ ...base, Attributes: { a: ['v'.repeat(101)] } })).toBe(
      'Attributes.a has a value of 101 characters; at most 100 are allowed',
    );
    expect(validateEndpoint(base, { sizeBytes: ENDPOINT_LIMITS.maxEndpointBytes + 1 })).toBe(
      'the endpoint is 15361 bytes; at most 15360 (15 KB) are allowed',
    );
  });

  it('counts custom attributes across Attributes, Metrics and UserAttributes, 250 at most', () => {
    const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const attributes = Object.fromEntries(names('a', 100).map((n) => [n, ['x']]));
    const metrics = Object.fromEntries(names('m', 100).map((n) => [n, 1]));
    const user = (n: number) => ({ UserAttributes: Object.fromEntries(names('u', n).map((k) => [k, ['x']])) });
    expect(validateEndpoint({ ...base, Attributes: attributes, Metrics: metrics, User: user(50) })).toBeUndefined();
    expect(validateEndpoint({ ...base, Attributes: attributes, Metrics: metrics, User: user(51) })).toBe(
      'the endpoint has 251 custom attributes (Attributes, Metrics, User.UserAttributes); at most 250 are allowed',
    );
    expect(
      validateEndpoint({ ...base, Attributes: attributes, Metrics: metrics, User: { UserId: 'u' } }),
    ).toBeUndefined();
  });
});

describe('validateEndpoint locations', () => {
  it('accepts latitudes from -90 to 90 and longitudes from -180 to 180', () => {
    for (const Location of [
      { Latitude: -90, Longitude: -180 },
      { Latitude: 90, Longitude: 180 },
      { Latitude: 0, Longitude: 100 },
    ]) {
      expect([Location, validateEndpoint({ ...base, Location })]).toEqual([Location, undefined]);
    }
  });

  it('refuses coordinates just outside, not numbers or not finite, and text fields that are not strings', () => {
    const reason = (Location: object) => validateEndpoint({ ...base, Location });
    expect(reason({ Latitude: -90.5 })).toBe('Location.Latitude -90.5 is outside -90..90');
    expect(reason({ Longitude: 180.5 })).toBe('Location.Longitude 180.5 is outside -180..180');
    expect(reason({ Longitude: -181 })).toBe('Location.Longitude -181 is outside -180..180');
    expect(reason({ Latitude: '48' })).toBe('Location.Latitude must be a number');
    expect(reason({ Latitude: Number.NaN })).toBe('Location.Latitude must be a number');
    expect(reason({ City: 5 })).toBe('Location.City must be a string');
    expect(reason({ Street: 'x' })).toBe(
      'Location.Street is not an endpoint field; use one of City, Country, Latitude, Longitude, PostalCode, Region',
    );
  });
});

describe('validateEndpoint members', () => {
  it('names each scalar, demographic and user field of the wrong type', () => {
    for (const key of ['Id', 'ChannelType', 'EffectiveDate', 'EndpointStatus', 'OptOut', 'RequestId']) {
      expect([key, validateEndpoint({ ...base, [key]: 1 })]).toEqual([key, `${key} must be a string`]);
    }
    expect(validateEndpoint({ ...base, Demographic: { Locale: 1 } })).toBe('Demographic.Locale must be a string');
    expect(validateEndpoint({ ...base, Demographic: { Age: '3' } })).toBe(
      'Demographic.Age is not an endpoint field; use one of AppVersion, Locale, Make, Model, ModelVersion, Platform, PlatformVersion, Timezone',
    );
    expect(validateEndpoint({ ...base, User: { UserId: 7 } })).toBe('User.UserId must be a string');
    expect(validateEndpoint({ ...base, User: { UserAttributes: ['x'] } })).toBe(
      'User.UserAttributes must be an object mapping attribute names to lists of strings',
    );
    expect(validateEndpoint({ ...base, User: { UserId: 'u', Name: 'x' } })).toBe(
      'User.Name is not an endpoint field; use User.UserId or User.UserAttributes',
    );
    expect(validateEndpoint({ ...base, Metrics: { '': 1 } })).toBe('Metrics has an empty attribute name');
    expect(validateEndpoint({ ...base, Metrics: { m: null } })).toBe('Metrics.m must be a number');
  });

  it('checks every member of Location, Demographic and User, not only the first', () => {
    expect(validateEndpoint({ ...base, Location: { City: 'Paris', Latitude: 91 } })).toBe(
      'Location.Latitude 91 is outside -90..90',
    );
    expect(validateEndpoint({ ...base, Demographic: { Locale: 'fr_FR', Make: 5 } })).toBe(
      'Demographic.Make must be a string',
    );
    expect(validateEndpoint({ ...base, User: { UserAttributes: { a: ['1'] }, UserId: 5 } })).toBe(
      'User.UserId must be a string',
    );
  });

  it('refuses an empty Id, which names no endpoint', () => {
    expect(validateEndpoint({ ...base, Id: '' })).toBe('Id must not be empty');
    expect(validateEndpoint({ Id: '', Attributes: { a: ['1'] } }, { existing: true })).toBe('Id must not be empty');
    expect(validateEndpoint({ ...base, Id: 'e' })).toBeUndefined();
  });

  it('names a bad channel with every channel, and a missing one or an empty address of a new endpoint', () => {
    expect(validateEndpoint({ ...base, ChannelType: 'FAX' })).toBe(
      `ChannelType "FAX" is not valid; use one of ${CHANNELS}`,
    );
    expect(validateEndpoint({ Address: 'x' })).toBe(`ChannelType is required for a new endpoint (one of ${CHANNELS})`);
    expect(validateEndpoint({ ChannelType: 'SMS', Address: '' })).toBe('Address is required for a new endpoint');
    expect(newEndpointProblem(base)).toBeUndefined();
    expect(validateEndpoint({ Id: 'x', Address: '' }, { existing: true })).toBeUndefined();
  });

  it('accepts each status and opt-out value and a date-only EffectiveDate', () => {
    for (const extra of [
      { EndpointStatus: 'ACTIVE', OptOut: 'ALL' },
      { EndpointStatus: 'INACTIVE', OptOut: 'NONE' },
      { EffectiveDate: '2026-01-31' },
    ]) {
      expect([extra, validateEndpoint({ ...base, ...extra })]).toEqual([extra, undefined]);
    }
  });

  it('refuses response-only fields when told to, naming the first', () => {
    expect(validateEndpoint({ ...base, CohortId: '1' }, { allowResponseFields: false })).toBe(
      '"CohortId" is not an endpoint field',
    );
    expect(validateEndpoint({ ...base, CreationDate: 'x' }, { allowResponseFields: true })).toBeUndefined();
  });
});
