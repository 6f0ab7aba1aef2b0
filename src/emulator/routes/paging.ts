/** Pinpoint-style paging: query `page-size` and `token`, answer `{Item, NextToken}`. */
import { badRequest } from '../errors';

const DEFAULT_PAGE_SIZE = 100;

export function page<T>(items: T[], query: URLSearchParams): { Item: T[]; NextToken?: string } {
  const rawSize = query.get('page-size');
  let size = DEFAULT_PAGE_SIZE;
  if (rawSize !== null) {
    size = Number(rawSize);
    if (!/^\d+$/.test(rawSize) || size < 1) throw badRequest(`page-size "${rawSize}" must be a positive whole number`);
  }
  const token = query.get('token');
  let offset = 0;
  if (token !== null && token !== '') {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    const m = /^offset:(\d+)$/.exec(decoded);
    if (!m) throw badRequest('The token is not valid: pass the NextToken of the previous page');
    offset = Number(m[1]);
  }
  const slice = items.slice(offset, offset + size);
  const next = offset + size;
  return next < items.length
    ? { Item: slice, NextToken: Buffer.from(`offset:${next}`).toString('base64url') }
    : { Item: slice };
}
