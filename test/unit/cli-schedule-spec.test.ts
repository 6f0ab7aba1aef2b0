import { ExitCode } from '../../src/contracts/failures';
import { CliError } from '../../src/cli/errors';
import { buildListQuery, parseLimit } from '../../src/cli/list';
import { buildScheduleTiming, checkScheduleId, parseOverlap } from '../../src/cli/schedule-spec';

function badInput(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CliError);
    expect((e as CliError).exitCode).toBe(ExitCode.BadInput);
    return (e as Error).message;
  }
  throw new Error('expected a bad-input error');
}

describe('schedule timing', () => {
  it('builds cron, interval, time zone and overlap (default skip)', () => {
    expect(buildScheduleTiming({ cron: '0 2 * * *', timezone: 'Europe/Berlin' })).toEqual({
      spec: { cronExpressions: ['0 2 * * *'], timezone: 'Europe/Berlin' },
      overlap: 'SKIP',
      memo: { cron: '0 2 * * *', timezone: 'Europe/Berlin', overlap: 'skip' },
    });
    expect(buildScheduleTiming({ every: '1h', overlap: 'buffer-one' })).toMatchObject({
      spec: { intervals: [{ every: 3_600_000 }] },
      overlap: 'BUFFER_ONE',
    });
  });

  it('rejects bad timing with the option named', () => {
    expect(badInput(() => buildScheduleTiming({}))).toMatch(/^--cron\/--every: no timing given/);
    expect(badInput(() => buildScheduleTiming({ cron: 'daily' }))).toMatch(/^--cron:/);
    expect(badInput(() => buildScheduleTiming({ every: '10ms' }))).toMatch(/^--every:/);
    expect(badInput(() => buildScheduleTiming({ every: '1h', timezone: 'Mars/Olympus' }))).toMatch(
      /^--timezone: "Mars\/Olympus"/,
    );
    expect(badInput(() => buildScheduleTiming({ every: '1h', overlap: 'sometimes' }))).toMatch(
      /^--overlap: .*skip, buffer-one/,
    );
    expect(parseOverlap('ALLOW_ALL')).toBe('ALLOW_ALL');
    expect(badInput(() => checkScheduleId('has space'))).toMatch(/^--schedule-id:/);
  });
});

describe('list query', () => {
  it('filters on the custom search attributes', () => {
    expect(buildListQuery({})).toBe("AudienceflowPipeline IN ('export', 'import', 'sync', 'activate')");
    expect(buildListQuery({ pipeline: 'Sync', app: 'abc', status: 'failed' })).toBe(
      "AudienceflowPipeline = 'sync' AND AudienceflowApplicationId = 'abc' AND AudienceflowStatus = 'FAILED'",
    );
  });

  it('refuses values that would change the query', () => {
    expect(badInput(() => buildListQuery({ app: "x' OR '1'='1" }))).toMatch(/^--app:/);
    expect(badInput(() => buildListQuery({ pipeline: 'backup' }))).toMatch(/^--pipeline:/);
    expect(badInput(() => buildListQuery({ status: 'RUNNING OR 1=1' }))).toMatch(/^--status:/);
    expect(badInput(() => parseLimit('0'))).toMatch(/^--limit:/);
    expect(parseLimit('50')).toBe(50);
  });
});
