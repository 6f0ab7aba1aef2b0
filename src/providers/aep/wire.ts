/** Reads the export job wire shape into AepExportJob, tolerating both dataset id spellings. */
import { classifyAepProblem } from './errors';
import type { AepBatchRef, AepExportJob, AepJobStatus } from './types';

const STATUSES = new Set(['NEW', 'PROCESSING', 'SUCCEEDED', 'FAILED', 'CANCELLED']);

type Wire = Record<string, unknown>;

function obj(v: unknown): Wire {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Wire) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

function batchesOf(dest: Wire): AepBatchRef[] {
  if (Array.isArray(dest.batches)) {
    return dest.batches
      .map(obj)
      .filter((b) => str(b.batchId))
      .map((b) => ({ batchId: str(b.batchId) as string, segmentId: str(b.segmentId), segmentNs: str(b.segmentNs) }));
  }
  const single = str(dest.batchId);
  return single ? [{ batchId: single }] : [];
}

export function jobFromWire(raw: unknown, operation: string): AepExportJob {
  const w = obj(raw);
  const id = str(w.id);
  const status = str(w.status);
  if (!id || !status || !STATUSES.has(status)) {
    throw classifyAepProblem(
      { status: 502, title: 'the export job answer has no id or a status it does not document' },
      { operation },
    );
  }
  const dest = obj(w.destination);
  const metrics = obj(w.metrics);
  return {
    id: id.replace(/\.0+$/, ''),
    status: status as AepJobStatus,
    datasetId: str(dest.datasetId) ?? str(dest.dataSetId) ?? '',
    segmentPerBatch: dest.segmentPerBatch === true,
    batches: batchesOf(dest),
    errors: Array.isArray(w.errors)
      ? w.errors.map(obj).map((e) => ({ code: str(e.code) ?? '', msg: str(e.msg) ?? '' }))
      : [],
    metrics: {
      totalTime: metrics.totalTime as AepExportJob['metrics']['totalTime'],
      profileExportTime: metrics.profileExportTime as AepExportJob['metrics']['profileExportTime'],
      aCPDatasetWriteTime: metrics.aCPDatasetWriteTime as AepExportJob['metrics']['aCPDatasetWriteTime'],
    },
    creationTime: typeof w.creationTime === 'number' ? w.creationTime : undefined,
    updateTime: typeof w.updateTime === 'number' ? w.updateTime : undefined,
    filter: w.filter,
    fields: str(w.fields),
  };
}
