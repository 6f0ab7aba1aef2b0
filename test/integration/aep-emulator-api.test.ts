/**
 * Conformance of the AEP emulator with Adobe's documents, over plain fetch (no project client):
 * IMS token, gateway header checks and error shape, Catalog dataSets, export jobs (create, list with
 * limit and opaque offsets, get, DELETE 204/200), Data Access (batch files, listing, bytes with
 * Range, HEAD), faults (429 + Retry-After, 5xx, lost responses, failed and stuck jobs), admin guard.
 */
/* eslint-disable @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return --
   the answers are untyped JSON on purpose: the assertions below are what checks their shape. */
import { parquetReadObjects } from 'hyparquet';
import type { RunningAepEmulator } from '../../src/aep-emulator';
import {
  ADMIN_TOKEN,
  BASE_TIME,
  DAY,
  MERGE_POLICY,
  ORG_ID,
  SEG_A,
  SEG_B,
  admin,
  createDataset,
  expectedMembers,
  imsToken,
  platformHeaders,
  projected,
  startTestAep,
  testProfiles,
  testSeed,
} from './aep-support';

const PROFILES = testProfiles(30);
const JOBS = '/data/core/ups/export/jobs';
const EXPORT = '/data/foundation/export';
let emu: RunningAepEmulator;
let token: string;
let datasetId: string;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  emu = await startTestAep(PROFILES, { rowsPerFile: 4, filesPerDataSetFile: 2 });
});
afterAll(async () => {
  await emu?.close();
});
beforeEach(async () => {
  await admin(emu.url, 'POST', 'reset');
  await admin(emu.url, 'POST', 'seed', testSeed(PROFILES));
  token = await imsToken(emu.url);
  datasetId = await createDataset(emu.url, token);
});

async function call(
  method: string,
  path: string,
  body?: unknown,
  headers = platformHeaders(token, body !== undefined),
) {
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { res, status: res.status, text, json: (text ? JSON.parse(text) : undefined) as Json };
}

function jobBody(extra: Json = {}): Json {
  return {
    fields: 'personalEmail.address,person.name.firstName',
    mergePolicy: { id: MERGE_POLICY, version: 1 },
    filter: { segments: [{ segmentId: SEG_A, segmentNs: 'ups', status: ['realized', 'existing'] }] },
    destination: { datasetId, segmentPerBatch: false },
    schema: { name: '_xdm.context.profile' },
    ...extra,
  };
}

async function waitForStatus(id: number, want: string[]): Promise<Json> {
  for (let i = 0; i < 400; i++) {
    const { json } = await call('GET', `${JOBS}/${id}`);
    if (want.includes(json.status)) return json;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job ${id} never reached ${want.join('|')}`);
}

/** Reads every Parquet file of a batch through Data Access, following the listings. */
async function batchRows(batchId: string): Promise<Json[]> {
  const rows: Json[] = [];
  const { json: files } = await call('GET', `${EXPORT}/batches/${batchId}/files`);
  for (const f of files.data) {
    const { json: listing } = await call('GET', `${EXPORT}/files/${f.dataSetFileId}`);
    for (const entry of listing.data) {
      const res = await fetch(`${emu.url}${EXPORT}/files/${f.dataSetFileId}?path=${encodeURIComponent(entry.name)}`, {
        headers: platformHeaders(token),
      });
      expect(res.status).toBe(200);
      const bytes = await res.arrayBuffer();
      rows.push(...((await parquetReadObjects({ file: bytes })) as Json[]));
    }
  }
  return rows;
}

function expectAepError(json: Json, status: number, mentions: RegExp): void {
  expect(json).toEqual({
    requestId: expect.any(String),
    errors: { [String(status)]: [{ code: expect.any(String), message: expect.stringMatching(mentions) }] },
    type: expect.stringMatching(/^https:\/\/ns\.adobe\.com\/aep\/errors\//),
    title: expect.stringMatching(mentions),
    status,
  });
}

describe('IMS token', () => {
  const form = (o: Record<string, string>) => new URLSearchParams(o).toString();
  const post = (body: string, type = 'application/x-www-form-urlencoded') =>
    fetch(`${emu.url}/ims/token/v3`, { method: 'POST', headers: { 'content-type': type }, body });

  test('client_credentials form answers access_token, token_type bearer, expires_in seconds', async () => {
    const res = await post(
      form({ grant_type: 'client_credentials', client_id: 'any', client_secret: 'thing', scope: 'openid,AdobeID' }),
    );
    expect(res.status).toBe(200);
    expect((await res.json()) as Json).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 86399,
    });
  });

  test('missing grant_type, client_secret or scope, and a JSON body, are OAuth errors', async () => {
    const a = await post(form({ client_id: 'a', client_secret: 'b', scope: 's' }));
    expect(a.status).toBe(400);
    expect((await a.json()) as Json).toEqual({
      error: 'unsupported_grant_type',
      error_description: expect.stringMatching(/grant_type/),
    });
    const b = await post(form({ grant_type: 'client_credentials', client_id: 'a', scope: 's' }));
    expect(((await b.json()) as Json).error_description).toMatch(/client_secret/);
    const c = await post(form({ grant_type: 'client_credentials', client_id: 'a', client_secret: 'b' }));
    expect(((await c.json()) as Json).error).toBe('invalid_scope');
    const d = await post(JSON.stringify({ grant_type: 'client_credentials' }), 'application/json');
    expect(d.status).toBe(400);
    expect(((await d.json()) as Json).error_description).toMatch(/form-encoded/);
  });

  test('configured client id and secret: other pairs get 401 invalid_client', async () => {
    const strict = await startTestAep(PROFILES, { clientId: 'right', clientSecret: 'secret' });
    try {
      const wrong = await fetch(`${strict.url}/ims/token/v3`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form({ grant_type: 'client_credentials', client_id: 'right', client_secret: 'nope', scope: 's' }),
      });
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as Json).error).toBe('invalid_client');
      await expect(imsToken(strict.url, 'right', 'secret')).resolves.toEqual(expect.any(String));
    } finally {
      await strict.close();
    }
  });

  test('tokens expire after their lifetime and then get 401', async () => {
    const shortLived = await startTestAep(PROFILES, { tokenLifetimeSeconds: 1 });
    try {
      const t = await imsToken(shortLived.url);
      const ok = await fetch(`${shortLived.url}${JOBS}`, { headers: platformHeaders(t) });
      expect(ok.status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      const late = await fetch(`${shortLived.url}${JOBS}`, { headers: platformHeaders(t) });
      expect(late.status).toBe(401);
      expectAepError((await late.json()) as Json, 401, /expired/);
    } finally {
      await shortLived.close();
    }
  });
});

describe('gateway checks', () => {
  test('no token, a token it did not issue, and an expired token: 401 naming Authorization', async () => {
    const h = platformHeaders(token);
    const none = await call('GET', JOBS, undefined, { ...h, authorization: '' });
    expect(none.status).toBe(401);
    expectAepError(none.json, 401, /Authorization/);
    const forged = await call('GET', JOBS, undefined, { ...h, authorization: 'Bearer not-issued' });
    expect(forged.status).toBe(401);
    expectAepError(forged.json, 401, /not valid/);
    await admin(emu.url, 'POST', 'tokens/expire');
    const expired = await call('GET', JOBS, undefined, h);
    expect(expired.status).toBe(401);
    expectAepError(expired.json, 401, /expired/);
  });

  test('x-api-key missing or not the client id: 403; org and sandbox missing or malformed: 400', async () => {
    const h = platformHeaders(token);
    const cases: [Record<string, string>, number, RegExp][] = [
      [{ 'x-api-key': '' }, 403, /x-api-key/],
      [{ 'x-api-key': 'someone-else' }, 403, /x-api-key/],
      [{ 'x-gw-ims-org-id': '' }, 400, /x-gw-ims-org-id/],
      [{ 'x-gw-ims-org-id': 'not-an-org' }, 400, /x-gw-ims-org-id/],
      [{ 'x-sandbox-name': '' }, 400, /x-sandbox-name/],
      [{ 'x-sandbox-name': 'Prod' }, 400, /x-sandbox-name/],
    ];
    for (const [override, status, mentions] of cases) {
      const headers = Object.fromEntries(Object.entries({ ...h, ...override }).filter(([, v]) => v !== ''));
      const r = await call('GET', JOBS, undefined, headers);
      expect([Object.keys(override)[0], r.status]).toEqual([Object.keys(override)[0], status]);
      expectAepError(r.json, status, mentions);
    }
  });

  test('POST without Content-Type: application/json: 415 naming the header', async () => {
    const r = await call('POST', JOBS, JSON.stringify(jobBody()), {
      ...platformHeaders(token),
      'content-type': 'text/plain',
    });
    expect(r.status).toBe(415);
    expectAepError(r.json, 415, /Content-Type/);
  });

  test('unknown path 404 and wrong method 405, in the error shape', async () => {
    const unknown = await call('GET', '/data/core/ups/nothing');
    expect(unknown.status).toBe(404);
    expectAepError(unknown.json, 404, /no route/);
    const wrong = await call('PUT', JOBS, {});
    expect(wrong.status).toBe(405);
  });
});

describe('Catalog dataSets', () => {
  test('POST answers 201 ["@/datasets/<id>"]; a body without schemaRef is 400 naming it', async () => {
    const r = await call('POST', '/data/foundation/catalog/dataSets', {
      name: 'x',
      schemaRef: {
        id: 'https://ns.adobe.com/xdm/context/profile__union',
        contentType: 'application/vnd.adobe.xed+json;version=1',
      },
      fileDescription: { persisted: true, containerFormat: 'parquet', format: 'parquet' },
    });
    expect(r.status).toBe(201);
    expect(r.json).toEqual([expect.stringMatching(/^@\/datasets\/[0-9a-f]{24}$/)]);
    const bad = await call('POST', '/data/foundation/catalog/dataSets', { name: 'x' });
    expect(bad.status).toBe(400);
    expectAepError(bad.json, 400, /schemaRef/);
  });
});

describe('export jobs', () => {
  test('create answers the job NEW with one batchId and datasetId; GET spells dataSetId; it runs to SUCCEEDED', async () => {
    const created = await call('POST', JOBS, jobBody());
    expect(created.status).toBe(200);
    expect(created.json).toEqual(
      expect.objectContaining({
        profileInstanceId: 'ups',
        jobType: 'BATCH',
        id: expect.any(Number),
        status: 'NEW',
        fields: 'personalEmail.address,person.name.firstName',
        schema: { name: '_xdm.context.profile' },
        mergePolicy: { id: MERGE_POLICY, version: 1 },
        requestId: expect.any(String),
        computeGatewayJobId: {},
        metrics: expect.objectContaining({ totalTime: { startTimeInMs: expect.any(Number) } }),
        destination: { datasetId, segmentPerBatch: false, batchId: expect.stringMatching(/^[0-9a-f]{32}$/) },
        imsOrgId: ORG_ID,
        creationTime: expect.any(Number),
        updateTime: expect.any(Number),
      }),
    );
    expect(created.json.filter.segments).toEqual([
      { segmentId: SEG_A, segmentNs: 'ups', status: ['realized', 'existing'] },
    ]);
    const done = await waitForStatus(created.json.id, ['SUCCEEDED', 'FAILED']);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.destination).toEqual({
      dataSetId: datasetId,
      segmentPerBatch: false,
      batchId: created.json.destination.batchId,
    });
    expect(done.computeGatewayJobId).toEqual({ exportJob: expect.any(String), pushJob: expect.any(String) });
    for (const m of ['totalTime', 'profileExportTime', 'aCPDatasetWriteTime']) {
      expect(done.metrics[m]).toEqual({
        startTimeInMs: expect.any(Number),
        endTimeInMs: expect.any(Number),
        totalTimeInMs: expect.any(Number),
      });
    }
  });

  test('status defaults to ["realized","existing"] and segmentNs to "ups"', async () => {
    const created = await call('POST', JOBS, jobBody({ filter: { segments: [{ segmentId: SEG_A }] } }));
    expect(created.json.filter.segments).toEqual([
      { segmentId: SEG_A, segmentNs: 'ups', status: ['realized', 'existing'] },
    ]);
  });

  test('segmentPerBatch answers batches[] with segmentId, segmentNs, status and batchId', async () => {
    const created = await call(
      'POST',
      JOBS,
      jobBody({
        filter: { segments: [{ segmentId: SEG_A, segmentNs: 'ups', status: ['realized'] }, { segmentId: SEG_B }] },
        destination: { datasetId, segmentPerBatch: true },
      }),
    );
    expect(created.json.destination).toEqual({
      datasetId,
      segmentPerBatch: true,
      batches: [
        { segmentId: SEG_A, segmentNs: 'ups', status: ['realized'], batchId: expect.stringMatching(/^[0-9a-f]{32}$/) },
        {
          segmentId: SEG_B,
          segmentNs: 'ups',
          status: ['realized', 'existing'],
          batchId: expect.stringMatching(/^[0-9a-f]{32}$/),
        },
      ],
    });
    await waitForStatus(created.json.id, ['SUCCEEDED']);
    const [a, b] = created.json.destination.batches;
    const fields = ['personalEmail.address', 'person.name.firstName'];
    expect(await batchRows(a.batchId)).toEqual(
      expectedMembers(PROFILES, SEG_A, ['realized']).map((p) => projected(p, fields)),
    );
    expect(await batchRows(b.batchId)).toEqual(expectedMembers(PROFILES, SEG_B).map((p) => projected(p, fields)));
  });

  test('invalid requests are 400 naming the field; unknown dataset and merge policy are refused', async () => {
    const cases: [Json, RegExp][] = [
      [{ destination: { segmentPerBatch: false } }, /destination\.datasetId/],
      [{ schema: {} }, /schema\.name/],
      [{ filter: { segments: [{ segmentId: SEG_A, status: ['gone'] }] } }, /filter\.segments\.0\.status\.0/],
      [{ filter: { segments: [{}] } }, /filter\.segments\.0\.segmentId/],
      [{ filter: { fromIngestTimestamp: 'yesterday' } }, /fromIngestTimestamp/],
      [{ mergePolicy: { id: 'no-such-policy' } }, /mergePolicy\.id/],
      [{ mergePolicy: { id: MERGE_POLICY, version: 9 } }, /mergePolicy\.version/],
      [
        { destination: { datasetId: 'feedfeedfeedfeedfeedfeed' } },
        /Dataset feedfeedfeedfeedfeedfeed cannot be retrieved from Catalog/,
      ],
    ];
    for (const [extra, mentions] of cases) {
      const r = await call('POST', JOBS, jobBody(extra));
      expect([mentions.source, r.status]).toEqual([mentions.source, 400]);
      expectAepError(r.json, 400, mentions);
    }
    const notJson = await call('POST', JOBS, '{oops');
    expect(notJson.status).toBe(400);
  });

  test('GET of an unknown job is 404', async () => {
    const r = await call('GET', `${JOBS}/424242`);
    expect(r.status).toBe(404);
    expectAepError(r.json, 404, /424242/);
  });

  test('list: newest first, limit + opaque offset cursor, link.next until empty', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await call('POST', JOBS, jobBody())).json.id);
    const seen: number[] = [];
    let path = `${JOBS}?limit=2`;
    for (let pages = 0; pages < 10; pages++) {
      const r = await call('GET', path);
      expect(r.status).toBe(200);
      expect(r.json.page).toEqual({
        sortField: 'createdTime',
        sort: 'desc',
        pageOffset: expect.stringMatching(/^\d+_\d+$/),
        pageSize: r.json.records.length,
      });
      const last = r.json.records[r.json.records.length - 1];
      expect(r.json.page.pageOffset).toBe(`${last.creationTime}_${last.id}`);
      seen.push(...r.json.records.map((j: Json) => j.id));
      if (!r.json.link.next) break;
      expect(r.json.link.next).toBe(`/export/jobs/?limit=2&offset=${r.json.page.pageOffset}`);
      path = `/data/core/ups${r.json.link.next}`;
    }
    expect(seen).toEqual([...ids].reverse());
    const bad = await call('GET', `${JOBS}?offset=3`);
    expect(bad.status).toBe(400);
    expectAepError(bad.json, 400, /offset/);
    const badLimit = await call('GET', `${JOBS}?limit=0`);
    expect(badLimit.status).toBe(400);
  });
});

describe('DELETE /export/jobs/{id}', () => {
  test('a stuck PROCESSING job: 204 No Content, status CANCELLED, its batch never gets files', async () => {
    await admin(emu.url, 'POST', 'faults', { stallNextJobs: 1 });
    const created = await call('POST', JOBS, jobBody());
    await waitForStatus(created.json.id, ['PROCESSING']);
    const del = await call('DELETE', `${JOBS}/${created.json.id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const after = await call('GET', `${JOBS}/${created.json.id}`);
    expect(after.json.status).toBe('CANCELLED');
    const files = await call('GET', `${EXPORT}/batches/${created.json.destination.batchId}/files`);
    expect(files.json.data).toEqual([]);
    const listed = await call('GET', JOBS);
    expect(listed.json.records.map((j: Json) => [j.id, j.status])).toEqual([[created.json.id, 'CANCELLED']]);
  });

  test('configured to answer 200: {status: true, message}', async () => {
    await admin(emu.url, 'POST', 'faults', { stallNextJobs: 1, deleteAnswer: 200 });
    try {
      const created = await call('POST', JOBS, jobBody());
      const del = await call('DELETE', `${JOBS}/${created.json.id}`);
      expect(del.status).toBe(200);
      expect(del.json).toEqual({ status: true, message: expect.any(String) });
      expect((await call('GET', `${JOBS}/${created.json.id}`)).json.status).toBe('CANCELLED');
    } finally {
      await admin(emu.url, 'POST', 'faults', { deleteAnswer: 204 });
    }
  });

  test('a finished job is deleted: gone from GET, the list and Data Access; unknown ids are 404', async () => {
    const created = await call('POST', JOBS, jobBody());
    await waitForStatus(created.json.id, ['SUCCEEDED']);
    expect((await call('DELETE', `${JOBS}/${created.json.id}`)).status).toBe(204);
    expect((await call('GET', `${JOBS}/${created.json.id}`)).status).toBe(404);
    expect((await call('GET', JOBS)).json.records).toEqual([]);
    expect((await call('GET', `${EXPORT}/batches/${created.json.destination.batchId}/files`)).status).toBe(404);
    expect((await call('DELETE', `${JOBS}/${created.json.id}`)).status).toBe(404);
  });
});

describe('Data Access', () => {
  async function finishedBatch(extra: Json = {}): Promise<string> {
    const created = await call('POST', JOBS, jobBody(extra));
    const done = await waitForStatus(created.json.id, ['SUCCEEDED', 'FAILED']);
    expect(done.status).toBe('SUCCEEDED');
    return done.destination.batchId as string;
  }

  test('exported Parquet rows equal the segment members projected to fields', async () => {
    const batchId = await finishedBatch();
    const rows = await batchRows(batchId);
    const fields = ['personalEmail.address', 'person.name.firstName'];
    expect(rows).toEqual(expectedMembers(PROFILES, SEG_A).map((p) => projected(p, fields)));
  });

  test('status, qualification window and fromIngestTimestamp select the profiles; no fields = every field', async () => {
    const start = BASE_TIME + 5 * DAY;
    const end = BASE_TIME + 20 * DAY;
    const batchId = await finishedBatch({
      fields: undefined,
      filter: {
        segments: [{ segmentId: SEG_A, status: ['exited'] }],
        segmentQualificationTime: { startTime: new Date(start).toISOString(), endTime: new Date(end).toISOString() },
      },
    });
    const want = expectedMembers(PROFILES, SEG_A, ['exited'], { start, end });
    expect(want.length).toBeGreaterThan(2);
    expect(await batchRows(batchId)).toEqual(want);

    const since = BASE_TIME + 25 * DAY;
    const recent = await finishedBatch({
      fields: 'personalEmail.address',
      filter: { fromIngestTimestamp: new Date(since).toISOString() },
    });
    expect(await batchRows(recent)).toEqual(
      PROFILES.filter((p) => Date.parse(p._repo.modifyDate) > since).map((p) =>
        projected(p, ['personalEmail.address']),
      ),
    );
  });

  test('batch files page with start/limit and _links.next; a file lists its chunks; unknown ids are 404', async () => {
    const batchId = await finishedBatch({ fields: 'personalEmail.address' });
    // 20 members, 4 rows a file, 2 files a dataSetFile → 3 dataSetFiles of 2, 2, 1 chunks.
    const first = await call('GET', `${EXPORT}/batches/${batchId}/files?limit=2`);
    expect(first.status).toBe(200);
    expect(first.json._page).toEqual({ limit: 2, count: 2 });
    expect(first.json.data[0]).toEqual({
      dataSetFileId: expect.any(String),
      dataSetViewId: datasetId,
      version: expect.any(String),
      created: expect.stringMatching(/^\d+$/),
      updated: expect.stringMatching(/^\d+$/),
      records: '8',
      size: expect.stringMatching(/^\d+$/),
      isValid: true,
      _links: { self: { href: `${emu.url}${EXPORT}/files/${first.json.data[0].dataSetFileId}` } },
    });
    expect(first.json._links.next.href).toBe(`${emu.url}${EXPORT}/batches/${batchId}/files?start=2&limit=2`);
    const second = await call('GET', first.json._links.next.href.slice(emu.url.length));
    expect(second.json._page).toEqual({ limit: 2, count: 1 });
    expect(second.json._links).toEqual({});
    const listing = await call('GET', `${EXPORT}/files/${first.json.data[0].dataSetFileId}`);
    expect(listing.json.data).toEqual([
      {
        name: expect.stringMatching(/\.parquet$/),
        length: expect.stringMatching(/^\d+$/),
        _links: { self: { href: expect.stringContaining('?path=') } },
      },
      expect.objectContaining({ name: expect.stringMatching(/\.parquet$/) }),
    ]);
    expect(listing.json._page).toEqual({ limit: 100, count: 2 });
    expect((await call('GET', `${EXPORT}/batches/nope/files`)).status).toBe(404);
    expect((await call('GET', `${EXPORT}/files/nope`)).status).toBe(404);
    expect((await call('GET', `${EXPORT}/files/${first.json.data[0].dataSetFileId}?path=other.parquet`)).status).toBe(
      404,
    );
    expect((await call('GET', `${EXPORT}/batches/${batchId}/files?limit=101`)).status).toBe(400);
  });

  test('?path= answers the bytes; Range gives 206 with Content-Range; HEAD gives Content-Length', async () => {
    const batchId = await finishedBatch();
    const files = await call('GET', `${EXPORT}/batches/${batchId}/files`);
    const id = files.json.data[0].dataSetFileId;
    const listing = await call('GET', `${EXPORT}/files/${id}`);
    const href: string = listing.json.data[0]._links.self.href;
    const whole = await fetch(href, { headers: platformHeaders(token) });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('application/octet-stream');
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(String(bytes.length)).toBe(listing.json.data[0].length);
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    const part = await fetch(href, { headers: { ...platformHeaders(token), range: 'bytes=10-' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-${bytes.length - 1}/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(10))).toBe(true);
    const head = await fetch(href, { method: 'HEAD', headers: platformHeaders(token) });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    const beyond = await fetch(href, { headers: { ...platformHeaders(token), range: `bytes=${bytes.length}-` } });
    expect(beyond.status).toBe(416);
    const noToken = await fetch(href, { headers: { ...platformHeaders(token), authorization: '' } });
    expect(noToken.status).toBe(401);
  });

  test('fault cutBody: headers and the first bytes of a file, then a cut connection', async () => {
    const batchId = await finishedBatch();
    const files = await call('GET', `${EXPORT}/batches/${batchId}/files`);
    const listing = await call('GET', `${EXPORT}/files/${files.json.data[0].dataSetFileId}`);
    await admin(emu.url, 'POST', 'faults', {
      rules: [{ operation: 'dataAccess.getFile', kind: 'cutBody', bytes: 50 }],
    });
    const res = await fetch(listing.json.data[0]._links.self.href, { headers: platformHeaders(token) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(listing.json.data[0].length);
    await expect(res.arrayBuffer()).rejects.toThrow();
  });
});

describe('faults', () => {
  test('throttle: 429 with Retry-After; error: the given 5xx; both before the call is carried out', async () => {
    await admin(emu.url, 'POST', 'faults', {
      rules: [
        { operation: 'jobs.create', kind: 'throttle', retryAfterSeconds: 7 },
        { operation: 'jobs.create', kind: 'error', status: 503 },
      ],
    });
    const throttled = await call('POST', JOBS, jobBody());
    expect(throttled.status).toBe(429);
    expect(throttled.res.headers.get('retry-after')).toBe('7');
    expectAepError(throttled.json, 429, /Too many requests/);
    const unavailable = await call('POST', JOBS, jobBody());
    expect(unavailable.status).toBe(503);
    expect((await call('GET', JOBS)).json.records).toEqual([]);
    expect((await call('POST', JOBS, jobBody())).status).toBe(200);
  });

  test('errorAfterCommit and dropAfterCommit: the job exists though the answer was lost', async () => {
    await admin(emu.url, 'POST', 'faults', { rules: [{ operation: 'jobs.create', kind: 'errorAfterCommit' }] });
    expect((await call('POST', JOBS, jobBody())).status).toBe(500);
    await admin(emu.url, 'POST', 'faults', { rules: [{ operation: 'jobs.create', kind: 'dropAfterCommit' }] });
    await expect(call('POST', JOBS, jobBody())).rejects.toThrow();
    expect((await call('GET', JOBS)).json.records).toHaveLength(2);
  });

  test('failNextJobs and unknown segments end FAILED with errors[] and an empty batchId', async () => {
    await admin(emu.url, 'POST', 'faults', { failNextJobs: 1 });
    const failed = await waitForStatus((await call('POST', JOBS, jobBody())).json.id, ['SUCCEEDED', 'FAILED']);
    expect(failed.status).toBe('FAILED');
    expect(failed.errors).toEqual([
      { code: expect.any(String), msg: expect.any(String), callStack: expect.any(String) },
    ]);
    expect(failed.destination.batchId).toBe('');
    const unknown = await call('POST', JOBS, jobBody({ filter: { segments: [{ segmentId: 'no-such-segment' }] } }));
    const done = await waitForStatus(unknown.json.id, ['SUCCEEDED', 'FAILED']);
    expect(done.status).toBe('FAILED');
    expect(done.errors[0].msg).toMatch(/no-such-segment/);
  });

  test('a stalled job stays PROCESSING until released, then SUCCEEDS', async () => {
    await admin(emu.url, 'POST', 'faults', { stallNextJobs: 1 });
    const created = await call('POST', JOBS, jobBody());
    await waitForStatus(created.json.id, ['PROCESSING']);
    await new Promise((r) => setTimeout(r, 100));
    expect((await call('GET', `${JOBS}/${created.json.id}`)).json.status).toBe('PROCESSING');
    await admin(emu.url, 'POST', `jobs/${created.json.id}/release`);
    expect((await waitForStatus(created.json.id, ['SUCCEEDED', 'FAILED'])).status).toBe('SUCCEEDED');
  });
});

describe('admin routes', () => {
  test('need the admin token and refuse browser origins', async () => {
    expect((await fetch(`${emu.url}/_emulator/counts`)).status).toBe(401);
    const wrong = await fetch(`${emu.url}/_emulator/counts`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    const browser = await fetch(`${emu.url}/_emulator/counts`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, origin: 'http://evil.example' },
    });
    expect(browser.status).toBe(403);
    const ok = await fetch(`${emu.url}/_emulator/counts`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect((await ok.json()) as Json).toEqual(expect.objectContaining({ profiles: 30, segments: 2, mergePolicies: 1 }));
  });

  test('a bad seed is refused naming the field, not the value', async () => {
    const res = await fetch(`${emu.url}/_emulator/seed`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        profiles: [
          { _id: 'x', segmentMembership: { ups: { s: { status: 'secret-value', lastQualificationTime: 'x' } } } },
        ],
      }),
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(text).toMatch(/profiles\.0\.segmentMembership\.ups\.s\.status/);
    expect(text).not.toMatch(/secret-value/);
  });
});
