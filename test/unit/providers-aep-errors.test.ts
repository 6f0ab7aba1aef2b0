/**
 * The AEP error rules (src/providers/aep/errors.ts) and the reading of a non-2xx answer (problem.ts): each rule's
 * failure type, retryability and whole message; the network codes and the depth of the cause chain searched; the
 * header a 400/403 names; Retry-After in seconds and as a date; Adobe's and IMS's error bodies.
 */
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../src/contracts';
import {
  classifyAepError,
  classifyAepProblem,
  isAbortError,
  retryAfterMs,
  TransientFailureType,
} from '../../src/providers/aep/errors';
import { problemOf } from '../../src/providers/aep/problem';

const ctx = { operation: 'get export job 12' };

function summary(f: Error) {
  const a = f as ApplicationFailure;
  return { type: a.type, nonRetryable: a.nonRetryable, message: a.message };
}

describe('classifyAepProblem', () => {
  it('throttles a 429, waiting Retry-After (rounded up to seconds in the message) or 1 s', () => {
    const f = classifyAepProblem({ status: 429, code: '429050', title: 'Too many', retryAfterMs: 1_200 }, ctx);
    expect(summary(f)).toEqual({
      type: TransientFailureType.Throttled,
      nonRetryable: false,
      message: 'AEP get export job 12 was throttled (429 429050: Too many); retrying after 2 s',
    });
    expect(f.nextRetryDelay).toBe(1_200);
    const bare = classifyAepProblem({ status: 429 }, ctx);
    expect(bare.message).toBe('AEP get export job 12 was throttled (429); retrying after 1 s');
    expect(bare.nextRetryDelay).toBeUndefined();
    // Throttling wins over the IMS rule.
    expect(classifyAepProblem({ status: 429, ims: true }, ctx).type).toBe(TransientFailureType.Throttled);
  });

  it('retries 500 and above (IMS included) but not 499', () => {
    for (const status of [500, 503, 599]) {
      expect(summary(classifyAepProblem({ status, title: 'Oops' }, ctx))).toEqual({
        type: TransientFailureType.Unavailable,
        nonRetryable: false,
        message: `AEP get export job 12 failed on the server side (${status}: Oops); retrying`,
      });
    }
    expect(classifyAepProblem({ status: 502, ims: true }, ctx).type).toBe(TransientFailureType.Unavailable);
    expect(classifyAepProblem({ status: 499 }, ctx).type).toBe(FailureType.ProviderRejected);
    expect(classifyAepProblem({ status: 499 }, ctx).nonRetryable).toBe(true);
  });

  it('names the IMS credentials when IMS refused them, whatever the 4xx', () => {
    for (const status of [400, 401, 404]) {
      expect(summary(classifyAepProblem({ status, code: 'invalid_client', title: 'bad id', ims: true }, ctx))).toEqual({
        type: FailureType.ProviderRejected,
        nonRetryable: true,
        message: `AEP get export job 12: Adobe IMS refused the credentials (${status} invalid_client: bad id); check AEP_CLIENT_ID, AEP_CLIENT_SECRET and AEP_SCOPES (and AEP_IMS_URL)`,
      });
    }
  });

  it('answers a 401 of the platform with the credentials and the IMS of the endpoint', () => {
    expect(summary(classifyAepProblem({ status: 401, title: 'x-api-key is invalid' }, ctx))).toEqual({
      type: FailureType.ProviderRejected,
      nonRetryable: true,
      message:
        'AEP get export job 12 was refused (401: x-api-key is invalid) with a fresh access token; check AEP_CLIENT_ID / AEP_CLIENT_SECRET and that AEP_IMS_URL is the IMS of AEP_ENDPOINT_URL',
    });
  });

  it('answers a 403 with the header its title names, or the product profile', () => {
    const cases: [string, string][] = [
      ['Bad X-API-KEY', 'x-api-key: set AEP_API_KEY, or leave it unset to send AEP_CLIENT_ID'],
      ['missing x-gw-ims-org-id', 'x-gw-ims-org-id: set AEP_ORG_ID to your IMS org (like ABC123@AdobeOrg)'],
      ['unknown X-Sandbox-Name', 'x-sandbox-name: set AEP_SANDBOX to the all-lowercase sandbox name'],
      ['wrong Content-Type', 'Content-Type: the client must send application/json'],
      ['Forbidden', "check that the Developer Console project's product profile allows this call in AEP_SANDBOX"],
    ];
    for (const [title, fix] of cases) {
      expect(summary(classifyAepProblem({ status: 403, title }, ctx))).toEqual({
        type: FailureType.ProviderRejected,
        nonRetryable: true,
        message: `AEP get export job 12 was refused (403: ${title}); ${fix}`,
      });
    }
    expect(classifyAepProblem({ status: 403 }, ctx).message).toBe(
      "AEP get export job 12 was refused (403); check that the Developer Console project's product profile allows this call in AEP_SANDBOX",
    );
  });

  it('answers a 404 with NotFound naming the id and the sandbox', () => {
    expect(summary(classifyAepProblem({ status: 404, code: 'NF' }, ctx))).toEqual({
      type: FailureType.NotFound,
      nonRetryable: true,
      message: 'AEP get export job 12: not found (404 NF); check the id and AEP_SANDBOX',
    });
  });

  it('rejects any other 4xx with the header to fix, or the request', () => {
    expect(summary(classifyAepProblem({ status: 400, title: 'Bad content-type header' }, ctx))).toEqual({
      type: FailureType.ProviderRejected,
      nonRetryable: true,
      message:
        'AEP get export job 12 was rejected (400: Bad content-type header); fix Content-Type: the client must send application/json',
    });
    expect(classifyAepProblem({ status: 422, code: 'SEG-1', title: 'bad filter' }, ctx).message).toBe(
      'AEP get export job 12 was rejected (422 SEG-1: bad filter); fix the request and start a new run',
    );
  });
});

describe('classifyAepError', () => {
  it('passes an ApplicationFailure and an abort through untouched', () => {
    const failure = ApplicationFailure.nonRetryable('already classified', 'X');
    expect(classifyAepError(failure, ctx)).toBe(failure);
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(classifyAepError(abort, ctx)).toBe(abort);
    const cancelled = Object.assign(new Error('cancelled'), { name: 'CancelledFailure' });
    expect(classifyAepError(cancelled, ctx)).toBe(cancelled);
    const plain = classifyAepError({ name: 'AbortError' }, ctx);
    expect(plain).toBeInstanceOf(Error);
    expect(plain).not.toBeInstanceOf(ApplicationFailure);
    expect(plain.message).toBe('[object Object]');
  });

  it('knows abort errors by name only', () => {
    expect([isAbortError({ name: 'AbortError' }), isAbortError({ name: 'CancelledFailure' })]).toEqual([true, true]);
    expect([
      isAbortError(new Error('x')),
      isAbortError(null),
      isAbortError(undefined),
      isAbortError('AbortError'),
    ]).toEqual([false, false, false, false]);
  });

  const networkMessage = (code: string) =>
    `AEP get export job 12: cannot reach the platform (${code}); check AEP_ENDPOINT_URL / AEP_IMS_URL and the network — retrying`;

  it('retries every network code, on the error, in its errors list or down its cause chain', () => {
    const codes = [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'EAI_AGAIN',
      'ENOTFOUND',
      'EHOSTUNREACH',
      'ENETUNREACH',
      'UND_ERR_SOCKET',
      'UND_ERR_CONNECT_TIMEOUT',
    ];
    for (const code of codes) {
      expect(summary(classifyAepError(Object.assign(new Error('x'), { code }), ctx))).toEqual({
        type: TransientFailureType.Network,
        nonRetryable: false,
        message: networkMessage(code),
      });
    }
    const aggregate = { name: 'Error', errors: [{ code: 'ECONNREFUSED' }, { code: 'EPIPE' }] };
    expect(classifyAepError(aggregate, ctx).message).toBe(networkMessage('ECONNREFUSED'));
    const inCause = { name: 'TypeError', message: 'other', cause: { errors: [{ code: 'ETIMEDOUT' }] } };
    expect(classifyAepError(inCause, ctx).message).toBe(networkMessage('ETIMEDOUT'));
  });

  it('looks four links down the cause chain, not five', () => {
    const chain = (depth: number): Record<string, unknown> =>
      depth === 0 ? { code: 'ECONNRESET' } : { name: 'Error', code: 'EOTHER', cause: chain(depth - 1) };
    expect(classifyAepError(chain(3), ctx).message).toBe(networkMessage('ECONNRESET'));
    expect(summary(classifyAepError(chain(4), ctx))).toEqual({
      type: TransientFailureType.Unknown,
      nonRetryable: false,
      message: 'AEP get export job 12 failed (Error); retrying',
    });
  });

  it('counts fetch’s own TypeError as a network error, by its message', () => {
    for (const message of ['fetch failed', 'Terminated', 'other side closed the SOCKET']) {
      expect(classifyAepError(new TypeError(message), ctx).message).toBe(networkMessage('fetch failed'));
    }
    expect(classifyAepError({ name: 'TypeError' }, ctx).message).toBe(
      'AEP get export job 12 failed (TypeError); retrying',
    );
    expect(classifyAepError(new RangeError('fetch failed'), ctx).message).toBe(
      'AEP get export job 12 failed (RangeError); retrying',
    );
  });

  it('retries anything else as an unknown provider error, naming only the error’s name', () => {
    expect(summary(classifyAepError(new SyntaxError('Unexpected token < in {"email":"a@b"}'), ctx))).toEqual({
      type: TransientFailureType.Unknown,
      nonRetryable: false,
      message: 'AEP get export job 12 failed (SyntaxError); retrying',
    });
    expect(classifyAepError('a string', ctx).message).toBe('AEP get export job 12 failed (Error); retrying');
    expect(classifyAepError(null, ctx).message).toBe('AEP get export job 12 failed (Error); retrying');
  });
});

describe('retryAfterMs', () => {
  it('reads seconds (spaces allowed) and HTTP dates, never below 0', () => {
    const now = Date.parse('2026-11-28T12:00:00Z');
    expect(retryAfterMs(' 7 ', now)).toBe(7_000);
    expect(retryAfterMs('0', now)).toBe(0);
    expect(retryAfterMs('120', now)).toBe(120_000);
    // Not whole seconds: read as a date (V8 takes "1.5" for a day in 2001, long past).
    expect(retryAfterMs('1.5', now)).toBe(0);
    expect(retryAfterMs('Sat, 28 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Sat, 28 Nov 2026 11:59:00 GMT', now)).toBe(0);
  });

  it('ignores a missing, empty or unreadable header', () => {
    expect([retryAfterMs(null), retryAfterMs(''), retryAfterMs('soon'), retryAfterMs('12abc')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

describe('problemOf', () => {
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers });

  it('reads Adobe’s title, the last part of its type, and Retry-After', async () => {
    const p = await problemOf(
      answer(
        429,
        { type: 'https://ns.adobe.com/aep/errors/UPS-429', title: 'Slow down', status: 429 },
        { 'retry-after': '3' },
      ),
    );
    expect(p).toEqual({ status: 429, retryAfterMs: 3_000, ims: false, title: 'Slow down', code: 'UPS-429' });
  });

  it('reads IMS’s error and error_description, marking the answer as from IMS', async () => {
    const p = await problemOf(answer(400, { error: 'invalid_client', error_description: 'bad client' }), true);
    expect(p).toEqual({ status: 400, retryAfterMs: undefined, ims: true, title: 'bad client', code: 'invalid_client' });
  });

  it('takes the title from message or detail, and the code from error_code', async () => {
    expect(await problemOf(answer(400, { message: 'm', detail: 'd', error_code: 'E1' }))).toMatchObject({
      title: 'm',
      code: 'E1',
    });
    expect(await problemOf(answer(400, { detail: 'd' }))).toMatchObject({ title: 'd', code: undefined });
    expect(await problemOf(answer(400, { title: 't', message: 'm', type: 'plain' }))).toMatchObject({
      title: 't',
      code: 'plain',
    });
  });

  it('takes the first code of the first error list that has one, a number as text', async () => {
    expect(
      (
        await problemOf(
          answer(400, { title: 't', errors: { a: 'not a list', b: [{}], c: [{ code: 7 }], d: [{ code: 'X' }] } }),
        )
      ).code,
    ).toBe('7');
    expect((await problemOf(answer(400, { errors: { a: [{ code: 'F1' }, { code: 'F2' }] } }))).code).toBe('F1');
    expect(
      (await problemOf(answer(400, { errors: { a: [], b: { 0: { code: 'Z' } }, c: [{ code: 'F' }] } }))).code,
    ).toBe('F');
    expect((await problemOf(answer(400, { errors: { a: [{ code: true }] } }))).code).toBeUndefined();
    expect((await problemOf(answer(400, { errors: 'none' }))).code).toBeUndefined();
    expect((await problemOf(answer(400, { errors: null }))).code).toBeUndefined();
    expect((await problemOf(answer(400, { type: 5, errors: { a: [{ code: 'T' }] } }))).code).toBe('T');
  });

  it('cuts a long title to 300 characters and ignores a title that is not text', async () => {
    const p = await problemOf(answer(400, { title: 'x'.repeat(500) }));
    expect(p.title).toBe('x'.repeat(300));
    expect((await problemOf(answer(400, { title: 42 }))).title).toBeUndefined();
  });

  it('keeps only the status of a body that is not a JSON object', async () => {
    for (const body of ['<html>gateway</html>', 'null', '', '5', '"text"']) {
      expect(await problemOf(answer(502, body))).toStrictEqual({ status: 502, retryAfterMs: undefined, ims: false });
    }
  });
});
