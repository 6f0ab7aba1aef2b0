/**
 * The declarative profile → Pinpoint endpoint mapping of activateSegment: its JSON form (checked with zod, each
 * problem naming the field), the default, and the fields an export must carry for it. The CLI checks a mapping
 * file with it before any remote call; the workflow's first activity checks the input with it again.
 */
import { z } from 'zod';
import type { ActivationMapping } from '../contracts/aep-activate';
import type { InputIssue } from './errors';
import { XDM_PATH } from './export-profiles-input';

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

/** What a mapping looks like, for the messages. */
export const MAPPING_FORMAT =
  '{"profileId": "_id", "channels": [{"channel": "EMAIL", "address": "personalEmail.address"}], "attributes": {"Name": "person.name.firstName"}}';

const dotPath = z
  .string({ error: 'must be an XDM dot path like personalEmail.address' })
  .regex(XDM_PATH, { error: 'must be an XDM dot path like personalEmail.address' });

/** A message for a value of the wrong type only; other issues keep their own. */
const onlyType = (message: string) => (iss: { code?: string }) => (iss.code === 'invalid_type' ? message : undefined);

const mappingSchema = z
  .object(
    {
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
          { error: onlyType('must be a list of {"channel", "address"} objects') },
        )
        .min(1, { error: 'give at least one channel' })
        .optional(),
      attributes: z
        .record(
          z.string().regex(/^[A-Za-z0-9_-]{1,50}$/, { error: 'attribute names are 1–50 letters, digits, _ or -' }),
          dotPath,
          { error: onlyType('must be an object of attribute name → XDM dot path') },
        )
        .optional(),
    },
    { error: onlyType('must be a JSON object') },
  )
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

/** The mapping to use (the default with the given parts replaced), or the problems, each naming its mapping.<path>. */
export function parseMapping(raw: unknown): { mapping: ActivationMapping } | { issues: InputIssue[] } {
  if (raw === undefined) return { mapping: DEFAULT_MAPPING };
  const parsed = mappingSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      issues: parsed.error.issues.map((i) => ({
        field: ['mapping', ...i.path.map(String)].join('.'),
        message: i.message,
      })),
    };
  }
  const m = parsed.data;
  return {
    mapping: {
      profileId: m.profileId ?? DEFAULT_MAPPING.profileId,
      channels: m.channels
        ? m.channels.map((c) => ({
            channel: c.channel,
            address: c.address,
            idSuffix: c.idSuffix ?? c.channel.toLowerCase(),
          }))
        : DEFAULT_MAPPING.channels,
      attributes: m.attributes ?? DEFAULT_MAPPING.attributes,
    },
  };
}

/** The mapping to use: the default with the given parts replaced. Throws naming each bad field (mapping.<path>). */
export function resolveMapping(raw: unknown): ActivationMapping {
  const r = parseMapping(raw);
  if ('mapping' in r) return r.mapping;
  throw new Error(
    `invalid mapping: ${r.issues.map((i) => `${i.field}: ${i.message}`).join('; ')} (format: ${MAPPING_FORMAT})`,
  );
}

/** The XDM fields the AEP export must carry for the mapping. */
export function mappingFields(m: ActivationMapping): string[] {
  return [...new Set([m.profileId, ...m.channels.map((c) => c.address), ...Object.values(m.attributes)])];
}
