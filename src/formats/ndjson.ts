/**
 * Per-line parser of newline-delimited JSON endpoint files (one EndpointRequest object per line,
 * optionally with Id). Blank lines are skipped; a line that is not a JSON object is rejected.
 * Response-only fields of an exported file (ApplicationId, CohortId, CreationDate) are dropped.
 */
import { LINE_TOO_LONG } from './lines';
import type { TextLine } from './lines';
import type { ParsedRow } from './parsed-row';
import { validateEndpoint } from './validate-endpoint';
import type { ValidateOptions } from './validate-endpoint';
import { ENDPOINT_LIMITS } from './endpoint';
import { textProblem } from './text-integrity';

export function describeJsonError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  // Strip the echoed input some engines add, so a failure string never repeats record data.
  return msg.replace(/, "[\s\S]*" is not valid JSON$/, '').replace(/^Unexpected token '(.)', .*$/, "unexpected '$1'");
}

/** Parses (and validates) one line; undefined for a blank line. */
export function parseNdjsonLine(line: TextLine, validate: ValidateOptions | undefined): ParsedRow | undefined {
  const { text, tooLong } = line;
  if (tooLong) return { kind: 'rejected', line: line.line, reason: LINE_TOO_LONG };
  if (text.length === 0 || text.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { kind: 'rejected', line: line.line, reason: `invalid JSON: ${describeJsonError(err)}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { kind: 'rejected', line: line.line, reason: 'each line must be one JSON object (an endpoint)' };
  }
  const obj = value as Record<string, unknown>;
  const notText = textProblem(obj, line, true);
  if (notText) return { kind: 'rejected', line: line.line, reason: notText };
  // Every UTF-16 unit is at most 3 UTF-8 bytes: short lines cannot exceed the size limit.
  const sizeBytes = text.length * 3 <= ENDPOINT_LIMITS.maxEndpointBytes ? text.length : Buffer.byteLength(text);
  const reason = validate ? validateEndpoint(obj, { sizeBytes, ...validate }) : undefined;
  if (reason) return { kind: 'rejected', line: line.line, reason };
  if ('ApplicationId' in obj || 'CohortId' in obj || 'CreationDate' in obj) {
    // A copy without them (faster to serialize than an object that had properties deleted).
    const { ApplicationId: _a, CohortId: _c, CreationDate: _d, ...endpoint } = obj;
    return { kind: 'ok', line: line.line, endpoint };
  }
  return { kind: 'ok', line: line.line, endpoint: obj, raw: text };
}
