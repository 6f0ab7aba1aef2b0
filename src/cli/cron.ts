/**
 * Checks a cron expression before anything is sent to Temporal: the syntax Temporal takes (5 fields,
 * 6–7 for schedules, @daily-style descriptors, @every <duration>), every value within its field's
 * range, and a time at which it fires (`0 0 31 2 *` never does). Ranges and firing times come from
 * cron-parser; what it cannot read but Temporal may (e.g. `W`) is left to the server.
 */
import { CronExpressionParser } from 'cron-parser';
import { badInput } from './errors';
import type { BadInputError } from './errors';
import { parseDurationMs } from './parse';

const CRON_DESCRIPTORS = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/i;
const CRON_FIELD = /^[0-9A-Za-z*?/,#LW-]+$/;
const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'day of week'] as const;
const CRON_FIX =
  'write 5 fields: minute (0-59) hour (0-23) day-of-month (1-31) month (1-12) day-of-week (0-6), e.g. "0 2 * * *", or @daily';

function syntaxOk(t: string, allowSeconds: boolean): boolean {
  if (CRON_DESCRIPTORS.test(t)) return true;
  const every = /^@every\s+(\S+)$/i.exec(t);
  if (every) return parseDurationMs(every[1] ?? '') !== undefined;
  const fields = t.split(/\s+/);
  const okCount = fields.length === 5 || (allowSeconds && (fields.length === 6 || fields.length === 7));
  return okCount && fields.every((f) => CRON_FIELD.test(f));
}

/** The library's verdict on a 5-field expression: an error message, or undefined when it fires. */
function parserError(expr: string): string | undefined {
  try {
    CronExpressionParser.parse(expr, { tz: 'UTC' }).next();
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** What is wrong with a 5-field expression the syntax check let through, or undefined. */
function rangeOrFiringProblem(t: string): string | undefined {
  const fields = t.split(/\s+/);
  if (fields.length !== 5) return undefined;
  const whole = parserError(t);
  if (whole === undefined || /Invalid characters/i.test(whole)) return undefined;
  const range = /got value (\S+) expected range (\S+)/i.exec(whole);
  if (range) {
    const at = fields.findIndex(
      (_, i) => parserError(fields.map((f, j) => (j === i ? f : '*')).join(' ')) !== undefined,
    );
    const field = FIELD_NAMES[at] ?? 'a field';
    return `has ${field} ${range[1]} out of range (${range[2]})`;
  }
  if (/day of month/i.test(whole)) return 'never fires: no month has that day';
  return `cannot be read: ${whole}`;
}

/** Throws exit-2 bad input naming `option` unless `text` is a cron expression Temporal will run. */
export function checkCronExpression(option: string, text: string, allowSeconds = false): string {
  const t = text.trim();
  let problem: string | undefined = syntaxOk(t, allowSeconds) ? undefined : 'is not a cron expression';
  problem ??= rangeOrFiringProblem(t);
  if (problem) throw cronError(option, text, problem);
  return t;
}

function cronError(option: string, text: string, problem: string): BadInputError {
  return badInput(option, `"${text}" ${problem}`, CRON_FIX);
}
