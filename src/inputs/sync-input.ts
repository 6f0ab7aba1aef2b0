/** zod schema of a SyncInput (contracts/sync.ts): the same field rules as export and import, plus the transform. */
import { z } from 'zod';
import type { SyncInput } from '../contracts/sync';
import { parseOrThrow } from './errors';
import {
  cancelGraceMs,
  applicationId,
  checkSegmentPair,
  count,
  flag,
  jobBytes,
  maxConcurrentJobs,
  maxRejected,
  pollPolicy,
  endpointProvider,
  reportUrl,
  roleArn,
  s3Prefix,
  segmentId,
  segmentVersion,
} from './fields';
import { transformSpecSchema } from '../transforms';

/** Pieces a sync transfers at once, at most. */
const MAX_PARALLEL_TRANSFERS = 64;
/** Pieces one transfer child workflow takes, at most. */
const MAX_TRANSFER_BATCH_SIZE = 1_000;
/** The smallest import job of a sync: one endpoint may be 15 KB. */
const MIN_SYNC_JOB_BYTES = 16 * 1024;

export const syncInputSchema = z
  .object({
    provider: endpointProvider('sync').default('pinpoint'),
    sourceApplicationId: applicationId,
    targetApplicationId: applicationId,
    segmentId: segmentId.optional(),
    segmentVersion: segmentVersion.optional(),
    s3Url: s3Prefix('S3 work area'),
    roleArn,
    transform: transformSpecSchema.optional(),
    dryRun: flag.optional(),
    maxParallelTransfers: count(MAX_PARALLEL_TRANSFERS).optional(),
    transferBatchSize: count(MAX_TRANSFER_BATCH_SIZE).optional(),
    maxJobBytes: jobBytes(MIN_SYNC_JOB_BYTES, ' (one endpoint may be 15 KB)').optional(),
    maxConcurrentJobs: maxConcurrentJobs.optional(),
    reportUrl: reportUrl.optional(),
    poll: pollPolicy.optional(),
    cancelGraceMs: cancelGraceMs.optional(),
    maxRejected: maxRejected.optional(),
    keepStaging: flag.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.sourceApplicationId === v.targetApplicationId) {
      ctx.addIssue({
        code: 'custom',
        path: ['targetApplicationId'],
        message: 'is the same application as the source. Fix: sync into a different application',
      });
    }
    checkSegmentPair(v, ctx);
  });

/** Validates and normalises a sync input; throws InputError naming every field and its fix. */
export function validateSyncInput(input: unknown): SyncInput {
  return parseOrThrow(syncInputSchema, input, 'sync input');
}
