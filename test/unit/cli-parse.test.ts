import { checkCronExpression } from '../../src/cli/cron';
import { BadInputError } from '../../src/cli/errors';
import { ExitCode } from '../../src/contracts/failures';
import {
  formatBytes,
  formatDuration,
  parseDurationMs,
  parseKeyValue,
  parseList,
  parseSizeBytes,
} from '../../src/cli/parse';

describe('option value parsers', () => {
  it('parses durations', () => {
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('10s')).toBe(10_000);
    expect(parseDurationMs('1.5m')).toBe(90_000);
    expect(parseDurationMs('6h')).toBe(21_600_000);
    expect(parseDurationMs('1d')).toBe(86_400_000);
    expect(parseDurationMs('250')).toBe(250);
    expect(parseDurationMs('ten seconds')).toBeUndefined();
    expect(parseDurationMs('5w')).toBeUndefined();
    expect(parseDurationMs('')).toBeUndefined();
  });

  it('parses sizes', () => {
    expect(parseSizeBytes('1GB')).toBe(1_000_000_000);
    expect(parseSizeBytes('1GiB')).toBe(1024 ** 3);
    expect(parseSizeBytes('64 MiB')).toBe(64 * 1024 ** 2);
    expect(parseSizeBytes('2048')).toBe(2048);
    expect(parseSizeBytes('1 TB')).toBeUndefined();
    expect(parseSizeBytes('-5MB')).toBeUndefined();
  });

  it('parses lists and key=value pairs', () => {
    expect(parseList('EMAIL, SMS,,')).toEqual(['EMAIL', 'SMS']);
    expect(parseKeyValue('Attributes.source=sync=1')).toEqual(['Attributes.source', 'sync=1']);
    expect(parseKeyValue('=x')).toBeUndefined();
    expect(parseKeyValue('novalue')).toBeUndefined();
  });

  it('checks cron syntax, ranges and that it fires', () => {
    const ok = (e: string, seconds = false) => checkCronExpression('--cron', e, seconds);
    const problem = (e: string, seconds = false) => {
      try {
        ok(e, seconds);
        return undefined;
      } catch (err) {
        expect(err).toBeInstanceOf(BadInputError);
        expect((err as BadInputError).exitCode).toBe(ExitCode.BadInput);
        return (err as Error).message;
      }
    };
    for (const e of ['0 2 * * *', '*/15 9-17 * * MON-FRI', '@hourly', '@every 1h', '0 0 L * *', '0 0 29 2 *'])
      expect(ok(e)).toBe(e);
    expect(ok('0 0 2 * * *', true)).toBe('0 0 2 * * *');
    for (const e of ['0 2 * *', '0 0 2 * * *', '@every soon', 'rm -rf / *'])
      expect(problem(e)).toMatch(/is not a cron expression\. Fix: write 5 fields/);
    expect(problem('61 25 * * *')).toBe(
      '--cron: "61 25 * * *" has minute 61 out of range (0-59). Fix: write 5 fields: minute (0-59) hour (0-23) ' +
        'day-of-month (1-31) month (1-12) day-of-week (0-6), e.g. "0 2 * * *", or @daily',
    );
    expect(problem('0 25 * * *')).toMatch(/has hour 25 out of range \(0-23\)/);
    expect(problem('0 0 31 2 *')).toMatch(/"0 0 31 2 \*" never fires: no month has that day/);
  });

  it('formats bytes and durations for people', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_500)).toBe('1.5 kB');
    expect(formatBytes(2_500_000_000)).toBe('2.5 GB');
    expect(formatDuration(420)).toBe('420 ms');
    expect(formatDuration(12_340)).toBe('12.3 s');
    expect(formatDuration(125_000)).toBe('2m 5s');
    expect(formatDuration(3_780_000)).toBe('1h 3m');
  });
});
