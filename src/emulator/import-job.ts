/**
 * What an import job does: find the files (the object, or every file of the requested format
 * under the folder), check the size limit, then read each file (a piece) as a stream, validate
 * every record and upsert it. Failure strings: `s3://bucket/key line N: reason`.
 */
import type { ImportJobResource } from '@aws-sdk/client-pinpoint';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { S3Location } from '../contracts/s3-location';
import { parseS3Url } from '../contracts/s3-location';
import { importFileExtensions } from '../contracts/import-files';
import { EndpointFileError, newEndpointProblem, parseEndpointBatches } from '../formats';
import type { EmulatorCore } from './core';
import { stableId } from './ids';
import { addFailure, initCounters } from './job-progress';
import type { ImportFile } from './s3-io';
import { describeError, listImportFiles, openObject } from './s3-io';
import type { AppState, JobState, SegmentState } from './state';

export interface ImportPlan {
  loc: S3Location;
  files: ImportFile[];
}

const url = (bucket: string, key: string): string => `s3://${bucket}/${key}`;

/** Lists the files; returns undefined (after recording the failure) when the job cannot run. */
export async function planImport(
  core: EmulatorCore,
  job: JobState,
  signal: AbortSignal,
): Promise<ImportPlan | undefined> {
  const def = job.response.Definition as ImportJobResource;
  const loc = parseS3Url(def.S3Url ?? '');
  const format = def.Format as 'CSV' | 'JSON';
  if (core.faults.denyRoleArns.includes(def.RoleArn ?? '')) {
    initCounters(job, 1);
    job.response.FailedPieces = 1;
    addFailure(job, `${def.S3Url}: could not assume role ${def.RoleArn} to read the files (AccessDenied)`);
    return undefined;
  }
  let files: ImportFile[];
  try {
    files = await listImportFiles(core.s3, loc, format, signal);
  } catch (err) {
    if (signal.aborted) throw err;
    initCounters(job, 1);
    job.response.FailedPieces = 1;
    addFailure(job, `${def.S3Url}: could not list the files: ${describeError(err)}`);
    return undefined;
  }
  if (files.length === 0) {
    initCounters(job, 1);
    job.response.FailedPieces = 1;
    addFailure(
      job,
      `${def.S3Url}: no ${format} files found (an object, or a folder holding files ending in ${importFileExtensions(format).join(', ')})`,
    );
    return undefined;
  }
  initCounters(job, files.length);
  const total = files.reduce((sum, f) => sum + f.size, 0);
  if (total > core.options.maxImportJobBytes) {
    job.response.FailedPieces = files.length;
    addFailure(
      job,
      `${def.S3Url}: the files total ${total} bytes; an import job accepts at most ${core.options.maxImportJobBytes} bytes: split them into several jobs`,
    );
    return undefined;
  }
  return { loc, files };
}

interface ImportTarget {
  segment?: SegmentState;
  segmentVersion: number;
  /** Segment-only import (RegisterEndpoints false). */
  privateMap?: Map<string, string>;
}

function importTarget(app: AppState, job: JobState): ImportTarget {
  const def = job.response.Definition as ImportJobResource;
  const segment = def.SegmentId ? app.segments.get(def.SegmentId) : undefined;
  if (segment) segment.members ??= new Map();
  let privateMap: Map<string, string> | undefined;
  if (segment && def.RegisterEndpoints === false) privateMap = segment.privateEndpoints ??= new Map();
  return { segment, segmentVersion: job.segmentVersion ?? 1, privateMap };
}

/** Reads every piece; counters and failures are updated on the job as it goes. */
export async function runImportPieces(
  core: EmulatorCore,
  app: AppState,
  job: JobState,
  plan: ImportPlan,
  signal: AbortSignal,
): Promise<void> {
  const def = job.response.Definition as ImportJobResource;
  const r = job.response;
  const target = importTarget(app, job);
  const requestId = stableId(r.Id, 'request');
  for (const file of plan.files) {
    const where = url(plan.loc.bucket, file.key);
    let pieceFailed = false;
    try {
      const body = await openObject(core.s3, plan.loc.bucket, file.key, signal);
      const now = new Date().toISOString();
      const map = target.privateMap ?? app.endpoints;
      for await (const rows of parseEndpointBatches(body, def.Format === 'CSV' ? 'CSV' : 'JSON', {
        validate: { existing: true },
      })) {
        if (signal.aborted) throw signal.reason;
        for (const row of rows) {
          if (row.kind === 'rejected') {
            r.TotalFailures = (r.TotalFailures ?? 0) + 1;
            addFailure(job, `${where} line ${row.line}: ${row.reason}`);
            continue;
          }
          const e = row.endpoint;
          const id = e.Id ?? stableId(r.Id, file.key, String(row.line));
          let reason = map.has(id) ? undefined : newEndpointProblem(e);
          if (!reason) {
            const result = core.upsert(app, id, e, { requestId, now, target: target.privateMap, raw: row.raw });
            if ('reason' in result) reason = result.reason;
          }
          if (reason) {
            r.TotalFailures = (r.TotalFailures ?? 0) + 1;
            addFailure(job, `${where} line ${row.line}: ${reason}`);
            continue;
          }
          r.TotalProcessed = (r.TotalProcessed ?? 0) + 1;
          if (target.segment?.members && !target.segment.members.has(id)) {
            target.segment.members.set(id, target.segmentVersion);
          }
        }
        // Let the HTTP server answer between chunks however fast S3 delivers.
        await yieldToLoop();
      }
    } catch (err) {
      if (signal.aborted) throw err;
      pieceFailed = true;
      if (err instanceof EndpointFileError) addFailure(job, `${where} line ${err.line}: ${err.message}`);
      else addFailure(job, `${where}: could not be read: ${describeError(err)}`);
    }
    if (pieceFailed) r.FailedPieces = (r.FailedPieces ?? 0) + 1;
    else r.CompletedPieces = (r.CompletedPieces ?? 0) + 1;
    void core.touchMeta();
  }
}

/** Makes the job's segment reflect what was imported (version, size, channel counts) and persists it. */
export async function commitImport(core: EmulatorCore, app: AppState, job: JobState): Promise<void> {
  const target = importTarget(app, job);
  await core.flushEndpoints(app.app.Id);
  const seg = target.segment;
  if (!seg) return;
  const def = job.response.Definition as ImportJobResource;
  const counts: Record<string, number> = {};
  let size = 0;
  for (const [id, version] of seg.members ?? []) {
    if (version > target.segmentVersion) continue;
    const json = seg.privateEndpoints?.get(id) ?? app.endpoints.get(id);
    if (!json) continue;
    size++;
    const m = /"ChannelType":"([A-Z_]+)"/.exec(json);
    if (m?.[1]) counts[m[1]] = (counts[m[1]] ?? 0) + 1;
  }
  seg.response.Version = target.segmentVersion;
  seg.response.LastModifiedDate = new Date().toISOString();
  seg.response.ImportDefinition = {
    ChannelCounts: counts,
    ExternalId: def.ExternalId ?? job.response.Id,
    Format: def.Format,
    RoleArn: def.RoleArn,
    S3Url: def.S3Url,
    Size: size,
  };
  await core.persistence?.saveSegmentMembers(seg.response.Id, seg);
}
