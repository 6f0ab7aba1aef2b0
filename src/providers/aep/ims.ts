/**
 * Adobe IMS OAuth server-to-server token client: `POST <AEP_IMS_URL>/ims/token/v3` with
 * grant_type=client_credentials. The token is cached and refreshed before it expires (a tenth of
 * its lifetime early, at most 5 minutes); concurrent callers share one request. Never logged.
 */
import type { AepCallContext } from './errors';
import { classifyAepError, classifyAepProblem } from './errors';
import { problemOf } from './problem';

export interface ImsCredentials {
  imsUrl: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
}

interface Cached {
  token: string;
  refreshAtMs: number;
}

const MAX_EARLY_MS = 5 * 60_000;
const CTX: AepCallContext = { operation: 'IMS token request' };

export class ImsTokenClient {
  private cached: Cached | undefined;
  private inFlight: Promise<Cached> | undefined;
  /** Tokens fetched so far (tests check refreshes). */
  fetches = 0;

  constructor(
    private readonly creds: ImsCredentials,
    private readonly now: () => number = Date.now,
  ) {}

  /** A token valid for a while yet: the cached one, or a new one. */
  async token(signal?: AbortSignal): Promise<string> {
    if (this.cached && this.now() < this.cached.refreshAtMs) return this.cached.token;
    this.inFlight ??= this.fetchToken(signal).finally(() => (this.inFlight = undefined));
    this.cached = await this.inFlight;
    return this.cached.token;
  }

  /** Forgets the cached token (the platform said 401: it expired or was revoked early). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async fetchToken(signal?: AbortSignal): Promise<Cached> {
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: this.creds.clientId,
      client_secret: this.creds.clientSecret,
      scope: this.creds.scopes,
    });
    let res: Response;
    try {
      res = await fetch(`${this.creds.imsUrl}/ims/token/v3`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
        signal,
      });
    } catch (err) {
      throw classifyAepError(err, CTX);
    }
    if (!res.ok) throw classifyAepProblem(await problemOf(res, true), CTX);
    const json = (await res.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof json.access_token !== 'string' || typeof json.expires_in !== 'number') {
      throw classifyAepProblem(
        { status: 502, title: 'IMS answered without access_token / expires_in', ims: true },
        CTX,
      );
    }
    this.fetches++;
    const lifetimeMs = json.expires_in * 1000;
    return { token: json.access_token, refreshAtMs: this.now() + lifetimeMs - Math.min(lifetimeMs / 10, MAX_EARLY_MS) };
  }
}
