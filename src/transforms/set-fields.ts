import {
  DEMOGRAPHIC_FIELDS,
  LOCATION_NUMBER_FIELDS,
  LOCATION_STRING_FIELDS,
  MAX_ATTRIBUTE_NAME_LENGTH,
  TOP_LEVEL_SETTABLE,
} from './endpoint-fields';

/** One compiled `set` entry: the object path to walk (created when absent) and the value to put there. */
export interface SetOperation {
  path: readonly string[];
  value: string | number | string[];
}

const SETTABLE_HELP =
  'Fix: use a settable path: Address, ChannelType, EffectiveDate, EndpointStatus, OptOut, RequestId, Demographic.<field>, ' +
  'Location.<field>, Attributes.<name>, Metrics.<name>, User.UserId, User.UserAttributes.<name>';

/**
 * Turns `"Location.Country" = "DE"` into a typed operation, or returns a message that names the
 * problem and the fix. Attribute values become one-element lists and Metrics values numbers, as
 * the endpoint model wants them.
 */
export function compileSetOperation(dotPath: string, value: string): SetOperation | string {
  const parts = dotPath.split('.');
  const [head, second, ...rest] = parts;
  if (parts.some((p) => p.length === 0)) return `"${dotPath}" has an empty segment. ${SETTABLE_HELP}`;
  if (head === 'Id') {
    return '"Id" cannot be set: every endpoint would get the same id and overwrite the others. Fix: leave Id as exported';
  }
  if (head === undefined) return `empty path. ${SETTABLE_HELP}`;
  if (second === undefined) {
    if (!(head in TOP_LEVEL_SETTABLE)) return `"${dotPath}" is not a settable field. ${SETTABLE_HELP}`;
    const allowed = TOP_LEVEL_SETTABLE[head];
    if (allowed && !allowed.includes(value)) {
      return `"${dotPath}" is "${value}". Fix: use one of ${allowed.join(', ')}`;
    }
    return { path: [head], value };
  }
  const attributeName = rest.join('.');
  switch (head) {
    case 'Demographic':
      if (rest.length > 0 || !(DEMOGRAPHIC_FIELDS as readonly string[]).includes(second)) {
        return `"${dotPath}" is not a Demographic field. Fix: use one of ${DEMOGRAPHIC_FIELDS.join(', ')}`;
      }
      return { path: [head, second], value };
    case 'Location':
      if (rest.length === 0 && (LOCATION_STRING_FIELDS as readonly string[]).includes(second)) {
        return { path: [head, second], value };
      }
      if (rest.length === 0 && (LOCATION_NUMBER_FIELDS as readonly string[]).includes(second)) {
        const n = Number(value);
        if (value.trim() === '' || !Number.isFinite(n)) return `"${dotPath}" is "${value}". Fix: give a number`;
        return { path: [head, second], value: n };
      }
      return `"${dotPath}" is not a Location field. Fix: use one of ${[...LOCATION_STRING_FIELDS, ...LOCATION_NUMBER_FIELDS].join(', ')}`;
    case 'Attributes':
    case 'Metrics': {
      const name = [second, ...rest].join('.');
      const bad = checkAttributeName(name, dotPath);
      if (bad) return bad;
      if (head === 'Attributes') return { path: [head, name], value: [value] };
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n))
        return `"${dotPath}" is "${value}". Fix: give a number (Metrics values are numbers)`;
      return { path: [head, name], value: n };
    }
    case 'User':
      if (second === 'UserId' && rest.length === 0) return { path: [head, second], value };
      if (second === 'UserAttributes' && rest.length > 0) {
        const bad = checkAttributeName(attributeName, dotPath);
        if (bad) return bad;
        return { path: [head, second, attributeName], value: [value] };
      }
      return `"${dotPath}" is not a User field. Fix: use User.UserId or User.UserAttributes.<name>`;
    default:
      return `"${dotPath}" is not a settable field. ${SETTABLE_HELP}`;
  }
}

export function checkAttributeName(name: string, where: string): string | undefined {
  if (name.length === 0) return `${where}: attribute name is empty. Fix: name the attribute`;
  if (name.length > MAX_ATTRIBUTE_NAME_LENGTH) {
    return `${where}: attribute name "${name}" is longer than ${MAX_ATTRIBUTE_NAME_LENGTH} characters (Pinpoint's limit). Fix: use a shorter name`;
  }
  return undefined;
}

/** Applies one operation to a plain JSON object, creating intermediate objects; never shares arrays. */
export function applySetOperation(target: Record<string, unknown>, op: SetOperation): void {
  let node = target;
  for (let i = 0; i < op.path.length - 1; i++) {
    const key = op.path[i] as string;
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    } else {
      node = next as Record<string, unknown>;
    }
  }
  const last = op.path[op.path.length - 1] as string;
  node[last] = Array.isArray(op.value) ? [...op.value] : op.value;
}
