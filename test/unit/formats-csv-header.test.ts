/** parseCsvHeader: each kind of column, the columns that may repeat, and the fix each refusal suggests. */
import { parseCsvHeader } from '../../src/formats/csv-columns';

const reason = (names: string[]) => {
  const out = parseCsvHeader(names);
  return 'reason' in out ? out.reason : undefined;
};

describe('parseCsvHeader', () => {
  it('maps every kind of column, trimming the names', () => {
    expect(
      parseCsvHeader([
        ' Address ',
        'User.UserId',
        'Attributes.a',
        'Attributes.a',
        'User.UserAttributes.p',
        'User.UserAttributes.p',
        'Metrics.m',
        'Location.Latitude',
        'Location.Longitude',
        'Location.City',
        'Demographic.Locale',
      ]),
    ).toEqual({
      columns: [
        { kind: 'scalar', field: 'Address' },
        { kind: 'userId' },
        { kind: 'attribute', name: 'a' },
        { kind: 'attribute', name: 'a' },
        { kind: 'userAttribute', name: 'p' },
        { kind: 'userAttribute', name: 'p' },
        { kind: 'metric', name: 'm' },
        { kind: 'location', field: 'Latitude', numeric: true },
        { kind: 'location', field: 'Longitude', numeric: true },
        { kind: 'location', field: 'City', numeric: false },
        { kind: 'demographic', field: 'Locale' },
      ],
    });
  });

  it('refuses an empty column by its number', () => {
    expect(reason(['Address', '  '])).toBe('header column 2 is empty; every column needs a field name');
  });

  it('refuses a prefix without a name, for each prefix', () => {
    for (const name of ['Attributes.', 'User.UserAttributes.', 'Metrics.']) {
      expect(reason(['Address', name])).toBe(`header column 2 "${name}" needs an attribute name after the dot`);
    }
  });

  it('refuses a repeated column that is not an attribute list', () => {
    for (const name of ['Address', 'Metrics.m', 'User.UserId', 'Location.City', 'Demographic.Make']) {
      expect(reason([name, name])).toBe(
        `header column 2 "${name}" appears twice; only Attributes.* and User.UserAttributes.* columns may repeat`,
      );
    }
  });

  it('suggests the right case of a fixed column or of a prefix', () => {
    expect(reason(['location.city'])).toBe(
      'header column 1 "location.city" is not an endpoint field; did you mean "Location.City"? (names are case-sensitive)',
    );
    expect(reason(['user.userid'])).toBe(
      'header column 1 "user.userid" is not an endpoint field; did you mean "User.UserId"? (names are case-sensitive)',
    );
    expect(reason(['demographic.timezone'])).toBe(
      'header column 1 "demographic.timezone" is not an endpoint field; did you mean "Demographic.Timezone"? (names are case-sensitive)',
    );
    expect(reason(['ATTRIBUTES.Colour'])).toBe(
      'header column 1 "ATTRIBUTES.Colour" is not an endpoint field; did you mean "Attributes.Colour"? (names are case-sensitive)',
    );
    expect(reason(['user.userattributes.Plan'])).toBe(
      'header column 1 "user.userattributes.Plan" is not an endpoint field; did you mean "User.UserAttributes.Plan"? (names are case-sensitive)',
    );
    expect(reason(['metrics.score'])).toBe(
      'header column 1 "metrics.score" is not an endpoint field; did you mean "Metrics.score"? (names are case-sensitive)',
    );
  });

  it('lists the columns when nothing is close, also for unknown Location and Demographic fields', () => {
    const list =
      '; use Id, Address, ChannelType, EffectiveDate, EndpointStatus, OptOut, RequestId, User.UserId, Location.*, Demographic.*, Attributes.<name>, Metrics.<name> or User.UserAttributes.<name>';
    expect(reason(['Colour'])).toBe(`header column 1 "Colour" is not an endpoint field${list}`);
    expect(reason(['Location.Street'])).toBe(`header column 1 "Location.Street" is not an endpoint field${list}`);
    expect(reason(['Demographic.Age'])).toBe(`header column 1 "Demographic.Age" is not an endpoint field${list}`);
    expect(reason(['User.Name'])).toBe(`header column 1 "User.Name" is not an endpoint field${list}`);
  });

  it('does not read a Location or Demographic field after another separator than the dot', () => {
    for (const name of ['Location:City', 'Demographic/Make']) {
      expect(reason([name])).toMatch(
        new RegExp(`^header column 1 "${name}" is not an endpoint field; use Id, Address,`),
      );
    }
  });

  it('suggests the prefix in its case also when the name after it repeats the prefix', () => {
    expect(reason(['metrics.Metrics.'])).toBe(
      'header column 1 "metrics.Metrics." is not an endpoint field; did you mean "Metrics.Metrics."? (names are case-sensitive)',
    );
  });
});
