import { jobFaults, noFaults, requestFault } from '../../src/emulator/faults';
import { Router } from '../../src/emulator/router';
import { page } from '../../src/emulator/routes/paging';
import { segmentPredicate } from '../../src/emulator/segment-filter';
import type { Route } from '../../src/emulator/routes/types';

const route = (method: string, path: string): Route => ({
  method,
  path,
  operation: `${method} ${path}`,
  handler: () => ({ status: 200, body: {} }),
});

describe('Router', () => {
  const router = new Router([
    route('GET', '/v1/apps/:appId'),
    route('DELETE', '/v1/apps/:appId'),
    route('GET', '/v1/apps'),
  ]);
  it('matches and decodes path parameters', () => {
    expect(router.match('GET', '/v1/apps/a%2Fb%20c')).toMatchObject({ kind: 'route', params: { appId: 'a/b c' } });
    expect(router.match('GET', '/v1/apps/')).toMatchObject({ kind: 'route', route: { path: '/v1/apps' } });
  });
  it('tells a wrong method from an unknown path', () => {
    expect(router.match('PUT', '/v1/apps/x').kind).toBe('method-not-allowed');
    expect(router.match('GET', '/v1/apps/x/campaigns').kind).toBe('unknown');
    expect(router.match('GET', '/v1/apps/%E0%A4%A').kind).toBe('unknown');
  });
});

describe('page', () => {
  const items = [1, 2, 3, 4, 5];
  it('pages with page-size and an opaque token', () => {
    const p1 = page(items, new URLSearchParams('page-size=2'));
    expect(p1.Item).toEqual([1, 2]);
    const p2 = page(items, new URLSearchParams({ 'page-size': '2', token: p1.NextToken! }));
    const p3 = page(items, new URLSearchParams({ 'page-size': '2', token: p2.NextToken! }));
    expect([p2.Item, p3.Item, p3.NextToken]).toEqual([[3, 4], [5], undefined]);
    expect(page(items, new URLSearchParams()).Item).toEqual(items);
  });
  it('refuses bad page sizes and tokens', () => {
    expect(() => page(items, new URLSearchParams('page-size=0'))).toThrow(
      'page-size "0" must be a positive whole number',
    );
    expect(() => page(items, new URLSearchParams('token=abc'))).toThrow('The token is not valid');
  });
});

describe('faults', () => {
  it('consumes the *Next counters in order and honours the operation filter', () => {
    const f = { ...noFaults(), throttleNext: 1, errorNext: 1, errorAfterCommitNext: 1, operations: ['CreateApp'] };
    expect(requestFault(f, 'GetApps')).toBeUndefined();
    expect(['throttle', 'error', 'errorAfterCommit', undefined].map(() => requestFault(f, 'CreateApp'))).toEqual([
      'throttle',
      'error',
      'errorAfterCommit',
      undefined,
    ]);
  });
  it('applies job faults to the chosen kind only', () => {
    const f = { ...noFaults(), failNextJobs: 1, stallNextJobs: 2, jobKind: 'EXPORT' as const };
    expect(jobFaults(f, 'IMPORT')).toEqual({ fail: false, stall: false });
    expect(jobFaults(f, 'EXPORT')).toEqual({ fail: true, stall: true });
    expect(jobFaults(f, 'EXPORT')).toEqual({ fail: false, stall: true });
    expect(jobFaults(f, 'EXPORT')).toEqual({ fail: false, stall: false });
  });
});

describe('segmentPredicate', () => {
  it('evaluates channel, attribute and metric dimensions', () => {
    const p = segmentPredicate({
      Demographic: { Channel: { DimensionType: 'INCLUSIVE', Values: ['SMS'] } },
      Attributes: { tier: { AttributeType: 'EXCLUSIVE', Values: ['free'] } },
      Metrics: { score: { ComparisonOperator: 'GREATER_THAN_OR_EQUAL', Value: 5 } },
    });
    expect(p({ ChannelType: 'SMS', Attributes: { tier: ['gold'] }, Metrics: { score: 5 } })).toBe(true);
    expect(p({ ChannelType: 'EMAIL', Attributes: { tier: ['gold'] }, Metrics: { score: 5 } })).toBe(false);
    expect(p({ ChannelType: 'SMS', Attributes: { tier: ['free'] }, Metrics: { score: 5 } })).toBe(false);
    expect(p({ ChannelType: 'SMS', Metrics: { score: 4 } })).toBe(false);
  });
  it('refuses dimensions it does not evaluate, saying so', () => {
    expect(() => segmentPredicate({ Behavior: { Recency: { Duration: 'DAY_7', RecencyType: 'ACTIVE' } } })).toThrow(
      'the segment dimension Behavior is not evaluated by the emulator',
    );
  });
});
