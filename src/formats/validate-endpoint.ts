/**
 * validateEndpoint: the documented Pinpoint rules and quotas for one endpoint record.
 * Returns a reason (a sentence naming the field, the problem and the limit) or undefined when valid.
 */
import {
  CHANNEL_TYPES,
  DEMOGRAPHIC_FIELDS,
  ENDPOINT_LIMITS,
  ENDPOINT_STATUSES,
  LOCATION_FIELDS,
  OPT_OUT_VALUES,
  RESPONSE_ONLY_FIELDS,
  SCALAR_FIELDS,
} from './endpoint';

export interface ValidateOptions {
  /**
   * Whether the endpoint already exists. New endpoints need ChannelType and Address.
   * Default: new unless the record has an Id (an Id may update an existing endpoint).
   */
  existing?: boolean;
  /** Serialized size in bytes when the caller knows it (e.g. the NDJSON line); saves re-serializing. */
  sizeBytes?: number;
  /** Accept ApplicationId, CohortId and CreationDate (as in an exported file). Default true. */
  allowResponseFields?: boolean;
}

// Module-local copies: read on every record, and an imported binding may be a getter once compiled.
const LIMITS = { ...ENDPOINT_LIMITS };
const SCALARS: readonly string[] = [...SCALAR_FIELDS];
const STATUSES = new Set<string>(ENDPOINT_STATUSES);
const OPT_OUTS = new Set<string>(OPT_OUT_VALUES);
const TOP_LEVEL = new Set<string>([...SCALAR_FIELDS, 'Attributes', 'Metrics', 'Location', 'Demographic', 'User']);
const RESPONSE_ONLY = new Set<string>(RESPONSE_ONLY_FIELDS);
const CHANNELS = new Set<string>(CHANNEL_TYPES);
const LOCATION = new Set<string>(LOCATION_FIELDS);
const DEMOGRAPHIC = new Set<string>(DEMOGRAPHIC_FIELDS);
const CHANNEL_LIST = CHANNEL_TYPES.join(', ');

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkString(v: unknown, field: string): string | undefined {
  if (typeof v !== 'string') return `${field} must be a string`;
  return undefined;
}

function checkAttributeMap(v: unknown, field: string): string | undefined {
  if (!isPlainObject(v)) return `${field} must be an object mapping attribute names to lists of strings`;
  for (const name in v) {
    const nameProblem = checkAttributeName(name, field);
    if (nameProblem) return nameProblem;
    const values = v[name];
    if (!Array.isArray(values)) return `${field}.${name} must be a list of strings`;
    if (values.length > LIMITS.maxValuesPerAttribute) {
      return `${field}.${name} has ${values.length} values; at most ${LIMITS.maxValuesPerAttribute} are allowed`;
    }
    for (const value of values) {
      if (typeof value !== 'string') return `${field}.${name} must be a list of strings`;
      if (value.length > LIMITS.maxAttributeValueLength) {
        return `${field}.${name} has a value of ${value.length} characters; at most ${LIMITS.maxAttributeValueLength} are allowed`;
      }
    }
  }
  return undefined;
}

function checkAttributeName(name: string, field: string): string | undefined {
  if (name.length === 0) return `${field} has an empty attribute name`;
  if (name.length > LIMITS.maxAttributeNameLength) {
    return `${field} attribute name "${name.slice(0, 60)}…" has ${name.length} characters; at most ${LIMITS.maxAttributeNameLength} are allowed`;
  }
  return undefined;
}

function checkMetrics(v: unknown): string | undefined {
  if (!isPlainObject(v)) return 'Metrics must be an object mapping metric names to numbers';
  for (const name in v) {
    const nameProblem = checkAttributeName(name, 'Metrics');
    if (nameProblem) return nameProblem;
    const value = v[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) return `Metrics.${name} must be a number`;
  }
  return undefined;
}

function checkLocation(v: unknown): string | undefined {
  if (!isPlainObject(v)) return 'Location must be an object';
  for (const key in v) {
    if (!LOCATION.has(key)) return `Location.${key} is not an endpoint field; use one of ${LOCATION_FIELDS.join(', ')}`;
    const value = v[key];
    if (key === 'Latitude' || key === 'Longitude') {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `Location.${key} must be a number`;
      const bound = key === 'Latitude' ? 90 : 180;
      if (value < -bound || value > bound) return `Location.${key} ${value} is outside -${bound}..${bound}`;
    } else {
      const p = checkString(value, `Location.${key}`);
      if (p) return p;
    }
  }
  return undefined;
}

function checkDemographic(v: unknown): string | undefined {
  if (!isPlainObject(v)) return 'Demographic must be an object';
  for (const key in v) {
    if (!DEMOGRAPHIC.has(key)) {
      return `Demographic.${key} is not an endpoint field; use one of ${DEMOGRAPHIC_FIELDS.join(', ')}`;
    }
    const p = checkString(v[key], `Demographic.${key}`);
    if (p) return p;
  }
  return undefined;
}

function checkUser(v: unknown): string | undefined {
  if (!isPlainObject(v)) return 'User must be an object';
  for (const key in v) {
    if (key === 'UserId') {
      const p = checkString(v[key], 'User.UserId');
      if (p) return p;
    } else if (key === 'UserAttributes') {
      const p = checkAttributeMap(v[key], 'User.UserAttributes');
      if (p) return p;
    } else {
      return `User.${key} is not an endpoint field; use User.UserId or User.UserAttributes`;
    }
  }
  return undefined;
}

function countKeys(v: unknown): number {
  return isPlainObject(v) ? Object.keys(v).length : 0;
}

export function validateEndpoint(e: unknown, opts: ValidateOptions = {}): string | undefined {
  if (!isPlainObject(e)) return 'an endpoint must be a JSON object';
  const allowResponse = opts.allowResponseFields ?? true;
  for (const key in e) {
    if (TOP_LEVEL.has(key)) continue;
    if (allowResponse && RESPONSE_ONLY.has(key)) continue;
    return `"${key}" is not an endpoint field`;
  }
  for (const key of SCALARS) {
    if (e[key] === undefined) continue;
    const p = checkString(e[key], key);
    if (p) return p;
  }
  if (e.Id !== undefined && (e.Id as string).length === 0) return 'Id must not be empty';
  if (e.ChannelType !== undefined && !CHANNELS.has(e.ChannelType as string)) {
    return `ChannelType "${e.ChannelType as string}" is not valid; use one of ${CHANNEL_LIST}`;
  }
  if (e.EndpointStatus !== undefined && !STATUSES.has(e.EndpointStatus as string)) {
    return `EndpointStatus "${e.EndpointStatus as string}" is not valid; use ACTIVE or INACTIVE`;
  }
  if (e.OptOut !== undefined && !OPT_OUTS.has(e.OptOut as string)) {
    return `OptOut "${e.OptOut as string}" is not valid; use ALL or NONE`;
  }
  if (e.EffectiveDate !== undefined && Number.isNaN(Date.parse(e.EffectiveDate as string))) {
    return `EffectiveDate "${e.EffectiveDate as string}" is not an ISO-8601 date`;
  }
  const isNew = opts.existing === undefined ? e.Id === undefined : !opts.existing;
  if (isNew) {
    const problem = newEndpointProblem(e);
    if (problem) return problem;
  }
  let p: string | undefined;
  if (e.Attributes !== undefined && (p = checkAttributeMap(e.Attributes, 'Attributes'))) return p;
  if (e.Metrics !== undefined && (p = checkMetrics(e.Metrics))) return p;
  if (e.Location !== undefined && (p = checkLocation(e.Location))) return p;
  if (e.Demographic !== undefined && (p = checkDemographic(e.Demographic))) return p;
  if (e.User !== undefined && (p = checkUser(e.User))) return p;
  const custom =
    countKeys(e.Attributes) + countKeys(e.Metrics) + (isPlainObject(e.User) ? countKeys(e.User.UserAttributes) : 0);
  if (custom > LIMITS.maxCustomAttributes) {
    return `the endpoint has ${custom} custom attributes (Attributes, Metrics, User.UserAttributes); at most ${LIMITS.maxCustomAttributes} are allowed`;
  }
  const size = opts.sizeBytes ?? Buffer.byteLength(JSON.stringify(e));
  if (size > LIMITS.maxEndpointBytes) {
    return `the endpoint is ${size} bytes; at most ${LIMITS.maxEndpointBytes} (15 KB) are allowed`;
  }
  return undefined;
}

/** The extra rule for an endpoint that does not exist yet: ChannelType and Address are required. */
export function newEndpointProblem(e: { ChannelType?: unknown; Address?: unknown }): string | undefined {
  if (e.ChannelType === undefined) return `ChannelType is required for a new endpoint (one of ${CHANNEL_LIST})`;
  if (e.Address === undefined || e.Address === '') return 'Address is required for a new endpoint';
  return undefined;
}
