/**
 * Streaming parser of Pinpoint CSV endpoint files (dot-notation header). Each physical line is one
 * record (values cannot contain line breaks), so line numbers are exact and a bad line is rejected
 * on its own. Throws EndpointFileError when the header itself is unusable.
 */
import type { CsvColumn } from './csv-columns';
import { parseCsvHeader } from './csv-columns';
import { splitCsvLine } from './csv-line';
import type { EndpointRecord } from './endpoint';
import { LINE_TOO_LONG } from './lines';
import type { TextLine } from './lines';
import type { ParsedRow } from './parsed-row';
import { EndpointFileError } from './parsed-row';
import { textProblem } from './text-integrity';
import { validateEndpoint } from './validate-endpoint';
import type { ValidateOptions } from './validate-endpoint';

type Rec = Record<string, unknown> & {
  Attributes?: Record<string, string[]>;
  Metrics?: Record<string, number>;
  Location?: Record<string, unknown>;
  Demographic?: Record<string, string>;
  User?: { UserId?: string; UserAttributes?: Record<string, string[]> };
};

function toNumber(value: string): number | undefined {
  if (value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** Builds an endpoint from one row's values; returns a reason string when a value cannot be converted. */
function csvRowToEndpoint(columns: CsvColumn[], values: string[]): EndpointRecord | string {
  if (values.length !== columns.length) {
    return `the row has ${values.length} values but the header has ${columns.length} columns`;
  }
  const e: Rec = {};
  for (let i = 0; i < columns.length; i++) {
    const value = values[i] as string;
    if (value === '') continue;
    const c = columns[i] as CsvColumn;
    switch (c.kind) {
      case 'scalar':
        e[c.field] = value;
        break;
      case 'attribute':
        ((e.Attributes ??= {})[c.name] ??= []).push(value);
        break;
      case 'userAttribute':
        (((e.User ??= {}).UserAttributes ??= {})[c.name] ??= []).push(value);
        break;
      case 'userId':
        (e.User ??= {}).UserId = value;
        break;
      case 'metric': {
        const n = toNumber(value);
        if (n === undefined) return `Metrics.${c.name} value "${value.slice(0, 40)}" is not a number`;
        (e.Metrics ??= {})[c.name] = n;
        break;
      }
      case 'location': {
        if (c.numeric) {
          const n = toNumber(value);
          if (n === undefined) return `Location.${c.field} value "${value.slice(0, 40)}" is not a number`;
          (e.Location ??= {})[c.field] = n;
        } else (e.Location ??= {})[c.field] = value;
        break;
      }
      case 'demographic':
        (e.Demographic ??= {})[c.field] = value;
        break;
    }
  }
  return e;
}

/** Parses one data line against the header's columns; undefined for a blank line. */
function parseCsvRow(columns: CsvColumn[], l: TextLine, validate: ValidateOptions | undefined): ParsedRow | undefined {
  const { line, text, tooLong } = l;
  if (tooLong) return { kind: 'rejected', line, reason: LINE_TOO_LONG };
  if (text.length === 0 || text.trim() === '') return undefined;
  const tokens = splitCsvLine(text);
  if (!tokens.ok) return { kind: 'rejected', line, reason: tokens.reason };
  const endpoint = csvRowToEndpoint(columns, tokens.values);
  if (typeof endpoint === 'string') return { kind: 'rejected', line, reason: endpoint };
  const notText = textProblem(endpoint, l, false);
  if (notText) return { kind: 'rejected', line, reason: notText };
  const reason = validate ? validateEndpoint(endpoint, validate) : undefined;
  return reason ? { kind: 'rejected', line, reason } : { kind: 'ok', line, endpoint };
}

/** The columns of a CSV header line; throws EndpointFileError when the header is unusable. */
export function parseCsvHeaderLine(l: TextLine): CsvColumn[] {
  const { line, text, tooLong } = l;
  if (tooLong) throw new EndpointFileError(line, `CSV header (line ${line}) is too long`);
  const tokens = splitCsvLine(text);
  if (!tokens.ok) throw new EndpointFileError(line, `CSV header (line ${line}): ${tokens.reason}`);
  const header = parseCsvHeader(tokens.values);
  if ('reason' in header) throw new EndpointFileError(line, `CSV header (line ${line}): ${header.reason}`);
  return header.columns;
}

/**
 * A per-line CSV parser with the file's state: the first non-blank line is the header (undefined is
 * returned for it, and for blank lines); every later line is a row. Throws EndpointFileError when the
 * header is unusable (then no row of the file can be read).
 */
export function csvLineParser(validate: ValidateOptions | undefined): (l: TextLine) => ParsedRow | undefined {
  let columns: CsvColumn[] | undefined;
  return (l) => {
    if (columns) return parseCsvRow(columns, l, validate);
    if (isCsvHeaderLine(l)) columns = parseCsvHeaderLine(l);
    return undefined;
  };
}

/** Whether `l` is the header when no header was seen yet: the first line that is not blank. */
export function isCsvHeaderLine(l: TextLine): boolean {
  return l.text.trim() !== '' || l.tooLong === true;
}

/**
 * A per-line CSV parser for rows cut out of the middle of a file whose header (`columns`, from parseCsvHeaderLine)
 * was read elsewhere: every line is a row (parallel-runner.ts hands each thread its share of the rows).
 */
export function csvRowParser(
  columns: CsvColumn[],
  validate: ValidateOptions | undefined,
): (l: TextLine) => ParsedRow | undefined {
  return (l) => parseCsvRow(columns, l, validate);
}
