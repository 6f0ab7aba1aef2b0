import { z } from 'zod';
import type { ImportInput } from '../contracts';
import { parseOrThrow } from './errors';
import {
  absolutePath,
  cancelGraceMs,
  applicationId,
  endpointFormat,
  flag,
  maxConcurrentJobs,
  maxRejected,
  maxJobBytes,
  pollPolicy,
  endpointProvider,
  reportUrl,
  roleArn,
  s3Prefix,
  s3Url,
  segmentName,
} from './fields';

const source = z.discriminatedUnion(
  'kind',
  [
    z
      .object({
        kind: z.literal('local'),
        paths: z
          .array(absolutePath('input file'))
          .min(1, { error: 'is empty. Fix: name at least one CSV or NDJSON file' }),
      })
      .strict(),
    z.object({ kind: z.literal('s3'), s3Url: s3Url('import source') }).strict(),
  ],
  {
    error:
      'is neither local files nor an S3 location. Fix: give { kind: "local", paths: [...] } or { kind: "s3", s3Url: "s3://bucket/prefix/" }',
  },
);

export const importInputSchema = z
  .object({
    provider: endpointProvider('import').default('pinpoint'),
    applicationId,
    source,
    format: endpointFormat,
    stagingUrl: s3Prefix('staging prefix').optional(),
    roleArn,
    registerEndpoints: flag.optional(),
    segmentName: segmentName.optional(),
    reportUrl: reportUrl.optional(),
    maxJobBytes: maxJobBytes.optional(),
    maxConcurrentJobs: maxConcurrentJobs.optional(),
    poll: pollPolicy.optional(),
    cancelGraceMs: cancelGraceMs.optional(),
    maxRejected: maxRejected.optional(),
    keepStaging: flag.optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.source.kind === 'local' && v.stagingUrl === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['stagingUrl'],
        message:
          'is required for local files (they are uploaded to S3 before the import). Fix: give a staging prefix s3://bucket/prefix/',
      });
    }
  });

/** Validates and normalises an import input; throws InputError listing every problem. */
export function validateImportInput(input: unknown): ImportInput {
  return parseOrThrow(importInputSchema, input, 'import input');
}
