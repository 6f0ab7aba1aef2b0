/**
 * The one place AEP errors are classified (as the Pinpoint adapter does it): 429 and 5xx and network
 * errors → retryable ApplicationFailure (429 carries Retry-After as nextRetryDelay); 401/403 → non-
 * retryable, naming the header or credential to fix; 404 → NotFound; other 4xx → non-retryable with
 * Adobe's title. Messages hold ids and field names, never tokens, secrets or profile values.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../contracts';
import { TransientFailureType } from '../pinpoint/errors';
import { NETWORK_CODES } from '../network-codes';

export { TransientFailureType };

/** What a call was doing: the message of a failure says which call and which object. */
export interface AepCallContext {
  /** e.g. "create export job", "get export job 1234", "download file <name>". */
  operation: string;
}

/** A non-2xx answer of the platform or IMS, before classification. */
export interface AepHttpProblem {
  status: number;
  /** Adobe's error title, or IMS's error_description; never a header value. */
  title?: string;
  /** Adobe's error code or IMS's error. */
  code?: string;
  retryAfterMs?: number;
  /** The answer came from IMS (token endpoint). */
  ims?: boolean;
}

/** True for an aborted call (activity cancellation): callers rethrow it untouched. */
export function isAbortError(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  return name === 'AbortError' || name === 'CancelledFailure';
}

/** The code of a network error (fetch wraps it in `cause`). */
function networkCode(err: unknown): string | undefined {
  type Link = { code?: string; cause?: unknown; errors?: unknown[] };
  for (let e = err as Link | undefined, i = 0; e && i < 4; i++) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
    const inner = Array.isArray(e.errors) ? (e.errors[0] as Link | undefined) : undefined;
    if (typeof inner?.code === 'string' && NETWORK_CODES.has(inner.code)) return inner.code;
    e = e.cause as Link | undefined;
  }
  // fetch's own TypeError (compared by name: it may come from another realm).
  const e = err as { name?: string; message?: string } | undefined;
  if (e?.name === 'TypeError' && /fetch failed|terminated|socket/i.test(e.message ?? '')) return 'fetch failed';
  return undefined;
}

function headerToFix(title: string): string | undefined {
  if (/x-api-key/i.test(title)) return 'x-api-key: set AEP_API_KEY, or leave it unset to send AEP_CLIENT_ID';
  if (/x-gw-ims-org-id/i.test(title)) return 'x-gw-ims-org-id: set AEP_ORG_ID to your IMS org (like ABC123@AdobeOrg)';
  if (/x-sandbox-name/i.test(title)) return 'x-sandbox-name: set AEP_SANDBOX to the all-lowercase sandbox name';
  if (/content-type/i.test(title)) return 'Content-Type: the client must send application/json';
  return undefined;
}

export function classifyAepProblem(p: AepHttpProblem, ctx: AepCallContext): ApplicationFailure {
  const what = `AEP ${ctx.operation}`;
  const detail = `${p.status}${p.code ? ` ${p.code}` : ''}${p.title ? `: ${p.title}` : ''}`;
  if (p.status === 429) {
    return ApplicationFailure.create({
      message: `${what} was throttled (${detail}); retrying after ${Math.ceil((p.retryAfterMs ?? 1000) / 1000)} s`,
      type: TransientFailureType.Throttled,
      nonRetryable: false,
      nextRetryDelay: p.retryAfterMs,
    });
  }
  if (p.status >= 500) {
    return ApplicationFailure.retryable(
      `${what} failed on the server side (${detail}); retrying`,
      TransientFailureType.Unavailable,
    );
  }
  if (p.ims) {
    return ApplicationFailure.nonRetryable(
      `${what}: Adobe IMS refused the credentials (${detail}); check AEP_CLIENT_ID, AEP_CLIENT_SECRET and AEP_SCOPES (and AEP_IMS_URL)`,
      FailureType.ProviderRejected,
    );
  }
  const header = headerToFix(p.title ?? '');
  if (p.status === 401) {
    return ApplicationFailure.nonRetryable(
      `${what} was refused (${detail}) with a fresh access token; check AEP_CLIENT_ID / AEP_CLIENT_SECRET and that AEP_IMS_URL is the IMS of AEP_ENDPOINT_URL`,
      FailureType.ProviderRejected,
    );
  }
  if (p.status === 403) {
    return ApplicationFailure.nonRetryable(
      `${what} was refused (${detail}); ${header ?? "check that the Developer Console project's product profile allows this call in AEP_SANDBOX"}`,
      FailureType.ProviderRejected,
    );
  }
  if (p.status === 404) {
    return ApplicationFailure.nonRetryable(
      `${what}: not found (${detail}); check the id and AEP_SANDBOX`,
      FailureType.NotFound,
    );
  }
  return ApplicationFailure.nonRetryable(
    `${what} was rejected (${detail})${header ? `; fix ${header}` : '; fix the request and start a new run'}`,
    FailureType.ProviderRejected,
  );
}

/** Classifies a thrown error (network, abort, already classified). */
export function classifyAepError(err: unknown, ctx: AepCallContext): Error {
  if (err instanceof ApplicationFailure) return err;
  if (isAbortError(err)) return err instanceof Error ? err : new Error(String(err));
  const code = networkCode(err);
  if (code) {
    return ApplicationFailure.retryable(
      `AEP ${ctx.operation}: cannot reach the platform (${code}); check AEP_ENDPOINT_URL / AEP_IMS_URL and the network — retrying`,
      TransientFailureType.Network,
    );
  }
  return ApplicationFailure.retryable(
    `AEP ${ctx.operation} failed (${(err as Error)?.name ?? 'Error'}); retrying`,
    TransientFailureType.Unknown,
  );
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
