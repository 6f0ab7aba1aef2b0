/**
 * Segmentation Service export jobs (base /data/core/ups): create, get, list (following link.next's
 * opaque offsets), and cancel/delete (DELETE answers 204 or 200 {status, message}; 404 = already gone).
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../contracts';
import type { AepHttp } from './http';
import type { AepDeleteOutcome, AepExportJob, AepExportJobSpec } from './types';
import { jobFromWire } from './wire';

const UPS_BASE = '/data/core/ups';
const JOBS = `${UPS_BASE}/export/jobs`;
const JOB_ID = /^\d+$/;

function checkJobId(id: string): void {
  if (!JOB_ID.test(id)) {
    throw ApplicationFailure.nonRetryable(
      `AEP export job id "${id}" is not a number; give the id the create call answered`,
      FailureType.BadInput,
    );
  }
}

/** The POST /export/jobs body of a spec. */
function exportJobBody(spec: AepExportJobSpec): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (spec.segments?.length) filter.segments = spec.segments;
  if (spec.segmentQualificationTime) filter.segmentQualificationTime = spec.segmentQualificationTime;
  if (spec.fromIngestTimestamp) filter.fromIngestTimestamp = spec.fromIngestTimestamp;
  if (spec.emptyProfiles !== undefined) filter.emptyProfiles = spec.emptyProfiles;
  return {
    ...(spec.fields?.length ? { fields: spec.fields.join(',') } : {}),
    ...(spec.mergePolicy ? { mergePolicy: spec.mergePolicy } : {}),
    ...(Object.keys(filter).length ? { filter } : {}),
    destination: { datasetId: spec.datasetId, segmentPerBatch: spec.segmentPerBatch ?? false },
    schema: { name: spec.schemaName ?? '_xdm.context.profile' },
  };
}

export class AepExportJobs {
  constructor(private readonly http: AepHttp) {}

  /** Not idempotent: a lost answer may leave a job behind (find it with list()). */
  async create(spec: AepExportJobSpec, signal?: AbortSignal): Promise<AepExportJob> {
    const operation = `create export job for dataset ${spec.datasetId}`;
    const raw = await this.http.json<unknown>(
      { method: 'POST', path: JOBS, body: exportJobBody(spec), signal },
      { operation },
    );
    return jobFromWire(raw, operation);
  }

  async get(id: string, signal?: AbortSignal): Promise<AepExportJob> {
    checkJobId(id);
    const operation = `get export job ${id}`;
    return jobFromWire(
      await this.http.json<unknown>({ method: 'GET', path: `${JOBS}/${id}`, signal }, { operation }),
      operation,
    );
  }

  /** Every job, newest first, page by page (`limit` a page) following link.next. */
  async *list(opts: { limit?: number; signal?: AbortSignal } = {}): AsyncIterable<AepExportJob> {
    let path: string | undefined = `${JOBS}?limit=${opts.limit ?? 100}`;
    const seen = new Set<string>();
    while (path) {
      const operation = 'list export jobs';
      type Page = { records?: unknown[]; link?: { next?: string } };
      const page: Page = await this.http.json<{ records?: unknown[]; link?: { next?: string } }>(
        { method: 'GET', path, signal: opts.signal },
        { operation },
      );
      for (const r of page.records ?? []) yield jobFromWire(r, operation);
      const next: string | undefined = page.link?.next;
      // link.next is relative to the API base (/export/jobs/?limit=…&offset=…); an offset seen before ends the walk.
      path = next && !seen.has(next) ? (next.startsWith('/data/') ? next : `${UPS_BASE}${next}`) : undefined;
      if (next) seen.add(next);
    }
  }

  /** Cancels a NEW/PROCESSING job (or deletes a finished one). */
  async cancel(id: string, signal?: AbortSignal): Promise<AepDeleteOutcome> {
    checkJobId(id);
    const operation = `cancel export job ${id}`;
    try {
      const res = await this.http.send({ method: 'DELETE', path: `${JOBS}/${id}`, signal }, { operation });
      if (res.status === 204) return { answer: 204 };
      const text = await res.text();
      let message: string | undefined;
      try {
        const body = JSON.parse(text) as { message?: unknown };
        if (typeof body.message === 'string') message = body.message;
      } catch {
        // a 200 without a JSON body is still a cancellation
      }
      return { answer: 200, message };
    } catch (err) {
      if (err instanceof ApplicationFailure && err.type === FailureType.NotFound) return { answer: 'gone' };
      throw err;
    }
  }
}
