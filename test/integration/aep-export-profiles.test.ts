/**
 * exportProfiles on a real Temporal dev server with real activities and the AEP adapter pointed at
 * the AEP emulator over HTTP: the downloaded Parquet rows equal the seeded segment members; a lost
 * create answer still leaves exactly one job; two identical runs get one job each; cancelling while PROCESSING sends one DELETE, the job
 * is CANCELLED, nothing of the run is left, and the run ends Canceled; bad input fails before any call.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure, ApplicationFailure } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, Worker } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { parquetReadObjects } from 'hyparquet';
import { createAepActivities } from '../../activities/aep';
import type { RunningAepEmulator } from '../../src/aep-emulator';
import { aepSettings } from '../../src/config';
import type { ExportProfilesInput, ExportProfilesReport } from '../../src/contracts/aep-export';
import { progressQuery } from '../../src/contracts/queries';
import { AepClient } from '../../src/providers/aep';
import { WORKFLOWS_PATH } from '../../src/worker';
import { startTemporal } from '../harness';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  ORG_ID,
  SANDBOX,
  SEG_A,
  admin,
  createDataset,
  expectedMembers,
  imsToken,
  projected,
  startTestAep,
  testProfiles,
  testSeed,
} from './aep-support';

const PROFILES = testProfiles(30);
const FIELDS = ['personalEmail.address', 'mobilePhone.number'];
const FAST_POLL = { initialIntervalMs: 50, maxIntervalMs: 200, maxWaitMs: 120_000 };
let temporal: TestWorkflowEnvironment;
let emu: RunningAepEmulator;
let bundle: WorkflowBundleWithSourceMap;
let worker: Worker;
let running: Promise<void>;
let dir: string;
let aep: AepClient;
const taskQueue = `aep-${randomUUID()}`;

beforeAll(async () => {
  temporal = await startTemporal();
  emu = await startTestAep(PROFILES, { pace: 'fast', rowsPerFile: 6 });
  bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  aep = new AepClient(
    aepSettings({
      AUDIENCEFLOW_NO_STACK_ENV: '1',
      AEP_CLIENT_ID: CLIENT_ID,
      AEP_CLIENT_SECRET: CLIENT_SECRET,
      AEP_ORG_ID: ORG_ID,
      AEP_SANDBOX: SANDBOX,
      AEP_ENDPOINT_URL: emu.url,
      AEP_IMS_URL: emu.url,
    }),
  );
  worker = await Worker.create({
    connection: temporal.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities: createAepActivities(undefined, aep),
    shutdownGraceTime: '2s',
  });
  running = worker.run();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aep-export-'));
});
afterAll(async () => {
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running?.catch(() => undefined);
  await emu?.close();
  await temporal?.teardown();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await admin(emu.url, 'POST', 'reset');
  await admin(emu.url, 'POST', 'seed', testSeed(PROFILES));
});

function start(extra: Partial<ExportProfilesInput> = {}) {
  const input: ExportProfilesInput = {
    segments: [{ segmentId: SEG_A }],
    createDataset: { name: 'workflow test' },
    fields: FIELDS,
    downloadDir: dir,
    poll: FAST_POLL,
    ...extra,
  };
  return temporal.client.workflow.start('exportProfiles', {
    taskQueue,
    workflowId: `aep-export-${randomUUID()}`,
    args: [input],
  });
}

async function waitUntil<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 800; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function parquetFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.parquet'))
    .map((f) => path.join(root, f))
    .sort();
}

async function rowsIn(files: string[]): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  for (const f of files) {
    const b = fs.readFileSync(f);
    rows.push(
      ...((await parquetReadObjects({ file: b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) })) as Record<
        string,
        unknown
      >[]),
    );
  }
  return rows;
}

async function jobsInEmulator(): Promise<{ id: number; status: string }[]> {
  const token = await fetch(`${emu.url}/ims/token/v3`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: CLIENT_ID,
      client_secret: 'x',
      scope: 's',
    }).toString(),
  }).then(async (r) => ((await r.json()) as { access_token: string }).access_token);
  const res = await fetch(`${emu.url}/data/core/ups/export/jobs`, {
    headers: {
      authorization: `Bearer ${token}`,
      'x-api-key': CLIENT_ID,
      'x-gw-ims-org-id': ORG_ID,
      'x-sandbox-name': SANDBOX,
    },
  });
  return ((await res.json()) as { records: { id: number; status: string }[] }).records;
}

test('downloads Parquet files whose rows equal the seeded segment members', async () => {
  const handle = await start();
  const report: ExportProfilesReport = await handle.result();
  const want = expectedMembers(PROFILES, SEG_A);
  expect(report.status).toBe('SUCCEEDED');
  expect(report.outputDir).toBe(path.join(dir, handle.workflowId, report.runId));
  expect(report.batches).toEqual([
    { batchId: expect.any(String), files: Math.ceil(want.length / 6), bytes: expect.any(Number), records: want.length },
  ]);
  const files = parquetFiles(report.outputDir);
  expect(files).toHaveLength(report.batches[0]!.files);
  expect(report.batches[0]!.bytes).toBe(files.reduce((n, f) => n + fs.statSync(f).size, 0));
  const rows = await rowsIn(files);
  const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => String(a._id).localeCompare(String(b._id));
  expect(rows.sort(byId)).toEqual(want.map((p) => projected(p, FIELDS)).sort(byId));
  expect(await jobsInEmulator()).toEqual([expect.objectContaining({ id: Number(report.jobId), status: 'SUCCEEDED' })]);
  // No profile value and no access token in the run's history.
  const history = JSON.stringify(await handle.fetchHistory());
  for (const p of PROFILES) {
    expect(history).not.toContain(p.personalEmail.address);
    if (p.mobilePhone) expect(history).not.toContain(p.mobilePhone.number);
  }
  expect(history).not.toMatch(/emu-[A-Za-z0-9_-]{20,}/);
});

test('tokens expiring mid-run are refreshed: the run succeeds', async () => {
  await admin(emu.url, 'POST', 'faults', { stallNextJobs: 1 });
  const fetchesBefore = aep.ims.fetches;
  const handle = await start();
  let jobId: number | undefined;
  for (let i = 0; i < 200 && jobId === undefined; i++) {
    const [job] = await jobsInEmulator();
    if (job?.status === 'PROCESSING') jobId = job.id;
    else await new Promise((r) => setTimeout(r, 50));
  }
  await admin(emu.url, 'POST', 'tokens/expire');
  await new Promise((r) => setTimeout(r, 300)); // a few polls with the expired token
  await admin(emu.url, 'POST', `jobs/${jobId}/release`);
  const report: ExportProfilesReport = await handle.result();
  expect(report.batches[0]!.records).toBe(expectedMembers(PROFILES, SEG_A).length);
  expect(aep.ims.fetches).toBe(fetchesBefore + 1); // one new token after the 401
});

test('a job stuck past poll.maxWaitMs is DELETEd and the run fails with WaitTimeout', async () => {
  await admin(emu.url, 'POST', 'faults', { stallNextJobs: 1 });
  const handle = await start({ poll: { ...FAST_POLL, maxWaitMs: 600 } });
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect(cause.type).toBe('WaitTimeout');
  expect(((await admin(emu.url, 'GET', 'counts')) as { deleteCalls: number }).deleteCalls).toBe(1);
  expect((await jobsInEmulator()).map((j) => j.status)).toEqual(['CANCELLED']);
});

test('a lost create answer (the job was created) leaves exactly one job, and the run succeeds', async () => {
  await admin(emu.url, 'POST', 'faults', { rules: [{ operation: 'jobs.create', kind: 'dropAfterCommit' }] });
  const report: ExportProfilesReport = await (await start()).result();
  const jobs = await jobsInEmulator();
  expect(jobs).toHaveLength(1);
  expect(String(jobs[0]!.id)).toBe(report.jobId);
  expect(report.batches[0]!.records).toBe(expectedMembers(PROFILES, SEG_A).length);
});

test("two identical runs started together get one AEP job each: the second never adopts the first one's job", async () => {
  const same = { createDataset: undefined, datasetId: await createDataset(emu.url, await imsToken(emu.url)) };
  await admin(emu.url, 'POST', 'faults', { stallNextJobs: 2 });
  const first = await start(same);
  const jobOf = (handle: typeof first) =>
    waitUntil(async () => (await handle.query(progressQuery)).jobId, `the job of ${handle.workflowId}`);
  const firstJob = await jobOf(first);
  // Same input, same dataset, same minute: the first run's job is PROCESSING when the second one looks for "its" job.
  const second = await start(same);
  const secondJob = await jobOf(second);
  expect(secondJob).not.toBe(firstJob);
  for (const id of [firstJob, secondJob]) await admin(emu.url, 'POST', `jobs/${id}/release`);
  const reports: ExportProfilesReport[] = await Promise.all([first.result(), second.result()]);
  expect(reports.map((r) => r.jobId)).toEqual([firstJob, secondJob]);
  const jobs = await jobsInEmulator();
  expect(jobs.map((j) => String(j.id)).sort()).toEqual([firstJob, secondJob].sort());
  expect(jobs.map((j) => j.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
  for (const r of reports) expect(r.batches[0]!.records).toBe(expectedMembers(PROFILES, SEG_A).length);
});

test('cancel while PROCESSING: one DELETE, the job CANCELLED, nothing of the run left, the run Canceled', async () => {
  await admin(emu.url, 'POST', 'faults', { stallNextJobs: 1 });
  const handle = await start();
  for (let i = 0; i < 200; i++) {
    const jobs = await jobsInEmulator();
    if (jobs[0]?.status === 'PROCESSING') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await handle.cancel();
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  const counts = (await admin(emu.url, 'GET', 'counts')) as { deleteCalls: number };
  expect(counts.deleteCalls).toBe(1);
  expect((await jobsInEmulator()).map((j) => j.status)).toEqual(['CANCELLED']);
  expect(fs.existsSync(path.join(dir, handle.workflowId))).toBe(false);
});

test('cancel while downloading: the finished job is DELETEd and the files already downloaded are removed', async () => {
  await admin(emu.url, 'POST', 'faults', {
    rules: [{ operation: 'dataAccess.getFile', kind: 'delay', delayMs: 150, count: 1000 }],
  });
  const handle = await start();
  const runRoot = path.join(dir, handle.workflowId);
  for (let i = 0; i < 400 && parquetFiles(runRoot).length === 0; i++) await new Promise((r) => setTimeout(r, 25));
  expect(parquetFiles(runRoot).length).toBeGreaterThan(0);
  await handle.cancel();
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  expect(fs.existsSync(runRoot)).toBe(false);
  expect(((await admin(emu.url, 'GET', 'counts')) as { deleteCalls: number }).deleteCalls).toBe(1);
  expect(await jobsInEmulator()).toEqual([]);
});

test('bad input fails the run before any remote call, naming the field', async () => {
  const before = (await admin(emu.url, 'GET', 'counts')) as { tokensIssued: number };
  const handle = await start({ createDataset: undefined, datasetId: undefined, since: 'yesterday' });
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).message).toMatch(
    /since: "yesterday" is not an RFC 3339 time\. Fix: .*datasetId: no target dataset\. Fix: /,
  );
  const after = (await admin(emu.url, 'GET', 'counts')) as { tokensIssued: number; datasets: number; jobs: number };
  expect([after.tokensIssued - before.tokensIssued, after.datasets, after.jobs]).toEqual([0, 0, 0]);
});
