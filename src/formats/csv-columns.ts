/**
 * The CSV header of an endpoint file: dot-notation column names mapped onto endpoint fields.
 * Attributes.x and User.UserAttributes.x may repeat (one value per column); other columns may not.
 */
import { DEMOGRAPHIC_FIELDS, LOCATION_FIELDS, SCALAR_FIELDS } from './endpoint';

export type CsvColumn =
  | { kind: 'scalar'; field: (typeof SCALAR_FIELDS)[number] }
  | { kind: 'attribute'; name: string }
  | { kind: 'userAttribute'; name: string }
  | { kind: 'metric'; name: string }
  | { kind: 'userId' }
  | { kind: 'location'; field: (typeof LOCATION_FIELDS)[number]; numeric: boolean }
  | { kind: 'demographic'; field: (typeof DEMOGRAPHIC_FIELDS)[number] };

const SCALARS = new Set<string>(SCALAR_FIELDS);
const LOCATIONS = new Set<string>(LOCATION_FIELDS);
const DEMOGRAPHICS = new Set<string>(DEMOGRAPHIC_FIELDS);

/** Every fixed column name (attribute-like columns take a name after the prefix). */
const FIXED_CSV_COLUMNS: string[] = [
  ...SCALAR_FIELDS,
  'User.UserId',
  ...LOCATION_FIELDS.map((f) => `Location.${f}`),
  ...DEMOGRAPHIC_FIELDS.map((f) => `Demographic.${f}`),
];
const PREFIXES = ['Attributes.', 'Metrics.', 'User.UserAttributes.'];

function suggestion(name: string): string {
  const lower = name.toLowerCase();
  const fixed = FIXED_CSV_COLUMNS.find((c) => c.toLowerCase() === lower);
  if (fixed) return `; did you mean "${fixed}"? (names are case-sensitive)`;
  const prefix = PREFIXES.find((p) => lower.startsWith(p.toLowerCase()) && !name.startsWith(p));
  if (prefix) return `; did you mean "${prefix}${name.slice(prefix.length)}"? (names are case-sensitive)`;
  return `; use ${FIXED_CSV_COLUMNS.slice(0, 7).join(', ')}, User.UserId, Location.*, Demographic.*, Attributes.<name>, Metrics.<name> or User.UserAttributes.<name>`;
}

/** Maps header names to columns, or returns a reason naming the bad column and the fix. */
export function parseCsvHeader(names: string[]): { columns: CsvColumn[] } | { reason: string } {
  const columns: CsvColumn[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < names.length; i++) {
    const name = (names[i] ?? '').trim();
    const where = `header column ${i + 1}`;
    let column: CsvColumn | undefined;
    if (name === '') return { reason: `${where} is empty; every column needs a field name` };
    if (SCALARS.has(name)) column = { kind: 'scalar', field: name as (typeof SCALAR_FIELDS)[number] };
    else if (name === 'User.UserId') column = { kind: 'userId' };
    else if (name.startsWith('Attributes.')) column = { kind: 'attribute', name: name.slice('Attributes.'.length) };
    else if (name.startsWith('User.UserAttributes.')) {
      column = { kind: 'userAttribute', name: name.slice('User.UserAttributes.'.length) };
    } else if (name.startsWith('Metrics.')) column = { kind: 'metric', name: name.slice('Metrics.'.length) };
    else if (name.startsWith('Location.') && LOCATIONS.has(name.slice(9))) {
      const field = name.slice(9) as (typeof LOCATION_FIELDS)[number];
      column = { kind: 'location', field, numeric: field === 'Latitude' || field === 'Longitude' };
    } else if (name.startsWith('Demographic.') && DEMOGRAPHICS.has(name.slice(12))) {
      column = { kind: 'demographic', field: name.slice(12) as (typeof DEMOGRAPHIC_FIELDS)[number] };
    }
    if (!column) return { reason: `${where} "${name}" is not an endpoint field${suggestion(name)}` };
    if (
      (column.kind === 'attribute' || column.kind === 'userAttribute' || column.kind === 'metric') &&
      column.name === ''
    ) {
      return { reason: `${where} "${name}" needs an attribute name after the dot` };
    }
    const repeatable = column.kind === 'attribute' || column.kind === 'userAttribute';
    if (!repeatable && seen.has(name)) {
      return {
        reason: `${where} "${name}" appears twice; only Attributes.* and User.UserAttributes.* columns may repeat`,
      };
    }
    seen.add(name);
    columns.push(column);
  }
  return { columns };
}
