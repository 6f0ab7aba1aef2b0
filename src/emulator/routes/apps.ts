import type { AppRecord } from '../state';
import { page } from './paging';
import type { Route } from './types';
import { requireString, tags } from './validate-request';

function appResponse(a: AppRecord): AppRecord {
  return { ...a, tags: a.tags ?? {} };
}

export const appRoutes: Route[] = [
  {
    method: 'POST',
    path: '/v1/apps',
    operation: 'CreateApp',
    async handler({ core, body }) {
      const b = await body();
      const name = requireString(b, 'Name');
      const app = core.createApp(name, tags(b));
      await core.touchMeta(true);
      return { status: 201, body: appResponse(app) };
    },
  },
  {
    method: 'GET',
    path: '/v1/apps',
    operation: 'GetApps',
    handler({ core, query }) {
      const apps = [...core.state.apps.values()].map((a) => appResponse(a.app));
      return { status: 200, body: page(apps, query) };
    },
  },
  {
    method: 'GET',
    path: '/v1/apps/:appId',
    operation: 'GetApp',
    handler({ core, params }) {
      return { status: 200, body: appResponse(core.app(params.appId ?? '').app) };
    },
  },
  {
    method: 'DELETE',
    path: '/v1/apps/:appId',
    operation: 'DeleteApp',
    async handler({ core, engine, params }) {
      const app = await core.deleteApp(params.appId ?? '');
      engine.wakeAll();
      return { status: 200, body: appResponse(app) };
    },
  },
];
