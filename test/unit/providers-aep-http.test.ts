/**
 * The AEP HTTP layer with `fetch` replaced by a script of answers and the in-call waits recorded instead of slept
 * (node:timers/promises mocked): the headers and URLs of platform calls (http.ts), the 401 refresh, the 429 and 5xx
 * retries within a call; the IMS token client's request, cache and refresh times (ims.ts); the Catalog dataset create
 * (catalog.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../../src/contracts';
import { AepCatalog } from '../../src/providers/aep/catalog';
import { TransientFailureType } from '../../src/providers/aep/errors';
import { AepHttp } from '../../src/providers/aep/http';
import type { AepHttpSettings, AepRequest } from '../../src/providers/aep/http';
import { ImsTokenClient } from '../../src/providers/aep/ims';

jest.mock('node:timers/promises', () => ({ setTimeout: jest.fn(() => Promise.resolve()) }));
const sleepMock = jest.mocked(sleep);

interface Fetched {
  url: string;
  method?: string;
  headers: Record<string, string>;
  body?: unknown;
  signal?: unknown;
}

let fetched: Fetched[];
let answers: (() => Response)[];

beforeEach(() => {
  fetched = [];
  answers = [];
  sleepMock.mockClear();
  jest.spyOn(globalThis, 'fetch').mockImplementation((url, init) => {
    fetched.push({
      url: typeof url === 'string' ? url : url instanceof URL ? url.href : url.url,
      method: init?.method,
      headers: { ...(init?.headers as Record<string, string>) },
      body: init?.body,
      signal: init?.signal,
    });
    const next = answers.shift();
    if (!next) throw new Error('no answer scripted');
    return Promise.resolve(next());
  });
});
afterEach(() => jest.restoreAllMocks());

const reply =
  (status: number, body: unknown = {}, headers: Record<string, string> = {}) =>
  () =>
    new Response(status === 204 ? null : JSON.stringify(body), { status, headers });

function script(...steps: (() => Response)[]) {
  answers.push(...steps);
}

function fakeIms() {
  const tokens = ['tok-1', 'tok-2', 'tok-3'];
  const ims = {
    signals: [] as unknown[],
    invalidations: 0,
    token(signal?: AbortSignal) {
      ims.signals.push(signal);
      return Promise.resolve(tokens[ims.invalidations] ?? 'tok-x');
    },
    invalidate() {
      ims.invalidations++;
    },
  };
  return ims;
}

const SETTINGS: AepHttpSettings = {
  endpoint: 'https://platform.test',
  apiKey: 'key-1',
  orgId: 'ORG@AdobeOrg',
  sandbox: 'sbx',
};

function http(extra: Partial<AepHttpSettings> = {}) {
  const ims = fakeIms();
  return { http: new AepHttp({ ...SETTINGS, ...extra }, ims as unknown as ImsTokenClient), ims };
}

const ctx = { operation: 'get export job 1' };
const get = (path = '/data/x'): AepRequest => ({ method: 'GET', path });

async function rejection(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('AepHttp requests', () => {
  it('sends the four Adobe headers, JSON bodies with their content type, and the caller’s headers', async () => {
    const { http: h, ims } = http();
    const signal = new AbortController().signal;
    script(reply(200, { a: 1 }), reply(206));
    expect(await h.json({ method: 'POST', path: '/data/jobs', body: { n: 1 }, signal }, ctx)).toEqual({ a: 1 });
    const res = await h.send({ method: 'GET', path: '/data/file', headers: { range: 'bytes=5-' } }, ctx);
    expect(res.status).toBe(206);
    expect(fetched).toEqual([
      {
        url: 'https://platform.test/data/jobs',
        method: 'POST',
        headers: {
          authorization: 'Bearer tok-1',
          'x-api-key': 'key-1',
          'x-gw-ims-org-id': 'ORG@AdobeOrg',
          'x-sandbox-name': 'sbx',
          'content-type': 'application/json',
        },
        body: '{"n":1}',
        signal,
      },
      {
        url: 'https://platform.test/data/file',
        method: 'GET',
        headers: {
          authorization: 'Bearer tok-1',
          'x-api-key': 'key-1',
          'x-gw-ims-org-id': 'ORG@AdobeOrg',
          'x-sandbox-name': 'sbx',
          range: 'bytes=5-',
        },
        body: undefined,
        signal: undefined,
      },
    ]);
    expect(ims.signals).toEqual([signal, undefined]);
  });

  it('follows a link the platform answered on its own origin, and refuses one to another host', async () => {
    const { http: h } = http();
    expect(h.url('/data/a?next=https://elsewhere.test/x')).toBe(
      'https://platform.test/data/a?next=https://elsewhere.test/x',
    );
    expect(h.url('https://platform.test/data/b')).toBe('https://platform.test/data/b');
    const plain = new AepHttp(
      { ...SETTINGS, endpoint: 'http://127.0.0.1:4010' },
      fakeIms() as unknown as ImsTokenClient,
    );
    expect(plain.url('http://127.0.0.1:4010/data/c')).toBe('http://127.0.0.1:4010/data/c');
    for (const link of ['https://elsewhere.test/data/b', 'http://platform.test/data/b', 'http://127.0.0.1:4011/x']) {
      const f = await rejection((link.startsWith('http://127') ? plain : h).send({ method: 'GET', path: link }, ctx));
      expect([f.type, f.message]).toEqual([
        TransientFailureType.Unavailable,
        'AEP follow link failed on the server side (502: the platform answered a link to another host); retrying',
      ]);
    }
    expect(fetched).toEqual([]);
  });

  it('classifies a network failure and an answer that is not JSON', async () => {
    const { http: h } = http();
    jest.spyOn(globalThis, 'fetch').mockRejectedValueOnce(new TypeError('fetch failed'));
    const f = await rejection(h.send(get(), ctx));
    expect([f.type, f.nonRetryable]).toEqual([TransientFailureType.Network, false]);
    expect(f.message).toMatch(/^AEP get export job 1: cannot reach the platform \(fetch failed\)/);
    script(() => new Response('<html>', { status: 200 }));
    const bad = await rejection(h.json(get(), ctx));
    expect([bad.type, bad.message]).toEqual([
      TransientFailureType.Unknown,
      'AEP get export job 1 failed (SyntaxError); retrying',
    ]);
  });
});

describe('AepHttp retries within a call', () => {
  it('gets one new token after a 401 and tries once more', async () => {
    const { http: h, ims } = http();
    script(reply(401, { title: 'expired' }), reply(200, { ok: true }));
    expect(await h.json(get(), ctx)).toEqual({ ok: true });
    expect(ims.invalidations).toBe(1);
    expect(fetched.map((f) => f.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  it('answers a second 401 with the credentials to check', async () => {
    const { http: h, ims } = http();
    script(reply(401, { title: 'expired' }), reply(401, { title: 'still expired' }));
    const f = await rejection(h.send(get(), ctx));
    expect([f.type, f.message]).toEqual([
      FailureType.ProviderRejected,
      'AEP get export job 1 was refused (401: still expired) with a fresh access token; check AEP_CLIENT_ID / AEP_CLIENT_SECRET and that AEP_IMS_URL is the IMS of AEP_ENDPOINT_URL',
    ]);
    expect([fetched.length, ims.invalidations]).toEqual([2, 1]);
  });

  it('does not count the refresh after a 401 as an attempt', async () => {
    const { http: h } = http({ serverErrorBackoffMs: 1 });
    script(reply(401), reply(500), reply(500), reply(200, {}));
    expect((await h.send(get(), ctx)).status).toBe(200);
    expect(fetched).toHaveLength(4);
  });

  it('waits Retry-After (or 1 s) after a 429 and tries again, up to three attempts', async () => {
    const { http: h } = http();
    const signal = new AbortController().signal;
    script(reply(429, {}, { 'retry-after': '2' }), reply(429), reply(200, {}));
    expect((await h.send({ method: 'POST', path: '/data/j', body: {}, signal }, ctx)).status).toBe(200);
    expect(sleepMock.mock.calls).toEqual([
      [2_000, undefined, { signal }],
      [1_000, undefined, { signal }],
    ]);
    sleepMock.mockClear();
    script(reply(429), reply(429), reply(429, { title: 'slow' }), reply(200, {}));
    const f = await rejection(h.send(get(), ctx));
    expect([f.type, f.message]).toEqual([
      TransientFailureType.Throttled,
      'AEP get export job 1 was throttled (429: slow); retrying after 1 s',
    ]);
    expect(sleepMock).toHaveBeenCalledTimes(2);
    expect(fetched).toHaveLength(6);
  });

  it('leaves a Retry-After over the limit (default 30 s) to Temporal', async () => {
    const { http: h } = http();
    script(reply(429, {}, { 'retry-after': '30' }), reply(200, {}));
    expect((await h.send(get(), ctx)).status).toBe(200);
    expect(sleepMock.mock.calls.map((c) => c[0])).toEqual([30_000]);
    script(reply(429, {}, { 'retry-after': '31' }));
    const f = await rejection(h.send(get(), ctx));
    expect([f.type, f.nextRetryDelay]).toEqual([TransientFailureType.Throttled, 31_000]);
    expect(sleepMock).toHaveBeenCalledTimes(1);
    const short = http({ maxRetryAfterMs: 4_000 }).http;
    script(reply(429, {}, { 'retry-after': '4' }), reply(200, {}), reply(429, {}, { 'retry-after': '5' }));
    expect((await short.send(get(), ctx)).status).toBe(200);
    expect((await rejection(short.send(get(), ctx))).nextRetryDelay).toBe(5_000);
    expect(sleepMock).toHaveBeenCalledTimes(2);
  });

  it('tries a 5xx again only for GET, HEAD and DELETE, backing off from 200 ms and doubling', async () => {
    const { http: h } = http();
    for (const method of ['GET', 'HEAD', 'DELETE'] as const) {
      sleepMock.mockClear();
      script(reply(503), reply(500), reply(200, {}));
      expect((await h.send({ method, path: '/data/x' }, ctx)).status).toBe(200);
      expect(sleepMock.mock.calls.map((c) => c[0])).toEqual([200, 400]);
    }
    sleepMock.mockClear();
    script(reply(503, { title: 'down' }));
    const post = await rejection(h.send({ method: 'POST', path: '/data/x', body: {} }, ctx));
    expect([post.type, post.message]).toEqual([
      TransientFailureType.Unavailable,
      'AEP get export job 1 failed on the server side (503: down); retrying',
    ]);
    expect(sleepMock).not.toHaveBeenCalled();
  });

  it('gives up on a 5xx after the attempts set, with the backoff set, and never retries a 4xx', async () => {
    const { http: h } = http({ maxAttempts: 4, serverErrorBackoffMs: 10 });
    const signal = new AbortController().signal;
    script(reply(500), reply(500), reply(500), reply(502));
    const f = await rejection(h.send({ method: 'GET', path: '/data/x', signal }, ctx));
    expect(f.message).toBe('AEP get export job 1 failed on the server side (502); retrying');
    expect(sleepMock.mock.calls).toEqual([
      [10, undefined, { signal }],
      [20, undefined, { signal }],
      [40, undefined, { signal }],
    ]);
    sleepMock.mockClear();
    fetched = [];
    script(reply(499), reply(200, {}));
    expect((await rejection(h.send(get(), ctx))).type).toBe(FailureType.ProviderRejected);
    answers = [];
    const once = http({ maxAttempts: 1 }).http;
    script(reply(500), reply(429));
    expect((await rejection(once.send(get(), ctx))).type).toBe(TransientFailureType.Unavailable);
    expect((await rejection(once.send(get(), ctx))).type).toBe(TransientFailureType.Throttled);
    expect(sleepMock).not.toHaveBeenCalled();
    expect(fetched).toHaveLength(3);
  });
});

describe('ImsTokenClient', () => {
  const creds = { imsUrl: 'https://ims.test', clientId: 'cid', clientSecret: 'secret-xyz', scopes: 'openid,AdobeID' };
  const token = (access_token: unknown, expires_in: unknown) => reply(200, { access_token, expires_in });

  it('asks IMS for a client-credentials token with a form body', async () => {
    const ims = new ImsTokenClient(creds, () => 0);
    const signal = new AbortController().signal;
    script(token('t1', 3600));
    expect(await ims.token(signal)).toBe('t1');
    expect(fetched).toEqual([
      {
        url: 'https://ims.test/ims/token/v3',
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=cid&client_secret=secret-xyz&scope=openid%2CAdobeID',
        signal,
      },
    ]);
    expect(ims.fetches).toBe(1);
  });

  it('keeps a token until a tenth of its lifetime is left', async () => {
    let now = 1_000;
    const ims = new ImsTokenClient(creds, () => now);
    script(token('t1', 100), token('t2', 100));
    expect(await ims.token()).toBe('t1');
    now = 1_000 + 89_999;
    expect(await ims.token()).toBe('t1');
    now = 1_000 + 90_000;
    expect(await ims.token()).toBe('t2');
    expect(ims.fetches).toBe(2);
  });

  it('refreshes a long-lived token 5 minutes early at most', async () => {
    let now = 0;
    const ims = new ImsTokenClient(creds, () => now);
    script(token('t1', 86_400), token('t2', 86_400));
    await ims.token();
    now = 86_400_000 - 300_000 - 1;
    expect(await ims.token()).toBe('t1');
    now += 1;
    expect(await ims.token()).toBe('t2');
  });

  it('shares one request among concurrent callers, and asks again after invalidate()', async () => {
    const ims = new ImsTokenClient(creds, () => 0);
    script(token('t1', 3600), token('t2', 3600));
    expect(await Promise.all([ims.token(), ims.token(), ims.token()])).toEqual(['t1', 't1', 't1']);
    expect(fetched).toHaveLength(1);
    ims.invalidate();
    expect(await ims.token()).toBe('t2');
    expect([fetched.length, ims.fetches]).toEqual([2, 2]);
  });

  it('names the credentials when IMS refuses them, without the secret', async () => {
    const ims = new ImsTokenClient(creds);
    script(reply(401, { error: 'invalid_client', error_description: 'invalid client_secret' }));
    const f = await rejection(ims.token());
    expect([f.type, f.nonRetryable, f.message]).toEqual([
      FailureType.ProviderRejected,
      true,
      'AEP IMS token request: Adobe IMS refused the credentials (401 invalid_client: invalid client_secret); check AEP_CLIENT_ID, AEP_CLIENT_SECRET and AEP_SCOPES (and AEP_IMS_URL)',
    ]);
    expect(f.message).not.toContain('secret-xyz');
  });

  it('retries an answer without a token or a lifetime, and a network failure, asking again next time', async () => {
    const ims = new ImsTokenClient(creds, () => 0);
    const message =
      'AEP IMS token request failed on the server side (502: IMS answered without access_token / expires_in); retrying';
    script(token(undefined, 3600), token('t', '3600'), token(7, 3600));
    for (let i = 0; i < 3; i++) {
      const f = await rejection(ims.token());
      expect([f.type, f.message]).toEqual([TransientFailureType.Unavailable, message]);
    }
    jest.spyOn(globalThis, 'fetch').mockRejectedValueOnce(Object.assign(new Error('down'), { code: 'ECONNREFUSED' }));
    expect((await rejection(ims.token())).type).toBe(TransientFailureType.Network);
    script(token('t3', 3600));
    expect(await ims.token()).toBe('t3');
    expect(ims.fetches).toBe(1);
  });
});

describe('AepCatalog', () => {
  function catalog(answer: unknown) {
    const calls: unknown[] = [];
    const h = {
      json: (req: AepRequest, c: { operation: string }) => {
        calls.push([req, c]);
        return Promise.resolve(answer);
      },
    } as unknown as AepHttp;
    return { catalog: new AepCatalog(h), calls };
  }

  it('creates a Parquet dataset on the profile union schema and answers its id', async () => {
    const { catalog: c, calls } = catalog(['@/datasets/5f0a1b']);
    const signal = new AbortController().signal;
    expect(await c.createProfileDataset('audience export', signal)).toBe('5f0a1b');
    expect(calls).toEqual([
      [
        {
          method: 'POST',
          path: '/data/foundation/catalog/dataSets',
          body: {
            name: 'audience export',
            schemaRef: {
              id: 'https://ns.adobe.com/xdm/context/profile__union',
              contentType: 'application/vnd.adobe.xed+json;version=1',
            },
            fileDescription: { persisted: true, containerFormat: 'parquet', format: 'parquet' },
            aspect: 'production',
          },
          signal,
        },
        { operation: 'create dataset' },
      ],
    ]);
  });

  it('refuses an answer that is not ["@/datasets/<id>"]', async () => {
    for (const answer of [
      [],
      {},
      '@/datasets/a',
      [5],
      ['x@/datasets/a'],
      ['@/datasets/a/b'],
      ['@/datasets/'],
      ['@/datasets/a b'],
      ['@/dataset/a'],
      { 0: '@/datasets/a' },
      [['@/datasets/a']],
    ]) {
      const f = await rejection(catalog(answer).catalog.createProfileDataset('n'));
      expect([f.type, f.message]).toEqual([
        TransientFailureType.Unavailable,
        'AEP create dataset failed on the server side (502: Catalog answered without "@/datasets/<id>"); retrying',
      ]);
    }
  });
});
