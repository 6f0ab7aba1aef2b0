/**
 * Data Access, base `/data/foundation/export`: a batch's dataset files (start/limit paging, at most
 * 100 a page), a dataset file's listing of Parquet chunks, and a chunk's bytes (`?path=`; `Range`
 * answered 206; HEAD gives the length). A batch lists no files until its job has SUCCEEDED.
 */
import type { IncomingMessage } from 'node:http';
import { badRequest, notFound } from '../errors';
import type { Route } from './types';

const BASE = '/data/foundation/export';
const MAX_PAGE = 100;

function paging(query: URLSearchParams): { start: number; limit: number } {
  const start = query.get('start') ?? '0';
  const limit = query.get('limit') ?? String(MAX_PAGE);
  if (!/^\d+$/.test(start))
    throw badRequest('DAS-400-400', 'start must be a whole number (the index of the first item)');
  if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_PAGE) {
    throw badRequest('DAS-400-400', `limit must be a whole number from 1 to ${MAX_PAGE}`);
  }
  return { start: Number(start), limit: Number(limit) };
}

function origin(req: IncomingMessage): string {
  return `http://${req.headers.host ?? '127.0.0.1'}`;
}

function pageOf<T>(items: T[], query: URLSearchParams, hrefOf: (start: number, limit: number) => string) {
  const { start, limit } = paging(query);
  const data = items.slice(start, start + limit);
  const more = start + limit < items.length;
  return {
    data,
    _page: { limit, count: data.length },
    _links: more ? { next: { href: hrefOf(start + limit, limit) } } : {},
  };
}

export const dataAccessRoutes: Route[] = [
  {
    method: 'GET',
    path: `${BASE}/batches/:batchId/files`,
    operation: 'dataAccess.listBatchFiles',
    handler({ core, req, url, params }) {
      const batch = core.state.batches.get(params.batchId ?? '');
      if (!batch) throw notFound('DAS-404-404', `batch ${params.batchId ?? ''} not found`);
      const files = batch.dataSetFileIds.flatMap((id) => {
        const f = core.state.dataSetFiles.get(id);
        if (!f) return [];
        const records = f.files.reduce((n, x) => n + x.records, 0);
        const size = f.files.reduce((n, x) => n + x.length, 0);
        return [
          {
            dataSetFileId: f.dataSetFileId,
            dataSetViewId: f.datasetId,
            version: '1.0.0',
            created: String(f.created),
            updated: String(f.created),
            records: String(records),
            size: String(size),
            isValid: true,
            _links: { self: { href: `${origin(req)}${BASE}/files/${f.dataSetFileId}` } },
          },
        ];
      });
      const page = pageOf(
        files,
        url.searchParams,
        (s, l) => `${origin(req)}${BASE}/batches/${batch.batchId}/files?start=${s}&limit=${l}`,
      );
      return { status: 200, body: page };
    },
  },
  {
    method: 'GET',
    path: `${BASE}/files/:dataSetFileId`,
    operation: 'dataAccess.getFile',
    async handler({ core, req, url, params }) {
      const f = core.state.dataSetFiles.get(params.dataSetFileId ?? '');
      if (!f) throw notFound('DAS-404-404', `dataset file ${params.dataSetFileId ?? ''} not found`);
      const name = url.searchParams.get('path');
      if (name !== null) {
        const entry = f.files.find((x) => x.name === name);
        const bytes = entry ? await core.store.get(`${f.batchId}/${f.dataSetFileId}/${entry.name}`) : undefined;
        if (!bytes) throw notFound('DAS-404-404', `dataset file ${f.dataSetFileId} has no file named by ?path`);
        return { bytes, head: req.method === 'HEAD' };
      }
      const self = `${origin(req)}${BASE}/files/${f.dataSetFileId}`;
      const listing = f.files.map((x) => ({
        name: x.name,
        length: String(x.length),
        _links: { self: { href: `${self}?path=${encodeURIComponent(x.name)}` } },
      }));
      return { status: 200, body: pageOf(listing, url.searchParams, (s, l) => `${self}?start=${s}&limit=${l}`) };
    },
  },
];
