/**
 * The mapping of one exported profile to Pinpoint endpoints (the mapping's JSON form, its check and its default
 * live in src/inputs/activation-mapping.ts). Endpoint Ids are `<profile id>-<idSuffix>` (default `-email`,
 * `-sms`): a rerun updates the same endpoints instead of adding new ones. Problems name fields, never values.
 */
import type { ActivationChannel, ActivationMapping } from '../../src/contracts/aep-activate';
import type { EndpointRecord } from '../../src/formats';

function valueAt(row: Record<string, unknown>, dotted: string): unknown {
  let v: unknown = row;
  for (const part of dotted.split('.')) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const E164 = /^\+[1-9]\d{6,14}$/;

/** Why an address does not fit its channel (naming the field, not the value), or undefined. */
function addressProblem(channel: ActivationChannel, field: string, address: string): string | undefined {
  if (channel === 'EMAIL' && !EMAIL.test(address)) return `${field} is not an email address`;
  if (channel === 'SMS' && !E164.test(address))
    return `${field} is not a phone number in E.164 form (+<country><number>)`;
  return undefined;
}

export interface MappedProfile {
  endpoints: { channel: ActivationChannel; endpoint: EndpointRecord }[];
  /** Problems of this profile (field names only): a missing id, or an address that does not fit its channel. */
  problems: string[];
}

/** The endpoints of one exported profile row (nested structs as hyparquet reads them). */
export function mapProfile(row: Record<string, unknown>, m: ActivationMapping): MappedProfile {
  const id = text(valueAt(row, m.profileId));
  if (id === undefined) return { endpoints: [], problems: [`${m.profileId} (the profile id) is empty`] };
  const attributes: Record<string, string[]> = {};
  for (const [name, field] of Object.entries(m.attributes)) {
    const v = text(valueAt(row, field));
    if (v !== undefined) attributes[name] = [v];
  }
  const out: MappedProfile = { endpoints: [], problems: [] };
  for (const c of m.channels) {
    const address = text(valueAt(row, c.address));
    if (address === undefined) continue;
    const problem = addressProblem(c.channel, c.address, address);
    if (problem) {
      out.problems.push(problem);
      continue;
    }
    const endpoint: EndpointRecord = {
      Id: `${id}-${c.idSuffix}`,
      ChannelType: c.channel,
      Address: address,
      User: { UserId: id },
      ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
    };
    out.endpoints.push({ channel: c.channel, endpoint });
  }
  return out;
}
