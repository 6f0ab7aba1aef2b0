import { z } from 'zod';
import type { ExportInput } from '../contracts';
import { parseOrThrow } from './errors';
import {
  absolutePath,
  cancelGraceMs,
  applicationId,
  checkSegmentPair,
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
    s3Url: s3Prefix('S3 prefix the export job writes to'),
    roleArn,
    segmentId: segmentId.optional(),
    segmentVersion: segmentVersion.optional(),
    downloadDir: absolutePath('download directory').optional(),
    poll: pollPolicy.optional(),
    cancelGraceMs: cancelGraceMs.optional(),
  })
  .strict()
  .superRefine(checkSegmentPair);

/** Validates and normalises an export input (adds the trailing slash of the prefix); throws InputError. */
export function validateExportInput(input: unknown): ExportInput {
  return parseOrThrow(exportInputSchema, input, 'export input');
}
