/** The activation mapping: default and custom mappings, endpoint ids, invalid mappings named by field. */
import { checkActivateInput } from '../../activities/aep/activate';
import { mapProfile } from '../../activities/aep/mapping';
import { DEFAULT_MAPPING, mappingFields, resolveMapping } from '../../src/inputs/activation-mapping';

const profile = {
  _id: 'p-1',
  personalEmail: { address: 'ann@example.com' },
  mobilePhone: { number: '+15550001234' },
  person: { name: { firstName: 'Ann', lastName: 'Lee' } },
  homeAddress: { countryCode: 'DE' },
  _tenant: { loyalty: { tier: 'gold' } },
};

test('the default mapping gives an EMAIL and an SMS endpoint with ids <profile id>-email/-sms', () => {
  const m = mapProfile(profile, resolveMapping(undefined));
  expect(m.problems).toEqual([]);
  expect(m.endpoints).toEqual([
    {
      channel: 'EMAIL',
      endpoint: {
        Id: 'p-1-email',
        ChannelType: 'EMAIL',
        Address: 'ann@example.com',
        User: { UserId: 'p-1' },
        Attributes: { FirstName: ['Ann'], LastName: ['Lee'], CountryCode: ['DE'] },
      },
    },
    {
      channel: 'SMS',
      endpoint: {
        Id: 'p-1-sms',
        ChannelType: 'SMS',
        Address: '+15550001234',
        User: { UserId: 'p-1' },
        Attributes: { FirstName: ['Ann'], LastName: ['Lee'], CountryCode: ['DE'] },
      },
    },
  ]);
  expect(mappingFields(DEFAULT_MAPPING)).toEqual([
    '_id',
    'personalEmail.address',
    'mobilePhone.number',
    'person.name.firstName',
    'person.name.lastName',
    'homeAddress.countryCode',
  ]);
});

test('a profile without a phone gives only its email endpoint; an invalid email is a problem naming the field only', () => {
  const noPhone = mapProfile({ ...profile, mobilePhone: null }, DEFAULT_MAPPING);
  expect(noPhone.endpoints.map((e) => e.endpoint.Id)).toEqual(['p-1-email']);
  const bad = mapProfile({ ...profile, personalEmail: { address: 'not-an-email' } }, DEFAULT_MAPPING);
  expect(bad.endpoints.map((e) => e.channel)).toEqual(['SMS']);
  expect(bad.problems).toEqual(['personalEmail.address is not an email address']);
  expect(JSON.stringify(bad.problems)).not.toContain('not-an-email');
  expect(mapProfile({ ...profile, _id: '' }, DEFAULT_MAPPING)).toEqual({
    endpoints: [],
    problems: ['_id (the profile id) is empty'],
  });
});

test('a custom mapping replaces the parts it gives', () => {
  const m = resolveMapping({
    channels: [{ channel: 'EMAIL', address: 'personalEmail.address', idSuffix: 'mail' }],
    attributes: { Tier: '_tenant.loyalty.tier' },
  });
  expect(m.profileId).toBe('_id');
  const out = mapProfile(profile, m);
  expect(out.endpoints).toEqual([
    {
      channel: 'EMAIL',
      endpoint: {
        Id: 'p-1-mail',
        ChannelType: 'EMAIL',
        Address: 'ann@example.com',
        User: { UserId: 'p-1' },
        Attributes: { Tier: ['gold'] },
      },
    },
  ]);
  expect(mappingFields(m)).toEqual(['_id', 'personalEmail.address', '_tenant.loyalty.tier']);
});

test.each([
  [{ channels: [{ channel: 'PUSH', address: 'a.b' }] }, 'mapping.channels.0.channel: must be EMAIL or SMS'],
  [{ channels: [{ channel: 'EMAIL', address: 'a..b' }] }, 'mapping.channels.0.address: must be an XDM dot path'],
  [{ channels: [] }, 'mapping.channels: give at least one channel'],
  [{ attributes: { 'bad name': 'a.b' } }, 'mapping.attributes'],
  [{ profileId: 7 }, 'mapping.profileId: must be an XDM dot path'],
  [{ extra: 1 }, 'mapping: Unrecognized key: "extra"'],
  [
    {
      channels: [
        { channel: 'EMAIL', address: 'a' },
        { channel: 'EMAIL', address: 'b' },
      ],
    },
    'mapping.channels.1.idSuffix: two channels share the endpoint id suffix "email"',
  ],
])('an invalid mapping %j fails naming the field', (mapping, message) => {
  expect(() => resolveMapping(mapping)).toThrow(message);
});

test('the input check reports mapping problems with the other fields, before any call', () => {
  expect(() =>
    checkActivateInput({
      segments: [{ segmentId: 'seg' }],
      datasetId: 'ds1',
      applicationId: 'nothex',
      s3Url: 's3://bucket/x/',
      roleArn: 'arn:aws:iam::123456789012:role/r',
      workDir: '/tmp/w',
      mapping: { channels: [{ channel: 'FAX', address: 'a' }] },
    }),
  ).toThrow(/applicationId: .*not a Pinpoint application id.*mapping\.channels\.0\.channel: must be EMAIL or SMS/);
});
