/**
 * Writes endpoints as a Pinpoint CSV file (dot-notation header; one column per attribute value,
 * repeated as often as the endpoint with the most values needs). For tests, demos and the sync's
 * CSV output; the header is computed from the given endpoints.
 */
import { quoteCsvValue } from './csv-line';
import { DEMOGRAPHIC_FIELDS, LOCATION_FIELDS, SCALAR_FIELDS } from './endpoint';
import type { EndpointRecord } from './endpoint';

type Getter = (e: EndpointRecord) => string | undefined;
interface WriterColumn {
  name: string;
  get: Getter;
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' ? String(v) : (v as string);
}

/** The columns needed to write every field of the given endpoints. */
function csvColumnsFor(endpoints: Iterable<EndpointRecord>): WriterColumn[] {
  const scalars = new Set<string>();
  const location = new Set<string>();
  const demographic = new Set<string>();
  let userId = false;
  const attrs = new Map<string, number>();
  const userAttrs = new Map<string, number>();
  const metrics = new Set<string>();
  for (const e of endpoints) {
    const r = e as Record<string, unknown>;
    for (const f of SCALAR_FIELDS) if (r[f] !== undefined) scalars.add(f);
    for (const f of LOCATION_FIELDS) if (e.Location?.[f] !== undefined) location.add(f);
    for (const f of DEMOGRAPHIC_FIELDS) if (e.Demographic?.[f] !== undefined) demographic.add(f);
    if (e.User?.UserId !== undefined) userId = true;
    for (const [k, v] of Object.entries(e.Attributes ?? {})) attrs.set(k, Math.max(attrs.get(k) ?? 0, v.length));
    for (const [k, v] of Object.entries(e.User?.UserAttributes ?? {})) {
      userAttrs.set(k, Math.max(userAttrs.get(k) ?? 0, v.length));
    }
    for (const k of Object.keys(e.Metrics ?? {})) metrics.add(k);
  }
  const cols: WriterColumn[] = [];
  for (const f of SCALAR_FIELDS)
    if (scalars.has(f)) cols.push({ name: f, get: (e) => str((e as Record<string, unknown>)[f]) });
  for (const [k, n] of attrs) {
    for (let i = 0; i < n; i++) cols.push({ name: `Attributes.${k}`, get: (e) => e.Attributes?.[k]?.[i] });
  }
  for (const k of metrics) cols.push({ name: `Metrics.${k}`, get: (e) => str(e.Metrics?.[k]) });
  if (userId) cols.push({ name: 'User.UserId', get: (e) => e.User?.UserId });
  for (const [k, n] of userAttrs) {
    for (let i = 0; i < n; i++) {
      cols.push({ name: `User.UserAttributes.${k}`, get: (e) => e.User?.UserAttributes?.[k]?.[i] });
    }
  }
  for (const f of LOCATION_FIELDS) {
    if (location.has(f)) cols.push({ name: `Location.${f}`, get: (e) => str(e.Location?.[f]) });
  }
  for (const f of DEMOGRAPHIC_FIELDS) {
    if (demographic.has(f)) cols.push({ name: `Demographic.${f}`, get: (e) => e.Demographic?.[f] });
  }
  return cols;
}

function formatCsvHeader(columns: WriterColumn[]): string {
  return `${columns.map((c) => quoteCsvValue(c.name)).join(',')}\n`;
}

function formatCsvRow(columns: WriterColumn[], e: EndpointRecord): string {
  return `${columns.map((c) => quoteCsvValue(c.get(e) ?? '')).join(',')}\n`;
}

/** A whole CSV file (header and rows) for the given endpoints. */
export function endpointsToCsv(endpoints: EndpointRecord[]): string {
  const columns = csvColumnsFor(endpoints);
  return formatCsvHeader(columns) + endpoints.map((e) => formatCsvRow(columns, e)).join('');
}
