/** Schedule options (`--cron`, `--every`, `--timezone`, `--overlap`) → a Temporal schedule spec. Pure. */
import type { ScheduleOverlapPolicy, ScheduleSpec } from '@temporalio/client';
import { badInput } from './errors';
import { checkCronExpression } from './cron';
import { parseDurationMs } from './parse';

export const OVERLAP_POLICIES = [
  'skip',
  'buffer-one',
  'buffer-all',
  'cancel-other',
  'terminate-other',
  'allow-all',
] as const;

const SCHEDULE_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export interface ScheduleTimingOptions {
  cron?: string;
  every?: string;
  timezone?: string;
  overlap?: string;
}

export interface ScheduleTiming {
  spec: ScheduleSpec;
  overlap: ScheduleOverlapPolicy;
  /** The options as given, kept in the schedule's memo so `describe` can show them. */
  memo: { cron?: string; every?: string; timezone?: string; overlap: string };
}

export function parseOverlap(text: string, flag = '--overlap'): ScheduleOverlapPolicy {
  const v = text.trim().toLowerCase().replace(/_/g, '-');
  if (!(OVERLAP_POLICIES as readonly string[]).includes(v)) {
    throw badInput(flag, `"${text}" is not an overlap policy`, `use one of ${OVERLAP_POLICIES.join(', ')}`);
  }
  return v.toUpperCase().replace(/-/g, '_') as ScheduleOverlapPolicy;
}

function checkTimezone(tz: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch {
    throw badInput(
      '--timezone',
      `"${tz}" is not a time zone`,
      'use an IANA name such as UTC, Europe/Berlin or America/New_York',
    );
  }
}

export function checkScheduleId(id: string): string {
  if (!SCHEDULE_ID_RE.test(id)) {
    throw badInput(
      '--schedule-id',
      `"${id}" is not a usable schedule id`,
      "use letters, digits, '.', '_' and '-' (up to 200), e.g. nightly-export",
    );
  }
  return id;
}

export function buildScheduleTiming(o: ScheduleTimingOptions): ScheduleTiming {
  if (o.cron === undefined && o.every === undefined) {
    throw badInput('--cron/--every', 'no timing given', 'pass --cron "0 2 * * *" (with --timezone) or --every 1h');
  }
  const spec: ScheduleSpec = {};
  if (o.cron !== undefined) {
    spec.cronExpressions = [checkCronExpression('--cron', o.cron)];
  }
  if (o.every !== undefined) {
    const ms = parseDurationMs(o.every);
    if (ms === undefined || ms < 1_000) {
      throw badInput('--every', `"${o.every}" is not an interval of at least 1s`, 'write e.g. 30m, 1h or 1d');
    }
    spec.intervals = [{ every: ms }];
  }
  if (o.timezone !== undefined) spec.timezone = checkTimezone(o.timezone);
  const overlapText = o.overlap ?? 'skip';
  return {
    spec,
    overlap: parseOverlap(overlapText),
    memo: {
      ...(o.cron !== undefined && { cron: o.cron.trim() }),
      ...(o.every !== undefined && { every: o.every }),
      ...(o.timezone !== undefined && { timezone: o.timezone }),
      overlap: overlapText,
    },
  };
}
