/**
 * Streaming parser of newline-delimited JSON endpoint files (one EndpointRequest object per line,
 * optionally with Id). Blank lines are skipped; a line that is not a JSON object is rejected.
 * Response-only fields of an exported file (ApplicationId, CohortId, CreationDate) are dropped.
 */
import type { Readable } from 'node:stream';
import { readLines } from './lines';
import type { ParsedRow, ParseOptions } from './parsed-row';
import { validateOptionsOf } from './parsed-row';
import { validateEndpoint } from './validate-endpoint';
import { ENDPOINT_LIMITS } from './endpoint';

function describeJsonError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  // Strip the echoed input some engines add, so a failure string never repeats record data.
  return msg.replace(/, "[\s\S]*" is not valid JSON$/, '').replace(/^Unexpected token '(.)', .*$/, "unexpected '$1'");
}

export async function* parseNdjsonEndpoints(
  input: Readable | AsyncIterable<Buffer | string>,
  opts: ParseOptions = {},
): AsyncGenerator<ParsedRow> {
  const validate = validateOptionsOf(opts);
  for await (const { line, text, tooLong } of readLines(input, opts)) {
    if (tooLong) {
      yield { kind: 'rejected', line, reason: 'the line is too long for an endpoint (at most 15 KB)' };
      continue;
    }
    if (text.length === 0 || text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      yield { kind: 'rejected', line, reason: `invalid JSON: ${describeJsonError(err)}` };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { kind: 'rejected', line, reason: 'each line must be one JSON object (an endpoint)' };
      continue;
    }
    const obj = value as Record<string, unknown>;
    // Every UTF-16 unit is at most 3 UTF-8 bytes: short lines cannot exceed the size limit.
    const sizeBytes = text.length * 3 <= ENDPOINT_LIMITS.maxEndpointBytes ? text.length : Buffer.byteLength(text);
    const reason = validate ? validateEndpoint(obj, { sizeBytes, ...validate }) : undefined;
    if (reason) {
      yield { kind: 'rejected', line, reason };
      continue;
    }
    if ('ApplicationId' in obj || 'CohortId' in obj || 'CreationDate' in obj) {
      delete obj.ApplicationId;
      delete obj.CohortId;
      delete obj.CreationDate;
      yield { kind: 'ok', line, endpoint: obj };
    } else yield { kind: 'ok', line, endpoint: obj, raw: text };
  }
}

/** One NDJSON line (with its newline) for an endpoint. */
export function formatNdjsonLine(endpoint: object): string {
  return `${JSON.stringify(endpoint)}\n`;
}
