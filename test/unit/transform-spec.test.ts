import { parseTransformSpec, TransformSpecError } from '../../src/transforms';

function issuesOf(input: unknown): string[] {
  try {
    parseTransformSpec(input);
  } catch (err) {
    if (err instanceof TransformSpecError) return err.issues;
    throw err;
  }
  throw new Error('expected a TransformSpecError');
}

describe('parseTransformSpec', () => {
  it('accepts a full valid spec and returns it', () => {
    const spec = {
      keepChannelTypes: ['EMAIL', 'SMS'],
      dropOptedOut: true,
      dropInactive: false,
      includeAttributes: ['plan'],
      excludeAttributes: ['secret'],
      renameAttributes: { plan: 'tier' },
      set: { 'Attributes.source': 'sync', 'Location.Latitude': '1.5', 'User.UserId': 'u' },
    };
    expect(parseTransformSpec(spec)).toEqual(spec);
    expect(parseTransformSpec({})).toEqual({});
  });

  it('names an unknown channel type and lists the valid ones', () => {
    const [issue] = issuesOf({ keepChannelTypes: ['EMAIL', 'FAX'] });
    expect(issue).toMatch(/^keepChannelTypes\.1: "FAX" is not a channel type\. Fix: use one of PUSH, GCM/);
  });

  it('rejects an empty channel list with the fix', () => {
    expect(issuesOf({ keepChannelTypes: [] })[0]).toMatch(
      /keepChannelTypes: keeps no channel type.*leave the option out/,
    );
  });

  it('rejects unknown options (typos)', () => {
    expect(issuesOf({ dropOptOut: true })[0]).toMatch(/dropOptOut/);
  });

  it('rejects wrong types', () => {
    expect(issuesOf({ dropInactive: 'yes' })[0]).toMatch(/^dropInactive: /);
    expect(issuesOf({ set: { 'Location.Country': 3 } })[0]).toMatch(
      /^set\.Location\.Country: must be text\. Fix: give values to set as strings/,
    );
  });

  it('rejects a name both included and excluded, and two renames onto one name', () => {
    const issues = issuesOf({
      includeAttributes: ['a'],
      excludeAttributes: ['a'],
      renameAttributes: { x: 'z', y: 'z' },
    });
    expect(issues).toEqual([
      'excludeAttributes: "a" is both included and excluded. Fix: keep it in one list only',
      'renameAttributes.y: "x" and "y" are both renamed to "z". Fix: give them different names',
    ]);
  });

  it('rejects attribute names over 50 characters', () => {
    expect(issuesOf({ excludeAttributes: ['x'.repeat(51)] })[0]).toMatch(/longer than 50 characters/);
  });

  it('names the option and the attribute in a bad-name message', () => {
    const long = 'x'.repeat(51);
    expect(issuesOf({ renameAttributes: { plan: long } })).toEqual([
      `renameAttributes.plan: attribute: attribute name "${long}" is longer than 50 characters (Pinpoint's limit). Fix: use a shorter name`,
    ]);
  });

  it('rejects an empty include list with the fix', () => {
    expect(issuesOf({ includeAttributes: [] })).toEqual([
      'includeAttributes: is empty. Fix: list the attribute names to keep, or leave the option out',
    ]);
  });

  it('throws a TransformSpecError by that name', () => {
    expect(() => parseTransformSpec({ dropInactive: 1 })).toThrow(
      expect.objectContaining({ name: 'TransformSpecError' }) as Error,
    );
  });

  it.each([
    ['Id', 'x', /"Id" cannot be set/],
    ['Nope', 'x', /"Nope" is not a settable field\. Fix: use a settable path: Address/],
    ['ChannelType', 'FAX', /"ChannelType" is "FAX"\. Fix: use one of PUSH/],
    ['OptOut', 'maybe', /Fix: use one of ALL, NONE/],
    ['Location.Latitude', 'north', /is "north"\. Fix: give a number/],
    ['Location.Street', 'x', /is not a Location field\. Fix: use one of City, Country/],
    ['Demographic.Color', 'x', /is not a Demographic field\. Fix: use one of AppVersion/],
    ['Metrics.score', 'high', /Fix: give a number \(Metrics values are numbers\)/],
    ['User.Name', 'x', /is not a User field\. Fix: use User.UserId or User.UserAttributes.<name>/],
    ['Attributes.', 'x', /empty segment/],
  ])('rejects set %s=%s with a clear message', (path, value, message) => {
    const issues = issuesOf({ set: { [path]: value } });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(new RegExp(`^set\\.${path.replace(/\./g, '\\.')}: `));
    expect(issues[0]).toMatch(message);
  });

  it('reports every problem at once in the error message', () => {
    expect(() => parseTransformSpec({ keepChannelTypes: ['FAX'], set: { Id: '1' } })).toThrow(
      /^invalid transform: keepChannelTypes\.0: .*; set\.Id: /,
    );
  });
});
