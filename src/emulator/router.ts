/** Matches a method and path against the routes; tells a wrong method on a known path from an unknown path. */
import type { Route } from './routes/types';

export type Match =
  | { kind: 'route'; route: Route; params: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'unknown' };

interface Compiled {
  route: Route;
  parts: string[];
}

export class Router {
  private compiled: Compiled[];
  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => ({ route, parts: route.path.split('/').slice(1) }));
  }

  match(method: string, pathname: string): Match {
    const segs = pathname.replace(/\/+$/, '').split('/').slice(1);
    let pathKnown = false;
    for (const c of this.compiled) {
      if (c.parts.length !== segs.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segs.length && ok; i++) {
        const p = c.parts[i] as string;
        const s = segs[i] as string;
        if (p.startsWith(':')) {
          if (s === '') ok = false;
          else {
            try {
              params[p.slice(1)] = decodeURIComponent(s);
            } catch {
              ok = false;
            }
          }
        } else if (p !== s) ok = false;
      }
      if (!ok) continue;
      if (c.route.method === method) return { kind: 'route', route: c.route, params };
      pathKnown = true;
    }
    return pathKnown ? { kind: 'method-not-allowed' } : { kind: 'unknown' };
  }
}
