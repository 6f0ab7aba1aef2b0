/** endpointsToCsv: the header it computes (column order, repeated attribute columns) and the text of each row. */
import { endpointsToCsv } from '../../src/formats';

describe('endpointsToCsv', () => {
  it('writes scalars, attributes, metrics, the user, location and demographic in that order', () => {
    const csv = endpointsToCsv([
      {
        RequestId: 'r',
        Address: 'a@x.y',
        ChannelType: 'EMAIL',
        Demographic: { Timezone: 'Europe/Paris', Locale: 'fr_FR' },
        Location: { Longitude: 2.5, City: 'Paris' },
        User: { UserAttributes: { plan: ['gold', 'silver'] }, UserId: 'u1' },
        Metrics: { score: 4 },
        Attributes: { tags: ['a'] },
      },
    ]);
    expect(csv).toBe(
      'Address,ChannelType,RequestId,Attributes.tags,Metrics.score,User.UserId,User.UserAttributes.plan,User.UserAttributes.plan,Location.City,Location.Longitude,Demographic.Locale,Demographic.Timezone\n' +
        'a@x.y,EMAIL,r,a,4,u1,gold,silver,Paris,2.5,fr_FR,Europe/Paris\n',
    );
  });

  it('gives each attribute as many columns as its longest list, leaving missing values empty', () => {
    const csv = endpointsToCsv([
      {
        Address: '1',
        Attributes: { t: ['b', 'c', 'd'] },
        Metrics: { m: 1 },
        User: { UserAttributes: { p: ['y', 'z'] } },
      },
      { Address: '2', Attributes: { t: ['a'] }, User: { UserAttributes: { p: ['x'] } } },
      { Address: '3' },
    ]);
    expect(csv).toBe(
      'Address,Attributes.t,Attributes.t,Attributes.t,Metrics.m,User.UserAttributes.p,User.UserAttributes.p\n' +
        '1,b,c,d,1,y,z\n' +
        '2,a,,,,x,\n' +
        '3,,,,,,\n',
    );
  });

  it('leaves a cell empty for an endpoint without that attribute, user attribute, location or demographic', () => {
    const csv = endpointsToCsv([
      {
        Address: '1',
        Attributes: { a: ['x'] },
        User: { UserId: 'u' },
        Location: { City: 'Bern' },
        Demographic: { Make: 'M' },
      },
      { Address: '2', Attributes: { b: ['y'] }, User: { UserAttributes: { p: ['z'] } } },
      { Address: '3', User: { UserAttributes: { q: ['v'] } } },
    ]);
    expect(csv).toBe(
      'Address,Attributes.a,Attributes.b,User.UserId,User.UserAttributes.p,User.UserAttributes.q,Location.City,Demographic.Make\n' +
        '1,x,,u,,,Bern,M\n' +
        '2,,y,,z,,,\n' +
        '3,,,,,v,,\n',
    );
  });

  it('quotes values and names that need it, and writes only a header for no endpoints', () => {
    expect(endpointsToCsv([{ Address: 'a,b', Attributes: { 'x y ': [' v'] } }])).toBe(
      'Address,"Attributes.x y "\n"a,b"," v"\n',
    );
    expect(endpointsToCsv([])).toBe('\n');
  });
});
