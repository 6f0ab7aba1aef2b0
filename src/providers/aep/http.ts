/**
 * Platform calls with the four headers Adobe requires (Authorization, x-api-key, x-gw-ims-org-id,
 * x-sandbox-name; Content-Type on bodies). A 401 gets one new token and one more try. A 429 is tried
 * again after its Retry-After (up to `maxAttempts`, while the wait is at most `maxRetryAfterMs`);
 * 5xx is tried again only for GET/HEAD/DELETE (a POST may have been carried out). What is left is
 * classified (errors.ts) for the activity's Temporal retry policy.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AepCallContext } from './errors';
import { classifyAepError, classifyAepProblem } from './errors';
import type { ImsTokenClient } from './ims';
import { problemOf } from './problem';

export interface AepHttpSettings {
  endpoint: string;
  apiKey: string;
  orgId: string;
  sandbox: string;
  /** Attempts of one call for 429 and idempotent 5xx. Default 3. */
  maxAttempts?: number;
  /** Longest Retry-After waited for in the call; longer ones go to Temporal's retry. Default 30 s. */
  maxRetryAfterMs?: number;
  /** Wait between idempotent 5xx attempts. Default 200 ms (doubling). */
  serverErrorBackoffMs?: number;
}

export interface AepRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'DELETE';
  /** A path below the endpoint (starting with '/'), or an absolute URL the platform gave (a `_links` href). */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'DELETE']);

export class AepHttp {
  constructor(
    readonly settings: AepHttpSettings,
    readonly ims: ImsTokenClient,
  ) {}

  /** The URL of a path, or an href the platform answered (must be on the endpoint's origin). */
  url(path: string): string {
    if (!/^https?:\/\//.test(path)) return `${this.settings.endpoint}${path}`;
    if (new URL(path).origin !== new URL(this.settings.endpoint).origin) {
      throw classifyAepProblem(
        { status: 502, title: 'the platform answered a link to another host' },
        { operation: 'follow link' },
      );
    }
    return path;
  }

  /** Sends the request; answers a 2xx Response, or throws a classified ApplicationFailure. */
  async send(req: AepRequest, ctx: AepCallContext): Promise<Response> {
    const max = this.settings.maxAttempts ?? 3;
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const res = await this.once(req, ctx);
      if (res.ok) return res;
      const problem = await problemOf(res);
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        this.ims.invalidate();
        attempt--;
        continue;
      }
      if (
        attempt < max &&
        res.status === 429 &&
        (problem.retryAfterMs ?? 0) <= (this.settings.maxRetryAfterMs ?? 30_000)
      ) {
        await sleep(problem.retryAfterMs ?? 1000, undefined, { signal: req.signal });
        continue;
      }
      if (attempt < max && res.status >= 500 && IDEMPOTENT.has(req.method)) {
        await sleep((this.settings.serverErrorBackoffMs ?? 200) * 2 ** (attempt - 1), undefined, {
          signal: req.signal,
        });
        continue;
      }
      throw classifyAepProblem(problem, ctx);
    }
  }

  /** send() and parse the JSON answer. */
  async json<T>(req: AepRequest, ctx: AepCallContext): Promise<T> {
    const res = await this.send(req, ctx);
    try {
      return (await res.json()) as T;
    } catch (err) {
      throw classifyAepError(err, ctx);
    }
  }

  private async once(req: AepRequest, ctx: AepCallContext): Promise<Response> {
    const token = await this.ims.token(req.signal);
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      'x-api-key': this.settings.apiKey,
      'x-gw-ims-org-id': this.settings.orgId,
      'x-sandbox-name': this.settings.sandbox,
      ...(req.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...req.headers,
    };
    try {
      return await fetch(this.url(req.path), {
        method: req.method,
        headers,
        body: req.body !== undefined ? JSON.stringify(req.body) : undefined,
        signal: req.signal,
      });
    } catch (err) {
      throw classifyAepError(err, ctx);
    }
  }
}
