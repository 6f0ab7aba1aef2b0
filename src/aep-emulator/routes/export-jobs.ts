/**
 * Segmentation Service export jobs, base `/data/core/ups`: create, list (limit + opaque offset),
 * get one, and DELETE (cancel a NEW/PROCESSING job — it becomes CANCELLED; delete a finished one —
 * it is gone). DELETE answers 204 No Content, or 200 `{status: true, message}` when so configured.
 */
import { AEP_DEFAULTS } from '../options';
import { AepError, badRequest, notFound } from '../errors';
import { parseJson } from '../http';
import { isActive } from '../job-runner';
import { cursorOf, pageOfJobs } from '../job-paging';
import { parseExportJobRequest, UPAPI_BAD_REQUEST } from '../job-request';
import { jobView } from '../job-view';
import type { AepEmulatorCore } from '../core';
import type { ExportJob, ExportJobRequest } from '../state';
import type { Route } from './types';

const BASE = '/data/core/ups/export/jobs';
const PROFILE_UNION = 'https://ns.adobe.com/xdm/context/profile__union';

function checkReferences(core: AepEmulatorCore, r: ExportJobRequest): void {
  const ds = core.state.datasets.get(r.datasetId);
  if (!ds) {
    throw new AepError(
      400,
      'UPLIB-101554-503',
      `Dataset ${r.datasetId} cannot be retrieved from Catalog; create it (POST /data/foundation/catalog/dataSets) or check destination.datasetId`,
    );
  }
  if (ds.schemaId !== PROFILE_UNION) {
    throw badRequest(
      UPAPI_BAD_REQUEST,
      `Dataset ${r.datasetId} is not based on the profile union schema ${PROFILE_UNION}`,
    );
  }
  if (r.mergePolicy) {
    const mp = core.state.mergePolicies.get(r.mergePolicy.id);
    if (!mp)
      throw badRequest(UPAPI_BAD_REQUEST, `mergePolicy.id ${r.mergePolicy.id} is not a merge policy of this sandbox`);
    if (r.mergePolicy.version !== undefined && r.mergePolicy.version > mp.version) {
      throw badRequest(
        UPAPI_BAD_REQUEST,
        `mergePolicy.version ${r.mergePolicy.version} does not exist (latest is ${mp.version})`,
      );
    }
  }
  if (r.segmentPerBatch && !r.filter?.segments?.length) {
    throw badRequest(UPAPI_BAD_REQUEST, 'destination.segmentPerBatch needs filter.segments');
  }
}

function createJob(core: AepEmulatorCore, r: ExportJobRequest, requestId: string): ExportJob {
  const now = Date.now();
  const segments = r.segmentPerBatch ? (r.filter?.segments ?? []) : [undefined];
  const job: ExportJob = {
    id: core.state.nextJobId++,
    status: 'NEW',
    request: r,
    requestId,
    creationTime: now,
    updateTime: now,
    batches: segments.map((segment) => ({ batchId: core.newBatchId(), segment })),
    metrics: { totalTime: { startTimeInMs: now }, profileExportTime: {}, aCPDatasetWriteTime: {} },
    computeGatewayJobId: {},
    imsOrgId: AEP_DEFAULTS.imsOrgId,
  };
  core.state.jobs.set(job.id, job);
  for (const b of job.batches)
    core.state.batches.set(b.batchId, { batchId: b.batchId, jobId: job.id, dataSetFileIds: [] });
  return job;
}

function jobFor(core: AepEmulatorCore, raw: string | undefined): ExportJob {
  const job = /^\d+$/.test(raw ?? '') ? core.state.jobs.get(Number(raw)) : undefined;
  if (!job) throw notFound('UPAPI-113000-404', `export job ${raw ?? ''} not found`);
  return job;
}

export const exportJobRoutes: Route[] = [
  {
    method: 'POST',
    path: BASE,
    operation: 'jobs.create',
    async handler({ core, req, body, requestId }) {
      const request = parseExportJobRequest(parseJson(await body()));
      checkReferences(core, request);
      const orgId = req.headers['x-gw-ims-org-id'];
      const job = createJob(core, request, requestId);
      if (typeof orgId === 'string') job.imsOrgId = orgId;
      core.runner.start(job);
      return { status: 200, body: jobView(job, 'datasetId'), headers: { 'x-location': `${BASE}/${job.id}` } };
    },
  },
  {
    method: 'GET',
    path: BASE,
    operation: 'jobs.list',
    handler({ core, url }) {
      const { page, limit, more, offset } = pageOfJobs(core.state.jobs.values(), url.searchParams);
      const last = page[page.length - 1];
      const pageOffset = last ? cursorOf(last) : (offset ?? '');
      return {
        status: 200,
        body: {
          records: page.map((j) => jobView(j, 'dataSetId')),
          page: { sortField: 'createdTime', sort: 'desc', pageOffset, pageSize: page.length },
          link: { next: more ? `/export/jobs/?limit=${limit}&offset=${pageOffset}` : '' },
        },
      };
    },
  },
  {
    method: 'GET',
    path: `${BASE}/:id`,
    operation: 'jobs.get',
    handler({ core, params }) {
      return { status: 200, body: jobView(jobFor(core, params.id), 'dataSetId') };
    },
  },
  {
    method: 'DELETE',
    path: `${BASE}/:id`,
    operation: 'jobs.delete',
    async handler({ core, params }) {
      const job = jobFor(core, params.id);
      core.deleteCalls++;
      if (isActive(job)) core.runner.cancel(job);
      else if (job.status !== 'CANCELLED') {
        core.state.jobs.delete(job.id);
        for (const b of job.batches) {
          const batch = core.state.batches.get(b.batchId);
          for (const id of batch?.dataSetFileIds ?? []) core.state.dataSetFiles.delete(id);
          core.state.batches.delete(b.batchId);
          if (b.batchId) await core.store.removePrefix(`${b.batchId}/`);
        }
      }
      if (core.deleteAnswer === 200) {
        return { status: 200, body: { status: true, message: 'Export job has been marked for cancelling' } };
      }
      return { status: 204 };
    },
  },
];
