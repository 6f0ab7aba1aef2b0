/**
 * What can be seeded (admin `POST /_emulator/seed` or the `seed` option): XDM profiles with their
 * `segmentMembership`, segment definitions, merge policies and datasets. Profiles are kept as given
 * (already merged); `_repo.modifyDate` is their ingest time (`filter.fromIngestTimestamp`).
 */
import { z } from 'zod';

const rfc3339 = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 date-time');

export const MEMBERSHIP_STATUSES = ['realized', 'existing', 'exited'] as const;

const membershipSchema = z.object({
  status: z.enum(MEMBERSHIP_STATUSES),
  lastQualificationTime: rfc3339,
});

const profileSchema = z
  .object({
    _id: z.string().min(1),
    segmentMembership: z.record(z.string(), z.record(z.string(), membershipSchema)).optional(),
    _repo: z.object({ modifyDate: rfc3339.optional() }).loose().optional(),
  })
  .loose();

export type SeedProfile = z.infer<typeof profileSchema>;

const segmentSchema = z.object({
  id: z.string().min(1),
  name: z.string().default(''),
  namespace: z.string().default('ups'),
});

const mergePolicySchema = z.object({
  id: z.string().min(1),
  name: z.string().default(''),
  /** The latest version; versions 1..version exist. */
  version: z.number().int().min(1).default(1),
});

const seedDatasetSchema = z.object({
  id: z.string().min(1),
  name: z.string().default(''),
  schemaId: z.string().default('https://ns.adobe.com/xdm/context/profile__union'),
});

const seedSchema = z
  .object({
    profiles: z.array(profileSchema).default([]),
    segments: z.array(segmentSchema).default([]),
    mergePolicies: z.array(mergePolicySchema).default([]),
    datasets: z.array(seedDatasetSchema).default([]),
  })
  .strict();

export type Seed = z.infer<typeof seedSchema>;
export type SeedSegment = z.infer<typeof segmentSchema>;
export type SeedMergePolicy = z.infer<typeof mergePolicySchema>;
export type SeedDataset = z.infer<typeof seedDatasetSchema>;

/** Parses a seed document; the error lists each bad field path (never a value). */
export function parseSeed(value: unknown): Seed {
  const parsed = seedSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(seed)'}: ${i.message}`).join('; ');
    throw new Error(`invalid seed: ${issues}`);
  }
  return parsed.data;
}
