import type { SegmentGroupList } from '@aws-sdk/client-pinpoint';
import { addSegment } from '../new-segment';
import { listJobs } from './jobs';
import { page } from './paging';
import type { Route } from './types';
import { requireString, tags } from './validate-request';
import { badRequest } from '../errors';

export const segmentRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/apps/:appId/segments',
    operation: 'CreateSegment',
    async handler({ core, params, body }) {
      const app = core.app(params.appId ?? '');
      const b = await body();
      const name = requireString(b, 'Name');
      if (b.Dimensions !== undefined && (typeof b.Dimensions !== 'object' || b.Dimensions === null)) {
        throw badRequest('Dimensions must be an object');
      }
      const seg = addSegment(core, app, {
        Name: name,
        SegmentType: 'DIMENSIONAL',
        Dimensions: b.Dimensions ?? {},
        tags: tags(b) ?? {},
      });
      if (b.SegmentGroups !== undefined) seg.response.SegmentGroups = b.SegmentGroups as SegmentGroupList;
      await core.touchMeta(true);
      return { status: 201, body: seg.response };
    },
  },
  {
    method: 'GET',
    path: '/v1/apps/:appId/segments',
    operation: 'GetSegments',
    handler({ core, params, query }) {
      const app = core.app(params.appId ?? '');
      return {
        status: 200,
        body: page(
          [...app.segments.values()].map((s) => s.response),
          query,
        ),
      };
    },
  },
  {
    method: 'GET',
    path: '/v1/apps/:appId/segments/:segmentId',
    operation: 'GetSegment',
    handler({ core, params }) {
      const app = core.app(params.appId ?? '');
      return { status: 200, body: core.segment(app, params.segmentId ?? '').response };
    },
  },
  {
    method: 'GET',
    path: '/v1/apps/:appId/segments/:segmentId/jobs/import',
    operation: 'GetSegmentImportJobs',
    handler({ core, params, query }) {
      const app = core.app(params.appId ?? '');
      const seg = core.segment(app, params.segmentId ?? '');
      return { status: 200, body: page(listJobs(app, 'IMPORT', seg.response.Id), query) };
    },
  },
  {
    method: 'GET',
    path: '/v1/apps/:appId/segments/:segmentId/jobs/export',
    operation: 'GetSegmentExportJobs',
    handler({ core, params, query }) {
      const app = core.app(params.appId ?? '');
      const seg = core.segment(app, params.segmentId ?? '');
      return { status: 200, body: page(listJobs(app, 'EXPORT', seg.response.Id), query) };
    },
  },
];
