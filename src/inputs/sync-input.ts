/** zod schema of a SyncInput (contracts/sync.ts): the same field rules as export and import, plus the transform. */
import { z } from 'zod';
import type { SyncInput } from '../contracts/sync';
import { parseOrThrow } from './errors';
import {
  cancelGraceMs,
  applicationId,
  maxConcurrentJobs,
  maxRejected,
  maxJobBytes,
  pollPolicy,
  endpointProvider,
  reportUrl,
  roleArn,
  s3Prefix,
  segmentId,
  segmentVersion,
} from './fields';
import { transformSpecSchema } from '../transforms';

const count = (what: string, max: number) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .min(1, { error: `${what} must be at least 1` })
    .max(max, { error: `${what} may not exceed ${max}` });

export const syncInputSchema = z
  .object({
    provider: endpointProvider('sync').default('pinpoint'),
    sourceApplicationId: applicationId,
    targetApplicationId: applicationId,
    segmentId: segmentId.optional(),
    segmentVersion: segmentVersion.optional(),
    s3Url: s3Prefix('sync S3 URL'),
    roleArn,
    transform: transformSpecSchema.optional(),
    dryRun: z.boolean({ error: 'dryRun must be true or false' }).optional(),
    maxParallelTransfers: count('maxParallelTransfers', 64).optional(),
    transferBatchSize: count('transferBatchSize', 1000).optional(),
    maxJobBytes: maxJobBytes
      .min(16 * 1024, { error: 'maxJobBytes must be at least 16384 bytes (one endpoint may be 15 KB)' })
      .optional(),
    maxConcurrentJobs: maxConcurrentJobs.optional(),
    reportUrl: reportUrl.optional(),
    poll: pollPolicy.optional(),
    cancelGraceMs: cancelGraceMs.optional(),
    maxRejected: maxRejected.optional(),
    keepStaging: z.boolean({ error: 'keepStaging must be true or false' }).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.sourceApplicationId === v.targetApplicationId) {
      ctx.addIssue({
        code: 'custom',
        path: ['targetApplicationId'],
        message: 'is the same application as the source; sync into a different application',
      });
    }
    if (v.segmentVersion !== undefined && v.segmentId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['segmentVersion'],
        message: 'a segment version needs a segment id; add the segment id or drop the version',
      });
    }
  });

/** Validates and normalises a sync input; throws InputError naming every field and its fix. */
export function validateSyncInput(input: unknown): SyncInput {
  return parseOrThrow(syncInputSchema, input, 'sync input');
}
