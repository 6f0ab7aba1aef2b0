/**
 * Endpoint files of either format as rows: the per-line parser of a format (csv.ts, ndjson.ts) applied
 * to the lines of a stream. Used by the emulator's imports; the import upload and the sync transfer
 * apply the same per-line parsers through their LineProcessor.
 */
import type { Readable } from 'node:stream';
import type { EndpointFileFormat } from '../contracts/import';
import { csvLineParser } from './csv';
import { readLineBatches } from './lines';
import type { TextLine } from './lines';
import { parseNdjsonLine } from './ndjson';
import type { ParsedRow, ParseOptions } from './parsed-row';
import { validateOptionsOf } from './parsed-row';
import type { ValidateOptions } from './validate-endpoint';

/**
 * The per-line parser of an endpoint file (undefined for a line without a record: blank, or the CSV
 * header). Stateful for CSV (its header); throws EndpointFileError when a CSV header is unusable.
 */
export function endpointLineParser(
  format: EndpointFileFormat,
  validate: ValidateOptions | undefined,
): (l: TextLine) => ParsedRow | undefined {
  return format === 'CSV' ? csvLineParser(validate) : (l) => parseNdjsonLine(l, validate);
}

/** The rows of each input chunk as one array (for hot loops such as the emulator's imports). */
export async function* parseEndpointBatches(
  input: Readable | AsyncIterable<Buffer | string>,
  format: EndpointFileFormat,
  opts: ParseOptions = {},
): AsyncGenerator<ParsedRow[]> {
  const parse = endpointLineParser(format, validateOptionsOf(opts));
  for await (const lines of readLineBatches(input, opts)) {
    const rows: ParsedRow[] = [];
    for (const l of lines) {
      const row = parse(l);
      if (row) rows.push(row);
    }
    if (rows.length > 0) yield rows;
  }
}

export async function* parseEndpoints(
  input: Readable | AsyncIterable<Buffer | string>,
  format: EndpointFileFormat,
  opts: ParseOptions = {},
): AsyncGenerator<ParsedRow> {
  for await (const rows of parseEndpointBatches(input, format, opts)) yield* rows;
}
