/**
 * An export job as the Segmentation Service answers it. The create answer spells the destination's
 * dataset `datasetId`; GET and list answers spell it `dataSetId` — as Adobe's tutorial shows both,
 * so clients must read either.
 */
import type { ExportJob } from './state';

export type DatasetIdSpelling = 'datasetId' | 'dataSetId';

function destination(job: ExportJob, spelling: DatasetIdSpelling): Record<string, unknown> {
  const d: Record<string, unknown> = {
    [spelling]: job.request.datasetId,
    segmentPerBatch: job.request.segmentPerBatch,
  };
  if (job.request.segmentPerBatch) {
    d.batches = job.batches.map((b) => ({
      segmentId: b.segment?.segmentId,
      segmentNs: b.segment?.segmentNs,
      status: b.segment?.status,
      batchId: b.batchId,
    }));
  } else {
    d.batchId = job.batches[0]?.batchId ?? '';
  }
  return d;
}

export function jobView(job: ExportJob, spelling: DatasetIdSpelling): Record<string, unknown> {
  const r = job.request;
  const view: Record<string, unknown> = {
    profileInstanceId: 'ups',
    jobType: 'BATCH',
    id: job.id,
    status: job.status,
    ...(r.fields !== undefined ? { fields: r.fields } : {}),
    ...(r.filter !== undefined ? { filter: r.filter } : {}),
    ...(r.additionalFields !== undefined ? { additionalFields: r.additionalFields } : {}),
    schema: { name: r.schemaName },
    ...(r.mergePolicy !== undefined ? { mergePolicy: r.mergePolicy } : {}),
    requestId: job.requestId,
    computeGatewayJobId: job.computeGatewayJobId,
    metrics: job.metrics,
    destination: destination(job, spelling),
    ...(job.errors ? { errors: job.errors } : {}),
    updateTime: job.updateTime,
    imsOrgId: job.imsOrgId,
    creationTime: job.creationTime,
  };
  return view;
}
