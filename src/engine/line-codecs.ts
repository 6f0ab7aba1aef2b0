/**
 * What one line of input becomes, per kind of input (a LineProcessor applies it to every line):
 *  - an exported piece of the sync: EndpointResponse JSON → transform → import record, validated as a
 *    new endpoint of the target application once its encoded size is known;
 *  - an endpoint file of an import (CSV or NDJSON): parsed and validated by src/formats; an NDJSON
 *    line that needs no change is written as it was read.
 */
import type { EndpointFileFormat } from '../contracts';
import type { TransformSpec } from '../contracts/sync';
import {
  csvRowParser,
  endpointLineParser,
  EndpointFileError,
  LINE_TOO_LONG,
  parseCsvHeaderLine,
  textProblem,
  validateEndpoint,
} from '../formats';
import type { ParsedRow, TextLine } from '../formats';
import { compileTransform } from '../transforms';

export type CodecConfig =
  | { kind: 'export-piece'; transform?: TransformSpec }
  /**
   * `csvHeader`: the text of the CSV file's header line, read (and found valid) before these lines: every line given
   * to this codec is a row (parallel-runner.ts cuts a file into runs of rows for several threads).
   */
  | { kind: 'endpoint-file'; format: EndpointFileFormat; csvHeader?: string };

/** The reason recorded once for a file that cannot be read as a whole (e.g. a bad CSV header). */
export function fileErrorReason(err: EndpointFileError): string {
  return `the file cannot be read: ${err.message}`;
}

type LineOutcome =
  /** Write `json` (the serialized `record`), unless the codec's check rejects it once its encoded size is known. */
  | { kind: 'keep'; json: string; record?: object; id?: unknown }
  | { kind: 'filtered' }
  | { kind: 'rejected'; reason: string; id?: unknown }
  /** The whole file cannot be read (e.g. a bad CSV header): the reason is recorded once, later lines are ignored. */
  | { kind: 'file-error'; line: number; reason: string };

export interface LineCodec {
  /** One non-blank line → its outcome; undefined for a line that holds no record (e.g. the CSV header). */
  line(l: TextLine): LineOutcome | undefined;
  /** Validates a kept record with its encoded size: a reason to reject it, or undefined. */
  check?(record: object, bytes: number): string | undefined;
}

function exportPieceCodec(spec: TransformSpec | undefined): LineCodec {
  const transform = compileTransform(spec);
  const line = (l: TextLine): LineOutcome => {
    const { text, tooLong } = l;
    if (tooLong) return { kind: 'rejected', reason: LINE_TOO_LONG };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { kind: 'rejected', reason: 'not valid JSON' };
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      return { kind: 'rejected', reason: 'an endpoint must be a JSON object' };
    }
    const record = parsed as Record<string, unknown>;
    const notText = textProblem(record, l, true);
    if (notText) return { kind: 'rejected', reason: notText, id: record.Id };
    const outcome = transform(record);
    if (outcome.kind === 'filtered') return { kind: 'filtered' };
    return { kind: 'keep', json: JSON.stringify(outcome.endpoint), record: outcome.endpoint, id: record.Id };
  };
  return {
    line,
    // The target application has never seen these ids: validate as new endpoints.
    check: (record, bytes) =>
      validateEndpoint(record, { existing: false, sizeBytes: bytes, allowResponseFields: false }),
  };
}

function endpointFileCodec(format: EndpointFileFormat, csvHeader: string | undefined): LineCodec {
  const parse =
    format === 'CSV' && csvHeader !== undefined
      ? csvRowParser(parseCsvHeaderLine({ line: 0, text: csvHeader }), {})
      : endpointLineParser(format, {});
  const line = (l: TextLine): LineOutcome | undefined => {
    let row: ParsedRow | undefined;
    try {
      row = parse(l);
    } catch (err) {
      if (err instanceof EndpointFileError) return { kind: 'file-error', line: err.line, reason: fileErrorReason(err) };
      throw err;
    }
    if (!row) return undefined;
    if (row.kind === 'rejected') return { kind: 'rejected', reason: row.reason };
    return { kind: 'keep', json: row.raw ?? JSON.stringify(row.endpoint), id: row.endpoint.Id };
  };
  return { line }; // validated by the parser (sizes from the line's text)
}

/** Throws TransformSpecError for an invalid transform. */
export function createCodec(config: CodecConfig): LineCodec {
  return config.kind === 'export-piece'
    ? exportPieceCodec(config.transform)
    : endpointFileCodec(config.format, config.csvHeader);
}
