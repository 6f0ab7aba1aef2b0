import {
  formatBytes,
  formatDuration,
  isCronExpression,
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

  it('checks cron syntax', () => {
    expect(isCronExpression('0 2 * * *')).toBe(true);
    expect(isCronExpression('*/15 9-17 * * MON-FRI')).toBe(true);
    expect(isCronExpression('@hourly')).toBe(true);
    expect(isCronExpression('@every 1h')).toBe(true);
    expect(isCronExpression('0 2 * *')).toBe(false);
    expect(isCronExpression('0 0 2 * * *')).toBe(false);
    expect(isCronExpression('0 0 2 * * *', true)).toBe(true);
    expect(isCronExpression('@every soon')).toBe(false);
    expect(isCronExpression('rm -rf / *')).toBe(false);
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
