/**
 * The exportProfiles input (Adobe Experience Platform profile export): one schema for the CLI (before any remote
 * call) and the workflow's first activity. Every message names the field and the fix.
 */
import path from 'node:path';
import { z } from 'zod';
import type { ExportProfilesInput } from '../contracts/aep-export';
import { parseOrThrow } from './errors';
import { missingOr, s3Prefix } from './fields';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/i;

/** An RFC 3339 date-time that names a real moment (2026-02-31 does not; Date.parse would roll it over). */
export function isRfc3339(text: string): boolean {
  const m = RFC3339.exec(text);
  if (!m) return false;
  const [y, mo, d, h, mi, s, , , oh, om] = m.slice(1).map((v) => (v === undefined ? 0 : Number(v)));
  const day = new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 0));
  return (
    day.getUTCMonth() === (mo ?? 1) - 1 &&
    day.getUTCDate() === d &&
    (h ?? 0) < 24 &&
    (mi ?? 0) < 60 &&
    (s ?? 0) < 61 &&
    (oh ?? 0) < 24 &&
    (om ?? 0) < 60
  );
}

const rfc3339 = z.string({ error: missingOr('text', 'write a time like 2026-01-31T00:00:00Z') }).refine(isRfc3339, {
  error: (iss) => `"${String(iss.input)}" is not an RFC 3339 time. Fix: write e.g. 2026-01-31T00:00:00Z`,
});

export const AEP_DATASET_ID = /^[A-Za-z0-9_-]+$/;
export const XDM_PATH = /^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/;

/** The segments of an AEP export (also what activateSegment exports). */
export const segmentsSchema = z
  .array(
    z.object({
      segmentId: z.string().min(1, 'is empty. Fix: give the segment definition id'),
      segmentNs: z.string().min(1).optional(),
      status: z
        .array(
          z.enum(['realized', 'existing', 'exited'], {
            error: (iss) =>
              `"${String(iss.input)}" is not a membership status. Fix: use realized, existing and/or exited`,
          }),
        )
        .min(1, 'is empty. Fix: list realized, existing and/or exited')
        .optional(),
    }),
    { error: missingOr('a list', 'give the AEP segment definitions whose profiles to use') },
  )
  .min(1, 'is empty. Fix: give at least one segment');

/** An existing AEP dataset (export and activation). */
export const datasetIdSchema = z.string().regex(AEP_DATASET_ID, {
  error: (iss) =>
    `"${String(iss.input)}" is not a dataset id. Fix: copy the id Catalog shows (letters, digits, _ and -)`,
});

/** A dataset the run creates first (export and activation). */
export const createDatasetSchema = z.object({ name: z.string().min(1) });

/** A merge policy and, optionally, its version (export and activation). */
export const mergePolicySchema = z.object({
  id: z.string().min(1),
  version: z.number().int().min(1, 'must be 1 or more. Fix: merge policy versions start at 1').optional(),
});

const exportProfilesInputSchema = z
  .object({
    segments: segmentsSchema,
    datasetId: datasetIdSchema.optional(),
    createDataset: createDatasetSchema.optional(),
    fields: z
      .array(
        z.string().regex(XDM_PATH, {
          error: (iss) => `"${String(iss.input)}" is not an XDM dot path. Fix: write e.g. personalEmail.address`,
        }),
      )
      .min(1, 'is empty. Fix: list the XDM dot paths to export, or leave it out for all')
      .optional(),
    mergePolicy: mergePolicySchema.optional(),
    since: rfc3339.optional(),
    qualifiedBetween: z.object({ startTime: rfc3339.optional(), endTime: rfc3339.optional() }).optional(),
    segmentPerBatch: z.boolean().optional(),
    downloadDir: z
      .string()
      .refine((d) => path.isAbsolute(d), {
        error: (iss) =>
          `"${String(iss.input)}" is not an absolute path. Fix: give the absolute path on the worker's host`,
      })
      .optional(),
    copyTo: s3Prefix('S3 prefix to copy the files to').optional(),
    poll: z
      .object({
        initialIntervalMs: z.number().int().min(1).optional(),
        maxIntervalMs: z.number().int().min(1).optional(),
        maxWaitMs: z.number().int().min(1).optional(),
      })
      .optional(),
  })
  .strict()
  .superRefine((i, ctx) => {
    if ((i.datasetId === undefined) === (i.createDataset === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['datasetId'],
        message: `${i.datasetId === undefined ? 'no target dataset' : 'given together with a dataset to create'}. Fix: name either an existing dataset (on the profile union schema) or one to create`,
      });
    }
    if (i.downloadDir === undefined && i.copyTo === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['downloadDir'],
        message:
          "is required unless the files are copied to S3. Fix: give a folder on the worker's host, an S3 prefix to copy the files to, or both",
      });
    }
  });

/** Validates an exportProfiles input; throws InputError listing every problem. */
export function validateExportProfilesInput(raw: unknown): ExportProfilesInput {
  return parseOrThrow(exportProfilesInputSchema, raw, 'exportProfiles input');
}
