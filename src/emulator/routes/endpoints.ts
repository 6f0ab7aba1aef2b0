import type { EndpointRecord } from '../../formats';
import { ENDPOINT_LIMITS, validateEndpoint } from '../../formats';
import { badRequest, notFound } from '../errors';
import type { AppState } from '../state';
import { userEndpointIds } from '../endpoint-store';
import type { EmulatorCore } from '../core';
import type { Route } from './types';

const accepted = (requestId: string) => ({ status: 202, body: { Message: 'Accepted', RequestID: requestId } });

function checkedEndpoint(app: AppState, id: string, raw: unknown, where: string): EndpointRecord {
  const exists = app.endpoints.has(id);
  const reason = validateEndpoint(raw, { existing: exists, allowResponseFields: false });
  if (reason) throw badRequest(`${where}${reason}`);
  return raw as EndpointRecord;
}

function store(
  core: EmulatorCore,
  app: AppState,
  id: string,
  e: EndpointRecord,
  requestId: string,
  where: string,
): void {
  const result = core.upsert(app, id, e, { requestId });
  if ('reason' in result) throw badRequest(`${where}${result.reason}`);
}

function userEndpoints(app: AppState, userId: string): string[] {
  const ids = userEndpointIds(app, userId);
  if (ids.length === 0) throw notFound(`user ${userId}`);
  return [...ids];
}

export const endpointRoutes: Route[] = [
  {
    method: 'PUT',
    path: '/v1/apps/:appId/endpoints/:endpointId',
    operation: 'UpdateEndpoint',
    async handler({ core, params, body, requestId }) {
      const app = core.app(params.appId ?? '');
      const id = params.endpointId ?? '';
      const e = checkedEndpoint(app, id, await body(), '');
      store(core, app, id, e, requestId, '');
      await core.flushEndpoints(app.app.Id);
      return accepted(requestId);
    },
  },
  {
    method: 'PUT',
    path: '/v1/apps/:appId/endpoints',
    operation: 'UpdateEndpointsBatch',
    async handler({ core, params, body, requestId }) {
      const app = core.app(params.appId ?? '');
      const items = (await body()).Item;
      if (!Array.isArray(items)) throw badRequest('Item is required: a list of endpoints, each with an Id');
      if (items.length > ENDPOINT_LIMITS.maxBatchItems) {
        throw badRequest(`Item has ${items.length} endpoints; a batch holds at most ${ENDPOINT_LIMITS.maxBatchItems}`);
      }
      const checked = items.map((raw: unknown, i) => {
        const id = (raw as { Id?: unknown } | null)?.Id;
        if (typeof id !== 'string' || id === '') throw badRequest(`Item[${i}].Id is required`);
        const { Id: _id, ...rest } = raw as Record<string, unknown>;
        return { id, e: checkedEndpoint(app, id, rest, `Item[${i}]: `) };
      });
      checked.forEach(({ id, e }, i) => store(core, app, id, e, requestId, `Item[${i}]: `));
      await core.flushEndpoints(app.app.Id);
      return accepted(requestId);
    },
  },
  {
    method: 'GET',
    path: '/v1/apps/:appId/endpoints/:endpointId',
    operation: 'GetEndpoint',
    handler({ core, params }) {
      const app = core.app(params.appId ?? '');
      const json = app.endpoints.get(params.endpointId ?? '');
      if (json === undefined) throw notFound(`endpoint ${params.endpointId}`);
      return { status: 200, rawJson: json };
    },
  },
  {
    method: 'DELETE',
    path: '/v1/apps/:appId/endpoints/:endpointId',
    operation: 'DeleteEndpoint',
    async handler({ core, params }) {
      const app = core.app(params.appId ?? '');
      const json = core.removeEndpoint(app, params.endpointId ?? '');
      if (json === undefined) throw notFound(`endpoint ${params.endpointId}`);
      await core.flushEndpoints(app.app.Id);
      return { status: 202, rawJson: json };
    },
  },
  {
    method: 'GET',
    path: '/v1/apps/:appId/users/:userId',
    operation: 'GetUserEndpoints',
    handler({ core, params }) {
      const app = core.app(params.appId ?? '');
      const jsons = userEndpoints(app, params.userId ?? '').map((id) => app.endpoints.get(id) ?? 'null');
      return { status: 200, rawJson: `{"Item":[${jsons.filter((j) => j !== 'null').join(',')}]}` };
    },
  },
  {
    method: 'DELETE',
    path: '/v1/apps/:appId/users/:userId',
    operation: 'DeleteUserEndpoints',
    async handler({ core, params }) {
      const app = core.app(params.appId ?? '');
      const jsons = userEndpoints(app, params.userId ?? '')
        .map((id) => core.removeEndpoint(app, id))
        .filter((j): j is string => j !== undefined);
      await core.flushEndpoints(app.app.Id);
      return { status: 202, rawJson: `{"Item":[${jsons.join(',')}]}` };
    },
  },
];
