/**
 * The declarative profile → Pinpoint endpoint mapping of activateSegment: its JSON form (checked
 * with zod, each problem naming the field), the default, and the mapping of one exported profile.
 * Endpoint Ids are `<profile id>-<idSuffix>` (default `-email`, `-sms`): a rerun updates the same
 * endpoints instead of adding new ones. Problems name fields, never values.
 */
import { z } from 'zod';
import type { ActivationChannel, ActivationMapping } from '../../src/contracts/aep-activate';
import type { EndpointRecord } from '../../src/formats';
import { XDM_PATH } from '../../src/inputs/export-profiles-input';

export const DEFAULT_MAPPING: ActivationMapping = {
  profileId: '_id',
  channels: [
    { channel: 'EMAIL', address: 'personalEmail.address', idSuffix: 'email' },
    { channel: 'SMS', address: 'mobilePhone.number', idSuffix: 'sms' },
  ],
  attributes: {
    FirstName: 'person.name.firstName',
    LastName: 'person.name.lastName',
    CountryCode: 'homeAddress.countryCode',
  },
};

const dotPath = z
  .string({ error: 'must be an XDM dot path like personalEmail.address' })
  .regex(XDM_PATH, { error: 'must be an XDM dot path like personalEmail.address' });

const mappingSchema = z
  .object({
    profileId: dotPath.optional(),
    channels: z
      .array(
        z
          .object({
            channel: z.enum(['EMAIL', 'SMS'], { error: 'must be EMAIL or SMS' }),
            address: dotPath,
            idSuffix: z
              .string()
              .regex(/^[a-z0-9_]{1,20}$/, { error: 'must be 1–20 lower-case letters, digits or _' })
              .optional(),
          })
          .strict(),
      )
      .min(1, { error: 'give at least one channel' })
      .optional(),
    attributes: z
      .record(
        z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, { error: 'attribute names are 1–50 letters, digits, _ or -' }),
        dotPath,
      )
      .optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const suffixes = (m.channels ?? []).map((c) => c.idSuffix ?? c.channel.toLowerCase());
    suffixes.forEach((s, i) => {
      if (suffixes.indexOf(s) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['channels', i, 'idSuffix'],
          message: `two channels share the endpoint id suffix "${s}"; give each an idSuffix of its own`,
        });
      }
    });
  });

/** The mapping to use: the default with the given parts replaced. Throws naming each bad field (mapping.<path>). */
export function resolveMapping(raw: unknown): ActivationMapping {
  if (raw === undefined) return DEFAULT_MAPPING;
  const parsed = mappingSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${['mapping', ...i.path.map(String)].join('.')}: ${i.message}`);
    throw new Error(
      `invalid mapping: ${issues.join('; ')} (format: {"profileId": "_id", "channels": [{"channel": "EMAIL", "address": "personalEmail.address"}], "attributes": {"Name": "person.name.firstName"}})`,
    );
  }
  const m = parsed.data;
  return {
    profileId: m.profileId ?? DEFAULT_MAPPING.profileId,
    channels: m.channels
      ? m.channels.map((c) => ({
          channel: c.channel,
          address: c.address,
          idSuffix: c.idSuffix ?? c.channel.toLowerCase(),
        }))
      : DEFAULT_MAPPING.channels,
    attributes: m.attributes ?? DEFAULT_MAPPING.attributes,
  };
}

/** The XDM fields the AEP export must carry for the mapping. */
export function mappingFields(m: ActivationMapping): string[] {
  return [...new Set([m.profileId, ...m.channels.map((c) => c.address), ...Object.values(m.attributes)])];
}

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
