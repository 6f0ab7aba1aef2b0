/**
 * The AEP adapter (src/providers/aep) against the real AEP emulator over HTTP: dataset + export job
 * + Data Access download read back with hyparquet equal the seeded segment members; token refresh
 * (before expiry, and after a 401 mid-sequence); 429 honouring Retry-After; 5xx retried only when
 * idempotent; DELETE's 204 and 200 answers and an already deleted job; list paging; downloads that
 * resume with Range; error classification naming what to fix.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { parquetReadObjects } from 'hyparquet';
import { aepSettings } from '../../src/config';
import type { AepSettings } from '../../src/config';
import { FailureType } from '../../src/contracts';
import { AepClient } from '../../src/providers/aep';
import type { AepExportJob, AepExportJobSpec, AepFileEntry } from '../../src/providers/aep';
import type { RunningAepEmulator } from '../../src/aep-emulator';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  MERGE_POLICY,
  ORG_ID,
  SANDBOX,
  SEG_A,
  SEG_B,
  admin,
  expectedMembers,
  projected,
  startTestAep,
  testProfiles,
  testSeed,
} from './aep-support';

const PROFILES = testProfiles(40);
const FIELDS = ['personalEmail.address', 'mobilePhone.number', 'person.name.lastName'];
let emu: RunningAepEmulator;
let dir: string;

function settingsFor(url: string, extra: Record<string, string> = {}): AepSettings {
  return aepSettings({
    AUDIENCEFLOW_NO_STACK_ENV: '1',
    AEP_CLIENT_ID: CLIENT_ID,
    AEP_CLIENT_SECRET: CLIENT_SECRET,
    AEP_ORG_ID: ORG_ID,
    AEP_SANDBOX: SANDBOX,
    AEP_ENDPOINT_URL: url,
    AEP_IMS_URL: url,
    ...extra,
  });
}

function client(url = emu.url, extra: Record<string, string> = {}): AepClient {
  return new AepClient(settingsFor(url, extra), { serverErrorBackoffMs: 10 });
}

beforeAll(async () => {
  emu = await startTestAep(PROFILES, { rowsPerFile: 7, filesPerDataSetFile: 2 });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aep-adapter-'));
});
afterAll(async () => {
  await emu?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await admin(emu.url, 'POST', 'reset');
  await admin(emu.url, 'POST', 'seed', testSeed(PROFILES));
});

function spec(datasetId: string, extra: Partial<AepExportJobSpec> = {}): AepExportJobSpec {
  return { datasetId, segments: [{ segmentId: SEG_A }], fields: FIELDS, mergePolicy: { id: MERGE_POLICY }, ...extra };
}

async function waitDone(aep: AepClient, id: string): Promise<AepExportJob> {
  for (let i = 0; i < 500; i++) {
    const job = await aep.jobs.get(id);
    if (job.status !== 'NEW' && job.status !== 'PROCESSING') return job;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`job ${id} did not finish`);
}

async function entriesOf(aep: AepClient, batchId: string): Promise<AepFileEntry[]> {
  const out: AepFileEntry[] = [];
  for await (const f of aep.dataAccess.batchFiles(batchId))
    out.push(...(await aep.dataAccess.fileEntries(f.dataSetFileId)));
  return out;
}

async function readRows(files: string[]): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const f of files) {
    const buf = fs.readFileSync(f);
    const ab = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    rows.push(...((await parquetReadObjects({ file: ab })) as Record<string, unknown>[]));
  }
  return rows;
}

async function failureOf(p: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

test('export end to end: the downloaded Parquet rows equal the seeded segment members', async () => {
  const aep = client();
  const datasetId = await aep.catalog.createProfileDataset('adapter test');
  const created = await aep.jobs.create(spec(datasetId));
  expect(created).toEqual(expect.objectContaining({ status: 'NEW', datasetId, segmentPerBatch: false }));
  expect(created.batches).toHaveLength(1);
  const done = await waitDone(aep, created.id);
  expect(done.status).toBe('SUCCEEDED');
  expect(done.datasetId).toBe(datasetId); // GET spells it dataSetId
  const entries = await entriesOf(aep, done.batches[0]!.batchId);
  expect(entries.length).toBeGreaterThan(2); // 20 members, 7 a file
  const files: string[] = [];
  for (const e of entries) {
    const dest = path.join(dir, 'e2e', e.name);
    await aep.dataAccess.download(e, dest);
    files.push(dest);
  }
  const rows = await readRows(files);
  expect(rows).toEqual(expectedMembers(PROFILES, SEG_A).map((p) => projected(p, FIELDS)));
});

test('segmentPerBatch: one batch per segment, each with that segment’s members', async () => {
  const aep = client();
  const datasetId = await aep.catalog.createProfileDataset('per segment');
  const created = await aep.jobs.create(
    spec(datasetId, {
      segments: [{ segmentId: SEG_A, status: ['exited'] }, { segmentId: SEG_B }],
      segmentPerBatch: true,
    }),
  );
  expect(created.batches.map((b) => b.segmentId)).toEqual([SEG_A, SEG_B]);
  const done = await waitDone(aep, created.id);
  for (const [batch, want] of [
    [done.batches[0]!, expectedMembers(PROFILES, SEG_A, ['exited'])],
    [done.batches[1]!, expectedMembers(PROFILES, SEG_B)],
  ] as const) {
    const files: string[] = [];
    for (const e of await entriesOf(aep, batch.batchId)) {
      const dest = path.join(dir, batch.batchId, e.name);
      await aep.dataAccess.download(e, dest);
      files.push(dest);
    }
    expect(await readRows(files)).toEqual(want.map((p) => projected(p, FIELDS)));
  }
});

describe('IMS tokens', () => {
  test('one token for many calls; a 401 mid-sequence (expired early) gets one new token and the call succeeds', async () => {
    const aep = client();
    const datasetId = await aep.catalog.createProfileDataset('tokens');
    const job = await aep.jobs.create(spec(datasetId));
    await aep.jobs.get(job.id);
    expect(aep.ims.fetches).toBe(1);
    await admin(emu.url, 'POST', 'tokens/expire');
    expect((await aep.jobs.get(job.id)).id).toBe(job.id);
    expect(aep.ims.fetches).toBe(2);
  });

  test('refreshed before expiry: a short-lived token is replaced without any 401', async () => {
    const shortLived = await startTestAep(PROFILES, { tokenLifetimeSeconds: 1 });
    try {
      const aep = client(shortLived.url);
      const datasetId = await aep.catalog.createProfileDataset('short');
      await new Promise((r) => setTimeout(r, 950));
      await aep.catalog.createProfileDataset('again');
      expect(aep.ims.fetches).toBe(2);
      expect(datasetId).toMatch(/^[0-9a-f]{24}$/);
    } finally {
      await shortLived.close();
    }
  });

  test('concurrent calls share one token request', async () => {
    const aep = client();
    await Promise.all(Array.from({ length: 5 }, () => aep.catalog.createProfileDataset('x')));
    expect(aep.ims.fetches).toBe(1);
  });

  test('IMS refusing the credentials is non-retryable and names AEP_CLIENT_SECRET; the secret is not in the message', async () => {
    const strict = await startTestAep(PROFILES, { clientId: CLIENT_ID, clientSecret: 'the-real-one' });
    try {
      const f = await failureOf(client(strict.url).catalog.createProfileDataset('x'));
      expect(f.nonRetryable).toBe(true);
      expect(f.type).toBe(FailureType.ProviderRejected);
      expect(f.message).toMatch(/AEP_CLIENT_SECRET/);
      expect(f.message).not.toContain(CLIENT_SECRET);
    } finally {
      await strict.close();
    }
  });
});

describe('throttling and server errors', () => {
  test('429 is tried again after Retry-After and then succeeds', async () => {
    const aep = client();
    const datasetId = await aep.catalog.createProfileDataset('t');
    const job = await aep.jobs.create(spec(datasetId));
    await admin(emu.url, 'POST', 'faults', {
      rules: [{ operation: 'jobs.get', kind: 'throttle', count: 2, retryAfterSeconds: 1 }],
    });
    const started = Date.now();
    expect((await aep.jobs.get(job.id)).id).toBe(job.id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  test('429 past the attempts (or a long Retry-After) is a retryable failure carrying Retry-After as nextRetryDelay', async () => {
    await admin(emu.url, 'POST', 'faults', {
      rules: [{ operation: 'catalog.createDataSet', kind: 'throttle', retryAfterSeconds: 120 }],
    });
    const f = await failureOf(client().catalog.createProfileDataset('t'));
    expect(f.nonRetryable).toBe(false);
    expect(f.type).toBe('ProviderThrottled');
    expect(f.nextRetryDelay).toBe(120_000);
  });

  test('5xx on GET is retried in the call; on POST it is not (the job may exist): one job, a retryable failure', async () => {
    const aep = client();
    const datasetId = await aep.catalog.createProfileDataset('t');
    await admin(emu.url, 'POST', 'faults', { rules: [{ operation: 'jobs.list', kind: 'error', status: 503 }] });
    const none: AepExportJob[] = [];
    for await (const j of aep.jobs.list()) none.push(j);
    expect(none).toEqual([]);
    await admin(emu.url, 'POST', 'faults', { rules: [{ operation: 'jobs.create', kind: 'errorAfterCommit' }] });
    const f = await failureOf(aep.jobs.create(spec(datasetId)));
    expect(f.nonRetryable).toBe(false);
    expect(f.type).toBe('ProviderUnavailable');
    const listed: AepExportJob[] = [];
    for await (const j of aep.jobs.list()) listed.push(j);
    expect(listed).toHaveLength(1);
  });

  test('an unreachable endpoint is a retryable network failure naming AEP_ENDPOINT_URL', async () => {
    const aep = new AepClient({ ...settingsFor(emu.url), endpoint: 'http://127.0.0.1:9' });
    const f = await failureOf(aep.jobs.get('1'));
    expect(f.nonRetryable).toBe(false);
    expect(f.message).toMatch(/AEP_ENDPOINT_URL/);
  });
});

describe('DELETE', () => {
  test('204 and 200 answers both cancel; a deleted job answers gone', async () => {
    const aep = client();
    const datasetId = await aep.catalog.createProfileDataset('d');
    await admin(emu.url, 'POST', 'faults', { stallNextJobs: 1 });
    const a = await aep.jobs.create(spec(datasetId));
    expect(await aep.jobs.cancel(a.id)).toEqual({ answer: 204 });
    expect((await aep.jobs.get(a.id)).status).toBe('CANCELLED');
    await admin(emu.url, 'POST', 'faults', { deleteAnswer: 200, stallNextJobs: 1 });
    const b = await aep.jobs.create(spec(datasetId));
    expect(await aep.jobs.cancel(b.id)).toEqual({ answer: 200, message: expect.any(String) });
    expect((await aep.jobs.get(b.id)).status).toBe('CANCELLED');
    await admin(emu.url, 'POST', 'faults', { deleteAnswer: 204 });
    const c = await aep.jobs.create(spec(datasetId));
    await waitDone(aep, c.id);
    expect(await aep.jobs.cancel(c.id)).toEqual({ answer: 204 });
    expect(await aep.jobs.cancel(c.id)).toEqual({ answer: 'gone' });
  });
});

test('list follows link.next through opaque offsets, newest first', async () => {
  const aep = client();
  const datasetId = await aep.catalog.createProfileDataset('l');
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) ids.push((await aep.jobs.create(spec(datasetId))).id);
  const listed: string[] = [];
  for await (const j of aep.jobs.list({ limit: 2 })) listed.push(j.id);
  expect(listed).toEqual([...ids].reverse());
});

describe('downloads', () => {
  async function oneEntry(aep: AepClient): Promise<{ entry: AepFileEntry; whole: Buffer }> {
    const datasetId = await aep.catalog.createProfileDataset('dl');
    const job = await waitDone(aep, (await aep.jobs.create(spec(datasetId, { fields: undefined }))).id);
    const [entry] = await entriesOf(aep, job.batches[0]!.batchId);
    const dest = path.join(dir, `whole-${job.id}.parquet`);
    await aep.dataAccess.download(entry!, dest);
    return { entry: entry!, whole: fs.readFileSync(dest) };
  }

  test('a connection cut mid-file is resumed with Range; the bytes equal an uncut download', async () => {
    const aep = client();
    const { entry, whole } = await oneEntry(aep);
    expect(whole.length).toBe(entry.length);
    await admin(emu.url, 'POST', 'faults', {
      rules: [{ operation: 'dataAccess.getFile', kind: 'cutBody', bytes: 300 }],
    });
    const dest = path.join(dir, 'cut.parquet');
    const progress: number[] = [];
    const result = await aep.dataAccess.download(entry, dest, { onProgress: (n) => progress.push(n) });
    expect(result).toEqual({ bytes: entry.length, resumes: 1 });
    expect(fs.readFileSync(dest).equals(whole)).toBe(true);
    expect(fs.existsSync(`${dest}.part`)).toBe(false);
    expect(progress[progress.length - 1]).toBe(entry.length);
  });

  test('a .part left by an earlier attempt is continued from its size', async () => {
    const aep = client();
    const { entry, whole } = await oneEntry(aep);
    const dest = path.join(dir, 'resume.parquet');
    fs.writeFileSync(`${dest}.part`, whole.subarray(0, 123));
    const before = ((await admin(emu.url, 'GET', 'counts')) as { bytesServed: number }).bytesServed;
    const result = await aep.dataAccess.download(entry, dest);
    const after = ((await admin(emu.url, 'GET', 'counts')) as { bytesServed: number }).bytesServed;
    expect(after - before).toBe(entry.length - 123);
    expect(result.resumes).toBe(1);
    expect(fs.readFileSync(dest).equals(whole)).toBe(true);
  });

  test('cut more often than maxResumes: a retryable failure, and the .part is kept for the next attempt', async () => {
    const aep = client();
    const { entry, whole } = await oneEntry(aep);
    await admin(emu.url, 'POST', 'faults', {
      rules: [{ operation: 'dataAccess.getFile', kind: 'cutBody', bytes: 100, count: 2 }],
    });
    const dest = path.join(dir, 'flaky.parquet');
    // An earlier attempt's 123 bytes: whether the cut answers' own bytes reach the disk before the
    // socket closes is a race (a web stream drops queued chunks when it errors), these cannot be.
    fs.writeFileSync(`${dest}.part`, whole.subarray(0, 123));
    const f = await failureOf(aep.dataAccess.download(entry, dest, { maxResumes: 1 }));
    expect(f.nonRetryable).toBe(false);
    const kept = fs.statSync(`${dest}.part`).size;
    expect(kept).toBeGreaterThanOrEqual(123);
    expect(kept).toBeLessThan(entry.length);
    const before = ((await admin(emu.url, 'GET', 'counts')) as { bytesServed: number }).bytesServed;
    await aep.dataAccess.download(entry, dest);
    const after = ((await admin(emu.url, 'GET', 'counts')) as { bytesServed: number }).bytesServed;
    expect(after - before).toBe(entry.length - kept);
    expect(fs.readFileSync(dest).equals(whole)).toBe(true);
  });
});

describe('error classification', () => {
  test('404 is NotFound; a non-numeric job id is BadInput before any call', async () => {
    const aep = client();
    const f = await failureOf(aep.jobs.get('987654'));
    expect([f.type, f.nonRetryable]).toEqual([FailureType.NotFound, true]);
    expect(f.message).toMatch(/987654/);
    const bad = await failureOf(aep.jobs.get('12; DROP'));
    expect(bad.type).toBe(FailureType.BadInput);
    expect(aep.ims.fetches).toBe(1);
  });

  test('403 on x-api-key names AEP_API_KEY; 400 carries Adobe’s title', async () => {
    const wrongKey = client(emu.url, { AEP_API_KEY: 'not-the-client-id' });
    const f = await failureOf(wrongKey.catalog.createProfileDataset('x'));
    expect([f.type, f.nonRetryable]).toEqual([FailureType.ProviderRejected, true]);
    expect(f.message).toMatch(/x-api-key.*AEP_API_KEY/);
    const aep = client();
    const bad = await failureOf(aep.jobs.create(spec('feedfeedfeedfeedfeedfeed')));
    expect([bad.type, bad.nonRetryable]).toEqual([FailureType.ProviderRejected, true]);
    expect(bad.message).toMatch(/cannot be retrieved from Catalog/);
  });

  test('a 401 that a fresh token does not cure is non-retryable and names the credentials', async () => {
    const aep = client();
    await aep.catalog.createProfileDataset('x');
    // Every token expires as soon as it is issued: the refreshed one is refused too.
    const dead = await startTestAep(PROFILES, { tokenLifetimeSeconds: 0 });
    try {
      const f = await failureOf(client(dead.url).catalog.createProfileDataset('x'));
      expect([f.type, f.nonRetryable]).toEqual([FailureType.ProviderRejected, true]);
      expect(f.message).toMatch(/AEP_CLIENT_ID/);
    } finally {
      await dead.close();
    }
  });
});
