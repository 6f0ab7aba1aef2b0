/** Matches method + path against routes; tells a wrong method on a known path from an unknown path. */
import type { Route } from './types';

export type Match =
  | { kind: 'route'; route: Route; params: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'unknown' };

export function matchRoute(routes: Route[], method: string, pathname: string): Match {
  const segs = pathname.replace(/\/+$/, '').split('/');
  let known = false;
  for (const route of routes) {
    const parts = route.path.split('/');
    if (parts.length !== segs.length) continue;
    const params: Record<string, string> = {};
    const ok = parts.every((p, i) => {
      const s = segs[i] as string;
      if (!p.startsWith(':')) return p === s;
      if (s === '') return false;
      try {
        params[p.slice(1)] = decodeURIComponent(s);
        return true;
      } catch {
        return false;
      }
    });
    if (!ok) continue;
    if (route.method === method || (method === 'HEAD' && route.method === 'GET'))
      return { kind: 'route', route, params };
    known = true;
  }
  return known ? { kind: 'method-not-allowed' } : { kind: 'unknown' };
}
