/**
 * The activateSegment input (AEP segment → Pinpoint application): one check for the CLI (before any remote call)
 * and the workflow's first activity, the mapping included. Every message names the field and the fix.
 */
import { z } from 'zod';
import type { ActivateSegmentInput, ActivationMapping } from '../contracts/aep-activate';
import { InputError } from './errors';
import type { InputIssue } from './errors';
import { AEP_DATASET_ID, segmentsSchema } from './export-profiles-input';
import { absolutePath, applicationId, maxJobBytes, pollPolicy, roleArn, s3Prefix } from './fields';
import { mappingFields, parseMapping } from './activation-mapping';

const inputSchema = z
  .object({
    segments: segmentsSchema,
    datasetId: z.string().regex(AEP_DATASET_ID, 'must be a dataset id (letters, digits, _ and -)').optional(),
    createDataset: z.object({ name: z.string().min(1) }).optional(),
    mergePolicy: z.object({ id: z.string().min(1), version: z.number().int().min(1).optional() }).optional(),
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
    message: 'give exactly one of datasetId (an existing dataset) or createDataset',
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
