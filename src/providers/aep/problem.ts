/** Reads a non-2xx answer into an AepHttpProblem: Adobe's `{title, status, errors}` shape or IMS's `{error, error_description}`. */
import type { AepHttpProblem } from './errors';
import { retryAfterMs } from './errors';

function firstErrorCode(errors: unknown): string | undefined {
  if (typeof errors !== 'object' || errors === null) return undefined;
  for (const list of Object.values(errors as Record<string, unknown>)) {
    const first = Array.isArray(list) ? (list[0] as { code?: unknown } | undefined) : undefined;
    if (first && (typeof first.code === 'string' || typeof first.code === 'number')) return String(first.code);
  }
  return undefined;
}

/** Titles are cut short: an error must never carry a whole body into logs or history. */
const MAX_TITLE = 300;

export async function problemOf(res: Response, ims = false): Promise<AepHttpProblem> {
  const problem: AepHttpProblem = {
    status: res.status,
    retryAfterMs: retryAfterMs(res.headers.get('retry-after')),
    ims,
  };
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(await res.text());
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // not JSON: the status says enough
  }
  if (!body) return problem;
  const title = body.title ?? body.error_description ?? body.message ?? body.detail;
  if (typeof title === 'string') problem.title = title.slice(0, MAX_TITLE);
  const code = typeof body.type === 'string' ? body.type.split('/').pop() : (body.error ?? body.error_code);
  problem.code = typeof code === 'string' ? code : firstErrorCode(body.errors);
  return problem;
}
