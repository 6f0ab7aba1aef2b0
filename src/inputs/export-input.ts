import { z } from 'zod';
import type { ExportInput } from '../contracts';
import { parseOrThrow } from './errors';
import {
  absolutePath,
  cancelGraceMs,
  applicationId,
  pollPolicy,
  endpointProvider,
  roleArn,
  s3Prefix,
  segmentId,
  segmentVersion,
} from './fields';

export const exportInputSchema = z
  .object({
    provider: endpointProvider('export').default('pinpoint'),
    applicationId,
    s3Url: s3Prefix('export S3 URL'),
    roleArn,
    segmentId: segmentId.optional(),
    segmentVersion: segmentVersion.optional(),
    downloadDir: absolutePath('download directory').optional(),
    poll: pollPolicy.optional(),
    cancelGraceMs: cancelGraceMs.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.segmentVersion !== undefined && v.segmentId === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['segmentVersion'],
        message: 'a segment version needs a segment id; add the segment id or drop the version',
      });
    }
  });

/** Validates and normalises an export input (adds the trailing slash of the prefix); throws InputError. */
export function validateExportInput(input: unknown): ExportInput {
  return parseOrThrow(exportInputSchema, input, 'export input');
}
