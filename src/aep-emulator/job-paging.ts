/**
 * `GET /export/jobs` paging: newest first (creationTime, then id, descending); the offset is the
 * opaque cursor `<creationTime>_<id>` of the last record of the previous page, not a record count.
 */
import { badRequest } from './errors';
import type { ExportJob, JobStatus } from './state';

const DEFAULT_LIST_LIMIT = 100;
const MAX_LIST_LIMIT = 1000;

export function cursorOf(job: ExportJob): string {
  return `${job.creationTime}_${job.id}`;
}

function parseCursor(offset: string): { time: number; id: number } {
  const m = /^(\d+)_(\d+)$/.exec(offset);
  if (!m)
    throw badRequest(
      'UPAPI-113434-400',
      'offset must be a page.pageOffset from a previous answer (like 1538573416687_722)',
    );
  return { time: Number(m[1]), id: Number(m[2]) };
}

function parseLimit(raw: string | null): number {
  if (raw === null) return DEFAULT_LIST_LIMIT;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > MAX_LIST_LIMIT) {
    throw badRequest('UPAPI-113434-400', `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}`);
  }
  return n;
}

const newestFirst = (a: ExportJob, b: ExportJob): number => b.creationTime - a.creationTime || b.id - a.id;

export function pageOfJobs(
  jobs: Iterable<ExportJob>,
  query: URLSearchParams,
): { page: ExportJob[]; limit: number; more: boolean; offset?: string } {
  const limit = parseLimit(query.get('limit'));
  const offset = query.get('offset') ?? undefined;
  const cursor = offset !== undefined ? parseCursor(offset) : undefined;
  const status = query.get('status') as JobStatus | null;
  const sorted = [...jobs]
    .filter((j) => !status || j.status === status)
    .sort(newestFirst)
    .filter((j) => !cursor || j.creationTime < cursor.time || (j.creationTime === cursor.time && j.id < cursor.id));
  return { page: sorted.slice(0, limit), limit, more: sorted.length > limit, offset };
}
