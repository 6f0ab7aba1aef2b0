/** Validates `POST /export/jobs` bodies; a refusal names each bad field (400, Adobe error shape). */
import { z } from 'zod';
import { badRequest } from './errors';
import { MEMBERSHIP_STATUSES } from './seed';
import type { ExportJobRequest } from './state';

const rfc3339 = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i, 'must be an RFC 3339 date-time')
  .refine((s) => !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 date-time');

const bodySchema = z
  .object({
    fields: z.string().optional(),
    mergePolicy: z.object({ id: z.string().min(1), version: z.number().int().min(1).optional() }).optional(),
    filter: z
      .object({
        segments: z
          .array(
            z.object({
              segmentId: z.string().min(1),
              segmentNs: z.string().min(1).default('ups'),
              status: z.array(z.enum(MEMBERSHIP_STATUSES)).min(1).default(['realized', 'existing']),
            }),
          )
          .optional(),
        segmentQualificationTime: z.object({ startTime: rfc3339.optional(), endTime: rfc3339.optional() }).optional(),
        fromIngestTimestamp: rfc3339.optional(),
        emptyProfiles: z.boolean().optional(),
      })
      .optional(),
    additionalFields: z
      .object({
        eventList: z
          .object({
            fields: z.string().optional(),
            filter: z.object({ fromIngestTimestamp: rfc3339.optional() }).optional(),
          })
          .optional(),
      })
      .optional(),
    destination: z.object({ datasetId: z.string().min(1), segmentPerBatch: z.boolean().default(false) }),
    schema: z.object({ name: z.string().min(1) }),
  })
  .loose();

export const UPAPI_BAD_REQUEST = 'UPAPI-113434-400';

export function parseExportJobRequest(body: unknown): ExportJobRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(UPAPI_BAD_REQUEST, 'the request body must be a JSON object');
  }
  const parsed = bodySchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ');
    throw badRequest(UPAPI_BAD_REQUEST, `invalid export job request: ${issues}`);
  }
  const b = parsed.data;
  const window = b.filter?.segmentQualificationTime;
  if (window?.startTime && window.endTime && Date.parse(window.startTime) > Date.parse(window.endTime)) {
    throw badRequest(UPAPI_BAD_REQUEST, 'filter.segmentQualificationTime: startTime is after endTime');
  }
  return {
    fields: b.fields,
    mergePolicy: b.mergePolicy,
    filter: b.filter,
    additionalFields: b.additionalFields,
    datasetId: b.destination.datasetId,
    segmentPerBatch: b.destination.segmentPerBatch,
    schemaName: b.schema.name,
  };
}
