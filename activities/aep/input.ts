/** Checks an exportProfiles input before any remote call; each problem names the field and the fix. */
import { ApplicationFailure } from '@temporalio/common';
import path from 'node:path';
import { z } from 'zod';
import { FailureType } from '../../src/contracts';
import type { ExportProfilesInput } from '../../src/contracts/aep-export';

const rfc3339 = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i,
    'must be an RFC 3339 time like 2026-01-31T00:00:00Z',
  );

export const segmentsSchema = z
  .array(
    z.object({
      segmentId: z.string().min(1),
      segmentNs: z.string().min(1).optional(),
      status: z
        .array(z.enum(['realized', 'existing', 'exited']))
        .min(1)
        .optional(),
    }),
  )
  .min(1, 'give at least one segment');

const inputSchema = z
  .object({
    segments: segmentsSchema,
    datasetId: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'must be a dataset id')
      .optional(),
    createDataset: z.object({ name: z.string().min(1) }).optional(),
    fields: z.array(z.string().regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'must be an XDM dot path')).optional(),
    mergePolicy: z.object({ id: z.string().min(1), version: z.number().int().min(1).optional() }).optional(),
    since: rfc3339.optional(),
    qualifiedBetween: z.object({ startTime: rfc3339.optional(), endTime: rfc3339.optional() }).optional(),
    segmentPerBatch: z.boolean().optional(),
    downloadDir: z.string().refine((d) => path.isAbsolute(d), 'must be an absolute path'),
    poll: z
      .object({
        initialIntervalMs: z.number().int().min(1).optional(),
        maxIntervalMs: z.number().int().min(1).optional(),
        maxWaitMs: z.number().int().min(1).optional(),
      })
      .optional(),
  })
  .strict()
  .refine((i) => (i.datasetId === undefined) !== (i.createDataset === undefined), {
    message: 'give exactly one of datasetId (an existing dataset) or createDataset',
    path: ['datasetId'],
  });

export function checkExportProfilesInput(raw: unknown): ExportProfilesInput {
  const parsed = inputSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
    throw ApplicationFailure.nonRetryable(`invalid exportProfiles input: ${issues}`, FailureType.BadInput);
  }
  return parsed.data;
}
