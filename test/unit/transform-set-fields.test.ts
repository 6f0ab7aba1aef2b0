/** The `set` option of a transform: dot paths compiled into typed operations, and how they are applied. */
import { applySetOperation, checkAttributeName, compileSetOperation } from '../../src/transforms/set-fields';

describe('compileSetOperation', () => {
  it('keeps a top-level field as a string and checks enum values', () => {
    expect(compileSetOperation('Address', 'a@example.com')).toEqual({ path: ['Address'], value: 'a@example.com' });
    expect(compileSetOperation('ChannelType', 'SMS')).toEqual({ path: ['ChannelType'], value: 'SMS' });
    expect(compileSetOperation('OptOut', 'none')).toBe('"OptOut" is "none". Fix: use one of ALL, NONE');
  });

  it('turns Location.Latitude/Longitude into numbers and refuses blanks and non-numbers', () => {
    expect(compileSetOperation('Location.Longitude', '-71.06')).toEqual({
      path: ['Location', 'Longitude'],
      value: -71.06,
    });
    expect(compileSetOperation('Location.City', 'Boston')).toEqual({ path: ['Location', 'City'], value: 'Boston' });
    expect(compileSetOperation('Location.Latitude', ' ')).toBe('"Location.Latitude" is " ". Fix: give a number');
    expect(compileSetOperation('Location.Latitude', 'Infinity')).toMatch(/Fix: give a number/);
    expect(compileSetOperation('Location.City.Name', 'x')).toMatch(
      /is not a Location field\. Fix: use one of City, Country, PostalCode/,
    );
    expect(compileSetOperation('Location.Latitude.x', '1')).toMatch(/is not a Location field/);
  });

  it('makes attribute values one-element lists, keeping dots in the attribute name', () => {
    expect(compileSetOperation('Attributes.team.name', 'blue')).toEqual({
      path: ['Attributes', 'team.name'],
      value: ['blue'],
    });
    expect(compileSetOperation('User.UserAttributes.tier.level', 'gold')).toEqual({
      path: ['User', 'UserAttributes', 'tier.level'],
      value: ['gold'],
    });
    expect(compileSetOperation('User.UserId', 'u-9')).toEqual({ path: ['User', 'UserId'], value: 'u-9' });
  });

  it('parses Metrics values as numbers and refuses blanks', () => {
    expect(compileSetOperation('Metrics.visits', '12')).toEqual({ path: ['Metrics', 'visits'], value: 12 });
    expect(compileSetOperation('Metrics.visits', '')).toBe(
      '"Metrics.visits" is "". Fix: give a number (Metrics values are numbers)',
    );
    expect(compileSetOperation('Metrics.visits', '  ')).toMatch(/Metrics values are numbers/);
  });

  it('checks attribute names against Pinpoint’s 50-character limit, at 50 and 51', () => {
    const name50 = 'n'.repeat(50);
    expect(compileSetOperation(`Attributes.${name50}`, 'x')).toEqual({ path: ['Attributes', name50], value: ['x'] });
    expect(compileSetOperation(`Metrics.${name50}x`, '1')).toBe(
      `Metrics.${name50}x: attribute name "${name50}x" is longer than 50 characters (Pinpoint's limit). Fix: use a shorter name`,
    );
    expect(compileSetOperation(`User.UserAttributes.${name50}x`, 'v')).toMatch(/longer than 50 characters/);
  });

  it('refuses User paths other than UserId and UserAttributes.<name>', () => {
    const hint = /use User\.UserId or User\.UserAttributes\.<name>/;
    expect(compileSetOperation('User.UserAttributes', 'x')).toMatch(hint);
    expect(compileSetOperation('User.UserId.x', 'x')).toMatch(hint);
  });

  it('refuses a Demographic path with more than one field', () => {
    expect(compileSetOperation('Demographic.Locale', 'de_DE')).toEqual({
      path: ['Demographic', 'Locale'],
      value: 'de_DE',
    });
    expect(compileSetOperation('Demographic.Locale.x', 'de_DE')).toBe(
      '"Demographic.Locale.x" is not a Demographic field. Fix: use one of AppVersion, Locale, Make, Model, ModelVersion, Platform, ' +
        'PlatformVersion, Timezone',
    );
  });

  it('names the empty segment or the unknown head with the settable paths', () => {
    expect(compileSetOperation('', 'x')).toBe(
      '"" has an empty segment. Fix: use a settable path: Address, ChannelType, EffectiveDate, EndpointStatus, OptOut, ' +
        'RequestId, Demographic.<field>, Location.<field>, Attributes.<name>, Metrics.<name>, User.UserId, ' +
        'User.UserAttributes.<name>',
    );
    expect(compileSetOperation('Address.x', 'x')).toMatch(
      /^"Address\.x" is not a settable field\. Fix: use a settable path: /,
    );
  });
});

describe('checkAttributeName', () => {
  it('names an empty attribute name', () => {
    expect(checkAttributeName('', 'Attributes.')).toBe('Attributes.: attribute name is empty. Fix: name the attribute');
    expect(checkAttributeName('plan', 'Attributes.plan')).toBeUndefined();
  });
});

describe('applySetOperation', () => {
  it('creates the objects on the path, replacing a value that is not an object', () => {
    const target: Record<string, unknown> = { User: { UserId: 'u' }, Location: null, Demographic: ['x'] };
    applySetOperation(target, { path: ['User', 'UserAttributes', 'tier'], value: ['gold'] });
    applySetOperation(target, { path: ['Location', 'City'], value: 'Boston' });
    applySetOperation(target, { path: ['Demographic', 'Locale'], value: 'de_DE' });
    expect(target).toEqual({
      User: { UserId: 'u', UserAttributes: { tier: ['gold'] } },
      Location: { City: 'Boston' },
      Demographic: { Locale: 'de_DE' },
    });
  });

  it('gives every record its own copy of a list value', () => {
    const op = { path: ['Attributes', 'origin'], value: ['sync'] };
    const a: Record<string, unknown> = {};
    const b: Record<string, unknown> = {};
    applySetOperation(a, op);
    applySetOperation(b, op);
    (a.Attributes as Record<string, string[]>).origin?.push('changed');
    expect(b).toEqual({ Attributes: { origin: ['sync'] } });
    expect(op.value).toEqual(['sync']);
  });
});
