/**
 * Finding the job a run created when the create answer was lost: AEP has no client token and no
 * output location to adopt by, so a job matches when it was created since the run started, on the
 * same dataset, with the same segments (statuses and namespace defaults applied), fields and
 * time filters.
 */
import type { AepExportJob, AepExportJobSpec } from '../../src/providers/aep';

const DEFAULT_STATUS = ['existing', 'realized'];

function segmentsKey(segments: unknown): string {
  const list = Array.isArray(segments) ? (segments as Record<string, unknown>[]) : [];
  return JSON.stringify(
    list
      .map((s) => ({
        id: String(s.segmentId),
        ns: (typeof s.segmentNs === 'string' ? s.segmentNs : 'ups').toLowerCase(),
        status: Array.isArray(s.status) ? [...(s.status as string[])].sort() : DEFAULT_STATUS,
      }))
      .sort((a, b) => a.id.localeCompare(b.id)),
  );
}

function timeKey(v: unknown): number | undefined {
  return typeof v === 'string' ? Date.parse(v) : undefined;
}

function specFingerprint(spec: AepExportJobSpec): string {
  return JSON.stringify([
    spec.datasetId,
    segmentsKey(spec.segments ?? []),
    (spec.fields ?? []).join(','),
    timeKey(spec.fromIngestTimestamp),
    timeKey(spec.segmentQualificationTime?.startTime),
    timeKey(spec.segmentQualificationTime?.endTime),
  ]);
}

function jobFingerprint(job: AepExportJob): string {
  const filter = (job.filter ?? {}) as Record<string, unknown>;
  const window = (filter.segmentQualificationTime ?? {}) as Record<string, unknown>;
  return JSON.stringify([
    job.datasetId,
    segmentsKey(filter.segments),
    job.fields ?? '',
    timeKey(filter.fromIngestTimestamp),
    timeKey(window.startTime),
    timeKey(window.endTime),
  ]);
}

export function matchesRun(job: AepExportJob, spec: AepExportJobSpec, notBeforeMs: number): boolean {
  return (job.creationTime ?? 0) >= notBeforeMs && jobFingerprint(job) === specFingerprint(spec);
}
