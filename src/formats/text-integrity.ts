/**
 * Bytes that are not text are rejected, never repaired: a record whose line is not valid UTF-8, or
 * one of whose values holds a control character (U+0000–U+001F other than tab), is a rejected row
 * naming the field and the position — never the value. The line splitter marks lines with invalid
 * UTF-8 (decoded with U+FFFD in their place); the per-format parsers call `textProblem` with the
 * record they built.
 */
import type { TextLine } from './lines';

/** Any control character a value may not hold (tab is allowed). */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL_CHAR = /[\u0000-\u0008\u000a-\u001f]/;
/** In NDJSON text, a JSON escape that can decode to a control character (\u0000–\u001f, \b \f \n \r). */
const ESCAPED_CONTROL = /\\(?:u00[01]|[bfnr])/i;
const REPLACEMENT = '\uFFFD';

function hex4(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** A field name fit for a message: what is not printable shown as "?". */
function printable(name: string): string {
  // eslint-disable-next-line no-control-regex -- as above
  return name.replace(/[\u0000-\u001f\uFFFD]/g, '?');
}

function valueProblem(value: string, field: string, badUtf8: boolean): string | undefined {
  if (badUtf8) {
    const at = value.indexOf(REPLACEMENT);
    if (at !== -1) return `${field} is not valid UTF-8 at byte ${Buffer.byteLength(value.slice(0, at)) + 1}`;
  }
  const m = CONTROL_CHAR.exec(value);
  if (m) return `${field} holds a control character (${hex4(m[0].charCodeAt(0))}) at character ${m.index + 1}`;
  return undefined;
}

function walk(value: unknown, field: string, badUtf8: boolean): string | undefined {
  if (typeof value === 'string') return valueProblem(value, field, badUtf8);
  if (Array.isArray(value)) {
    for (const item of value) {
      const p = walk(item, field, badUtf8);
      if (p) return p;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const key in value) {
      const name = field ? `${field}.${key}` : key;
      const keyProblem = valueProblem(key, `the field name ${printable(name.slice(0, 60))}`, badUtf8);
      if (keyProblem) return keyProblem;
      const p = walk((value as Record<string, unknown>)[key], name, badUtf8);
      if (p) return p;
    }
  }
  return undefined;
}

/** Whether a line's text can hold a problem at all (cheap; most lines are skipped by it). */
function mayHoldProblem(l: TextLine, jsonText: boolean): boolean {
  if (l.badUtf8) return true;
  // JSON.parse refuses raw control characters inside strings: in JSON only an escape can make one.
  return jsonText ? l.text.includes('\\') && ESCAPED_CONTROL.test(l.text) : CONTROL_CHAR.test(l.text);
}

/**
 * The first value of `record` (read from line `l`) that is not clean text, as a rejection reason;
 * undefined when every value is. `jsonText`: the line is JSON (escapes can produce control characters).
 */
export function textProblem(record: object, l: TextLine, jsonText: boolean): string | undefined {
  if (!mayHoldProblem(l, jsonText)) return undefined;
  const found = walk(record, '', l.badUtf8 === true);
  if (found) return found;
  // Invalid bytes outside any value (e.g. between CSV fields or in JSON syntax).
  return l.badUtf8 ? `the line is not valid UTF-8 at byte ${l.badUtf8At ?? 1}` : undefined;
}
