/**
 * What an export job does: take the endpoints of the app (or of a segment), split them into pieces
 * and write each piece as one gzipped NDJSON object of EndpointResponse records under S3UrlPrefix
 * (`<prefix><jobId>/part-00000.json.gz`, …). Streams through zlib into a multipart upload.
 */
import type { EndpointResponse, ExportJobResource } from '@aws-sdk/client-pinpoint';
import { Readable } from 'node:stream';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { S3Location } from '../contracts/s3-location';
import { parseS3Url } from '../contracts/s3-location';
import type { EmulatorCore } from './core';
import { addFailure, initCounters } from './job-progress';
import { describeError, uploadGzip } from './s3-io';
import { segmentPredicate } from './segment-filter';
import type { AppState, JobState } from './state';

export interface ExportPlan {
  loc: S3Location;
  ids: string[];
  /** Where to read each endpoint (segment-only endpoints live in their segment). */
  lookup: (id: string) => string | undefined;
}

/** Chooses the endpoints; returns undefined (after recording the failure) when the job cannot run. */
export function planExport(core: EmulatorCore, app: AppState, job: JobState): ExportPlan | undefined {
  const def = job.response.Definition as ExportJobResource;
  const loc = parseS3Url(def.S3UrlPrefix ?? '');
  if (core.faults.denyRoleArns.includes(def.RoleArn ?? '')) {
    initCounters(job, 1);
    job.response.FailedPieces = 1;
    addFailure(job, `${def.S3UrlPrefix}: could not assume role ${def.RoleArn} to write the files (AccessDenied)`);
    return undefined;
  }
  let ids: string[];
  let lookup = (id: string): string | undefined => app.endpoints.get(id);
  const seg = def.SegmentId ? app.segments.get(def.SegmentId) : undefined;
  if (def.SegmentId && !seg) {
    initCounters(job, 1);
    job.response.FailedPieces = 1;
    addFailure(job, `segment ${def.SegmentId} no longer exists`);
    return undefined;
  }
  if (seg?.members) {
    const version = def.SegmentVersion ?? seg.response.Version ?? 1;
    ids = [];
    for (const [id, v] of seg.members) if (v <= version) ids.push(id);
    const priv = seg.privateEndpoints;
    if (priv) lookup = (id) => priv.get(id) ?? app.endpoints.get(id);
  } else if (seg) {
    let predicate: (e: EndpointResponse) => boolean;
    try {
      predicate = segmentPredicate(seg.response.Dimensions);
      if ((seg.response.SegmentGroups?.Groups ?? []).length > 0) {
        throw new Error('segment groups are not evaluated by the emulator');
      }
    } catch (err) {
      initCounters(job, 1);
      job.response.FailedPieces = 1;
      addFailure(job, `segment ${seg.response.Id}: ${(err as Error).message}`);
      return undefined;
    }
    ids = [];
    for (const [id, json] of app.endpoints) if (predicate(JSON.parse(json) as EndpointResponse)) ids.push(id);
  } else {
    ids = [...app.endpoints.keys()];
  }
  initCounters(job, Math.ceil(ids.length / core.options.exportPieceSize));
  return { loc, ids, lookup };
}

function pieceKey(loc: S3Location, jobId: string, piece: number): string {
  const prefix = loc.key === '' || loc.key.endsWith('/') ? loc.key : `${loc.key}/`;
  return `${prefix}${jobId}/part-${String(piece).padStart(5, '0')}.json.gz`;
}

/** NDJSON text of some endpoints, in chunks of about 256 KB. */
async function* ndjsonChunks(
  ids: string[],
  lookup: ExportPlan['lookup'],
  counter: { n: number },
): AsyncGenerator<string> {
  let batch: string[] = [];
  let size = 0;
  for (let i = 0; i < ids.length; i++) {
    const json = lookup(ids[i] as string);
    if (json === undefined) continue;
    batch.push(json);
    counter.n++;
    size += json.length + 1;
    if (size >= 256 * 1024) {
      yield `${batch.join('\n')}\n`;
      batch = [];
      size = 0;
      await yieldToLoop();
    }
  }
  if (batch.length > 0) yield `${batch.join('\n')}\n`;
}

export async function runExportPieces(
  core: EmulatorCore,
  job: JobState,
  plan: ExportPlan,
  signal: AbortSignal,
): Promise<void> {
  const r = job.response;
  const size = core.options.exportPieceSize;
  const pieces = r.TotalPieces ?? 0;
  for (let p = 0; p < pieces; p++) {
    const ids = plan.ids.slice(p * size, (p + 1) * size);
    const key = pieceKey(plan.loc, r.Id, p);
    const counter = { n: 0 };
    try {
      await uploadGzip(core.s3, plan.loc.bucket, key, Readable.from(ndjsonChunks(ids, plan.lookup, counter)), signal);
      r.CompletedPieces = (r.CompletedPieces ?? 0) + 1;
      r.TotalProcessed = (r.TotalProcessed ?? 0) + counter.n;
    } catch (err) {
      if (signal.aborted) throw err;
      r.FailedPieces = (r.FailedPieces ?? 0) + 1;
      r.TotalFailures = (r.TotalFailures ?? 0) + ids.length;
      addFailure(job, `s3://${plan.loc.bucket}/${key}: could not be written: ${describeError(err)}`);
    }
    void core.touchMeta();
  }
}
