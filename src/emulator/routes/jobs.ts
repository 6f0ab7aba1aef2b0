import type { ExportJobResource, ImportJobResource } from '@aws-sdk/client-pinpoint';
import { badRequest } from '../errors';
import { jobFaults } from '../faults';
import { initCounters } from '../job-progress';
import { addSegment } from '../new-segment';
import { newId, nowIso } from '../ids';
import type { EmulatorCore } from '../core';
import type { AppState, JobKind, JobState, SegmentState } from '../state';
import { page } from './paging';
import type { Route, RouteContext } from './types';
import { optionalBoolean, optionalString, roleArn, s3Url } from './validate-request';

/** Jobs of an app of one kind, newest first, optionally only those tied to a segment. */
export function listJobs(app: AppState, kind: JobKind, segmentId?: string): JobState['response'][] {
  return [...app.jobs.values()]
    .filter((j) => j.kind === kind)
    .filter((j) => segmentId === undefined || (j.response.Definition as { SegmentId?: string }).SegmentId === segmentId)
    .sort((a, b) => b.seq - a.seq)
    .map((j) => j.response);
}

function newJob(
  core: EmulatorCore,
  app: AppState,
  kind: JobKind,
  definition: ImportJobResource | ExportJobResource,
): JobState {
  const faults = jobFaults(core.faults, kind);
  const job: JobState = {
    kind,
    seq: core.nextSeq(),
    response: {
      ApplicationId: app.app.Id,
      Id: newId(),
      CreationDate: nowIso(),
      Definition: definition,
      JobStatus: 'CREATED',
      Type: kind,
    },
  };
  initCounters(job, 0);
  if (faults.fail) job.injectFailure = true;
  if (faults.stall) job.stalled = true;
  return job;
}

function importSegment(
  core: EmulatorCore,
  app: AppState,
  def: ImportJobResource,
  jobId: string,
): SegmentState | undefined {
  if (def.SegmentId) {
    const seg = core.segment(app, def.SegmentId);
    if (seg.response.SegmentType !== 'IMPORT') {
      throw badRequest(
        `SegmentId ${def.SegmentId} is a ${seg.response.SegmentType} segment; an import can only update an IMPORT segment`,
      );
    }
    return seg;
  }
  if (!def.DefineSegment) return undefined;
  const seg = addSegment(
    core,
    app,
    {
      Name: def.SegmentName ?? `Import ${jobId}`,
      SegmentType: 'IMPORT',
      ImportDefinition: {
        ExternalId: def.ExternalId ?? jobId,
        Format: def.Format,
        RoleArn: def.RoleArn,
        S3Url: def.S3Url,
        Size: 0,
      },
      tags: {},
    },
    { members: new Map() },
  );
  def.SegmentId = seg.response.Id;
  return seg;
}

async function createImportJob({ core, params, body }: RouteContext) {
  const app = core.app(params.appId ?? '');
  const b = await body();
  const format = b.Format;
  if (format === undefined) throw badRequest('Format is required: CSV or JSON');
  if (format !== 'CSV' && format !== 'JSON')
    throw badRequest(`Format ${JSON.stringify(format)} is not valid; use CSV or JSON`);
  const def: ImportJobResource = { Format: format, S3Url: s3Url(b, 'S3Url'), RoleArn: roleArn(b) };
  const defineSegment = optionalBoolean(b, 'DefineSegment');
  const register = optionalBoolean(b, 'RegisterEndpoints');
  const segmentName = optionalString(b, 'SegmentName');
  const segmentId = optionalString(b, 'SegmentId');
  const externalId = optionalString(b, 'ExternalId');
  if (defineSegment !== undefined) def.DefineSegment = defineSegment;
  if (register !== undefined) def.RegisterEndpoints = register;
  if (segmentName !== undefined) def.SegmentName = segmentName;
  if (segmentId !== undefined) def.SegmentId = segmentId;
  if (externalId !== undefined) def.ExternalId = externalId;
  if (register === false && !defineSegment && !segmentId) {
    throw badRequest('RegisterEndpoints is false and no segment is defined or given: the import would have no effect');
  }
  const job = newJob(core, app, 'IMPORT', def);
  const seg = importSegment(core, app, def, job.response.Id);
  if (seg) job.segmentVersion = def.DefineSegment && !segmentId ? 1 : (seg.response.Version ?? 0) + 1;
  core.addJob(app, 'IMPORT', job);
  await core.touchMeta(true);
  return { status: 201, body: job.response };
}

async function createExportJob({ core, params, body }: RouteContext) {
  const app = core.app(params.appId ?? '');
  const b = await body();
  const def: ExportJobResource = { S3UrlPrefix: s3Url(b, 'S3UrlPrefix'), RoleArn: roleArn(b) };
  const segmentId = optionalString(b, 'SegmentId');
  const version = b.SegmentVersion;
  if (version !== undefined && version !== null) {
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
      throw badRequest('SegmentVersion must be a whole number from 1');
    }
    if (!segmentId) throw badRequest('SegmentVersion needs SegmentId');
  }
  if (segmentId !== undefined) {
    const seg = core.segment(app, segmentId);
    def.SegmentId = segmentId;
    if (typeof version === 'number') {
      if (version > (seg.response.Version ?? 1)) {
        throw badRequest(
          `SegmentVersion ${version} does not exist; the segment's latest version is ${seg.response.Version ?? 1}`,
        );
      }
      def.SegmentVersion = version;
    }
  }
  const job = newJob(core, app, 'EXPORT', def);
  core.addJob(app, 'EXPORT', job);
  await core.touchMeta(true);
  return { status: 202, body: job.response };
}

/** GetImportJobs / GetImportJob and GetExportJobs / GetExportJob: the same reads of either kind. */
function jobReadRoutes(kind: JobKind): Route[] {
  const word = kind === 'IMPORT' ? 'Import' : 'Export';
  const path = `/v1/apps/:appId/jobs/${kind.toLowerCase()}`;
  return [
    {
      method: 'GET',
      path,
      operation: `Get${word}Jobs`,
      handler: ({ core, params, query }) => ({
        status: 200,
        body: page(listJobs(core.app(params.appId ?? ''), kind), query),
      }),
    },
    {
      method: 'GET',
      path: `${path}/:jobId`,
      operation: `Get${word}Job`,
      handler: ({ core, params }) => ({
        status: 200,
        body: core.job(core.app(params.appId ?? ''), kind, params.jobId ?? '').response,
      }),
    },
  ];
}

export const jobRoutes: Route[] = [
  { method: 'POST', path: '/v1/apps/:appId/jobs/import', operation: 'CreateImportJob', handler: createImportJob },
  ...jobReadRoutes('IMPORT'),
  { method: 'POST', path: '/v1/apps/:appId/jobs/export', operation: 'CreateExportJob', handler: createExportJob },
  ...jobReadRoutes('EXPORT'),
];
