/**
 * The activateSegment input (AEP segment → Pinpoint application): one check for the CLI (before any remote call)
 * and the workflow's first activity, the mapping included. Every message names the field and the fix.
 */
import { z } from 'zod';
import type { ActivateSegmentInput, ActivationMapping } from '../contracts/aep-activate';
import { InputError } from './errors';
import type { InputIssue } from './errors';
import { createDatasetSchema, datasetIdSchema, mergePolicySchema, segmentsSchema } from './export-profiles-input';
import { absolutePath, applicationId, maxJobBytes, pollPolicy, roleArn, s3Prefix } from './fields';
import { mappingFields, parseMapping } from './activation-mapping';

const inputSchema = z
  .object({
    segments: segmentsSchema,
    datasetId: datasetIdSchema.optional(),
    createDataset: createDatasetSchema.optional(),
    mergePolicy: mergePolicySchema.optional(),
    applicationId,
    s3Url: s3Prefix('s3Url'),
    roleArn,
    workDir: absolutePath('workDir').optional(),
    mapping: z.unknown().optional(),
    maxJobBytes: maxJobBytes.optional(),
    dryRun: z.boolean().optional(),
    poll: pollPolicy.optional(),
  })
  .strict()
  .refine((i) => (i.datasetId === undefined) !== (i.createDataset === undefined), {
    message: 'no target dataset, or two. Fix: give exactly one of datasetId (an existing dataset) or createDataset',
    path: ['datasetId'],
  });

export interface CheckedActivation {
  input: ActivateSegmentInput;
  mapping: ActivationMapping;
  /** The XDM fields the export must carry for the mapping. */
  fields: string[];
}

/** Checks an activateSegment input and its mapping; throws InputError listing every problem (field + fix). */
export function validateActivateSegmentInput(raw: unknown): CheckedActivation {
  const parsed = inputSchema.safeParse(raw);
  const issues: InputIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(input)', message: i.message }));
  const mapped = parseMapping((raw as { mapping?: unknown } | undefined)?.mapping);
  if ('issues' in mapped) issues.push(...mapped.issues);
  if (!parsed.success || 'issues' in mapped) throw new InputError('activateSegment input', issues);
  return { input: parsed.data as ActivateSegmentInput, mapping: mapped.mapping, fields: mappingFields(mapped.mapping) };
}
