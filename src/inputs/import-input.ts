import { z } from 'zod';
import type { ImportInput } from '../contracts';
import { parseOrThrow } from './errors';
import {
  absolutePath,
  cancelGraceMs,
  applicationId,
  endpointFormat,
  maxConcurrentJobs,
  maxRejected,
  maxJobBytes,
  pollPolicy,
  endpointProvider,
  reportUrl,
  roleArn,
  s3Prefix,
  s3Url,
} from './fields';

const source = z.discriminatedUnion(
  'kind',
  [
    z
      .object({
        kind: z.literal('local'),
        paths: z
          .array(absolutePath('input file'))
          .min(1, { error: 'no input files given; name at least one CSV or NDJSON file' }),
      })
      .strict(),
    z.object({ kind: z.literal('s3'), s3Url: s3Url('import source S3 URL') }).strict(),
  ],
  { error: 'source must be { kind: "local", paths: [...] } or { kind: "s3", s3Url: "s3://bucket/prefix/" }' },
);

export const importInputSchema = z
  .object({
    provider: endpointProvider('import').default('pinpoint'),
    applicationId,
    source,
    format: endpointFormat,
    stagingUrl: s3Prefix('staging S3 URL').optional(),
    roleArn,
    registerEndpoints: z.boolean().optional(),
    segmentName: z
      .string()
      .min(1, { error: 'segment name is empty' })
      .max(64, { error: 'segment name is longer than 64 characters' })
      .optional(),
    reportUrl: reportUrl.optional(),
    maxJobBytes: maxJobBytes.optional(),
    maxConcurrentJobs: maxConcurrentJobs.optional(),
    poll: pollPolicy.optional(),
    cancelGraceMs: cancelGraceMs.optional(),
    maxRejected: maxRejected.optional(),
    keepStaging: z.boolean({ error: 'keepStaging must be true or false' }).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.source.kind === 'local' && v.stagingUrl === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['stagingUrl'],
        message: 'local files are uploaded to S3 before the import: give a staging location s3://bucket/prefix/',
      });
    }
  });

/** Validates and normalises an import input; throws InputError listing every problem. */
export function validateImportInput(input: unknown): ImportInput {
  return parseOrThrow(importInputSchema, input, 'import input');
}
