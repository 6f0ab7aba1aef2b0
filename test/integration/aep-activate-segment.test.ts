/**
 * activateSegment on a real Temporal dev server, real S3 (SeaweedFS), the Pinpoint emulator and the
 * AEP emulator (plain HTTP), with the worker's real activities: the target application holds exactly
 * the expected endpoints (ids, channels, UserId, attributes), a rerun updates instead of duplicating,
 * a dry run imports nothing, a custom mapping is applied, a failed import job fails the run with a FAILED
 * report, nothing staged is left, and no profile value reaches the history.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetEndpointCommand } from '@aws-sdk/client-pinpoint';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { RunningAepEmulator } from '../../src/aep-emulator';
import type { ActivateSegmentInput, ActivateSegmentReport } from '../../src/contracts/aep-activate';
import { activateSegment } from '../../workflows';
import { TEST_ROLE_ARN } from '../harness';
import { createApp, emulatorAdmin, historyText, startPipelineEnv } from './export-import-support';
import type { PipelineEnv } from './export-import-support';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  ORG_ID,
  SANDBOX,
  admin,
  platformHeaders,
  SEG_A,
  createDataset,
  expectedMembers,
  imsToken,
  startTestAep,
  testProfiles,
} from './aep-support';
import type { TestProfile } from './aep-support';

const INVALID_EMAIL_AT = 4; // a realized member of SEG_A
/** 50 profiles: every fifth without an email, every fourth without a phone, one with an invalid email. */
const PROFILES: TestProfile[] = testProfiles(50).map((p, i) => {
  if (i === INVALID_EMAIL_AT) return { ...p, personalEmail: { address: 'not-an-email' } };
  if (i % 5 === 0) {
    const { personalEmail: _gone, ...rest } = p;
    return rest as TestProfile;
  }
  return p;
});
const MEMBERS = expectedMembers(PROFILES, SEG_A);
const WITH_EMAIL = MEMBERS.filter((p) => p.personalEmail && p.personalEmail.address.includes('@'));
const WITH_PHONE = MEMBERS.filter((p) => p.mobilePhone);

let env: PipelineEnv;
let aep: RunningAepEmulator;
let datasetId: string;
let workDir: string;

beforeAll(async () => {
  aep = await startTestAep(PROFILES, { pace: 'fast', rowsPerFile: 8 });
  Object.assign(process.env, {
    AUDIENCEFLOW_NO_STACK_ENV: '1',
    AEP_CLIENT_ID: CLIENT_ID,
    AEP_CLIENT_SECRET: CLIENT_SECRET,
    AEP_ORG_ID: ORG_ID,
    AEP_SANDBOX: SANDBOX,
    AEP_ENDPOINT_URL: aep.url,
    AEP_IMS_URL: aep.url,
  });
  env = await startPipelineEnv({ emulator: { pace: 'fast' } });
  datasetId = await createDataset(aep.url, await imsToken(aep.url));
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aep-activate-'));
});

afterAll(async () => {
  await env?.stop();
  await aep?.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

function input(applicationId: string, extra: Partial<ActivateSegmentInput> = {}): ActivateSegmentInput {
  return {
    segments: [{ segmentId: SEG_A }],
    datasetId,
    applicationId,
    s3Url: `s3://${env.bucket}/activate/`,
    roleArn: TEST_ROLE_ARN,
    workDir,
    poll: { initialIntervalMs: 50, maxIntervalMs: 300, maxWaitMs: 120_000 },
    ...extra,
  };
}

function startActivation(applicationId: string, extra: Partial<ActivateSegmentInput> = {}) {
  return env.client.workflow.start(activateSegment, {
    taskQueue: env.taskQueue,
    workflowId: `activate-${applicationId.slice(0, 8)}-${Date.now()}`,
    args: [input(applicationId, extra)],
  });
}

async function activate(applicationId: string, extra: Partial<ActivateSegmentInput> = {}) {
  const handle = await startActivation(applicationId, extra);
  return { handle, report: await handle.result() };
}

async function newestAepJobStatus(): Promise<string | undefined> {
  const res = await fetch(`${aep.url}/data/core/ups/export/jobs?limit=1`, {
    headers: platformHeaders(await imsToken(aep.url)),
  });
  return ((await res.json()) as { records: { status: string }[] }).records[0]?.status;
}

const deleteCalls = async () => ((await admin(aep.url, 'GET', 'counts')) as { deleteCalls: number }).deleteCalls;

async function expectCancelled(handle: Awaited<ReturnType<typeof startActivation>>) {
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  const { runId } = await handle.describe();
  expect(await keysUnder(`activate/${handle.workflowId}/${runId}/`)).toEqual([]);
  expect(fs.existsSync(path.join(workDir, handle.workflowId, runId))).toBe(false);
}

async function endpoint(applicationId: string, id: string) {
  const out = await env.pinpoint.send(new GetEndpointCommand({ ApplicationId: applicationId, EndpointId: id }));
  return out.EndpointResponse;
}

async function keysUnder(prefix: string): Promise<string[]> {
  const out = await env.s3.send(new ListObjectsV2Command({ Bucket: env.bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key ?? '');
}

function expectCounts(report: ActivateSegmentReport) {
  expect(report.totals.profiles).toBe(MEMBERS.length);
  expect(report.totals.endpoints).toEqual({ EMAIL: WITH_EMAIL.length, SMS: WITH_PHONE.length });
  expect(report.totals.rejected).toBe(1);
  expect(report.totals.files).toBe(Math.ceil(MEMBERS.length / 8));
}

test('the segment becomes exactly the expected endpoints; a rerun updates them; nothing staged is left', async () => {
  expect(WITH_EMAIL.length).toBeGreaterThan(10);
  expect(WITH_PHONE.length).toBeLessThan(MEMBERS.length);
  const app = await createApp(env.pinpoint, 'activate-target');
  const { handle, report } = await activate(app);

  expect(report.status).toBe('COMPLETED');
  expectCounts(report);
  expect(report.importJobs.length).toBeGreaterThanOrEqual(1);
  expect(report.imported).toEqual({ processed: WITH_EMAIL.length + WITH_PHONE.length, failed: 0 });
  expect((await emulatorAdmin(env).app(app)).endpoints).toBe(WITH_EMAIL.length + WITH_PHONE.length);
  for (const p of WITH_EMAIL) {
    const e = await endpoint(app, `${p._id}-email`);
    expect(e).toMatchObject({ ChannelType: 'EMAIL', Address: p.personalEmail.address, User: { UserId: p._id } });
    expect(e?.Attributes).toEqual({
      FirstName: [p.person.name.firstName],
      LastName: [p.person.name.lastName],
      CountryCode: [p.homeAddress.countryCode],
    });
  }
  for (const p of WITH_PHONE) {
    expect(await endpoint(app, `${p._id}-sms`)).toMatchObject({
      ChannelType: 'SMS',
      Address: p.mobilePhone?.number,
      User: { UserId: p._id },
    });
  }

  // Staged parts and the AEP download are gone; the rejected rows name the field, never the value.
  const runPrefix = `activate/${report.workflowId}/${report.runId}/`;
  expect(await keysUnder(`${runPrefix}parts/`)).toEqual([]);
  expect(fs.existsSync(path.join(workDir, report.workflowId, report.runId))).toBe(false);
  const rejected = await env.s3.send(
    new GetObjectCommand({ Bucket: env.bucket, Key: `${runPrefix}rejected-rows.ndjson` }),
  );
  const rows = ((await rejected.Body?.transformToString()) ?? '').trim().split('\n');
  expect(rows).toHaveLength(1);
  expect(rows[0]).toContain('personalEmail.address is not an email address');
  expect(rows[0]).not.toContain('not-an-email');
  // No profile value in the history.
  const history = await historyText(handle);
  for (const p of MEMBERS.slice(0, 10)) {
    if (p.personalEmail) expect(history).not.toContain(p.personalEmail.address);
    if (p.mobilePhone) expect(history).not.toContain(p.mobilePhone.number);
  }

  const again = await activate(app);
  expectCounts(again.report);
  // Its own AEP job (not the first run's, though created seconds later with the same segment and fields).
  expect(again.report.aepJobId).not.toBe(report.aepJobId);
  expect((await emulatorAdmin(env).app(app)).endpoints).toBe(WITH_EMAIL.length + WITH_PHONE.length);
}, 180_000);

test('a dry run counts and imports nothing', async () => {
  const app = await createApp(env.pinpoint, 'activate-dry');
  const { report } = await activate(app, { dryRun: true });
  expect(report.status).toBe('COMPLETED');
  expectCounts(report);
  expect(report.importJobs).toEqual([]);
  expect(report.message).toContain('dry run');
  expect((await emulatorAdmin(env).app(app)).endpoints).toBe(0);
  expect(await keysUnder(`activate/${report.workflowId}/`)).toEqual([]);
}, 120_000);

test('a custom mapping decides channels, endpoint ids and attributes', async () => {
  const app = await createApp(env.pinpoint, 'activate-custom');
  const { report } = await activate(app, {
    mapping: {
      channels: [{ channel: 'EMAIL', address: 'personalEmail.address', idSuffix: 'mail' }],
      attributes: { Country: 'homeAddress.countryCode' },
    },
  });
  expect(report.totals.endpoints).toEqual({ EMAIL: WITH_EMAIL.length, SMS: 0 });
  expect((await emulatorAdmin(env).app(app)).endpoints).toBe(WITH_EMAIL.length);
  const p = WITH_EMAIL[0] as TestProfile;
  const e = await endpoint(app, `${p._id}-mail`);
  expect(e).toMatchObject({ ChannelType: 'EMAIL', User: { UserId: p._id } });
  expect(e?.Attributes).toEqual({ Country: [p.homeAddress.countryCode] });
}, 120_000);

test('cancel while the AEP job is PROCESSING: one DELETE, the job CANCELLED, nothing left, the run Canceled', async () => {
  const app = await createApp(env.pinpoint, 'activate-cancel');
  const deletesBefore = await deleteCalls();
  await admin(aep.url, 'POST', 'faults', { stallNextJobs: 1 });
  const handle = await startActivation(app);
  for (let i = 0; i < 200 && (await newestAepJobStatus()) !== 'PROCESSING'; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(await newestAepJobStatus()).toBe('PROCESSING');
  await handle.cancel();
  await expectCancelled(handle);
  expect(await deleteCalls()).toBe(deletesBefore + 1);
  expect(await newestAepJobStatus()).toBe('CANCELLED');
  expect((await emulatorAdmin(env).app(app)).endpoints).toBe(0);
}, 120_000);

test('cancel while activating: the parts and the download are removed, the run Canceled', async () => {
  const app = await createApp(env.pinpoint, 'activate-cancel2');
  await admin(aep.url, 'POST', 'faults', {
    rules: [{ operation: 'dataAccess.getFile', kind: 'delay', delayMs: 300, count: 1000 }],
  });
  try {
    const handle = await startActivation(app);
    const root = path.join(workDir, handle.workflowId);
    for (let i = 0; i < 400 && !fs.existsSync(root); i++) await new Promise((r) => setTimeout(r, 25));
    expect(fs.existsSync(root)).toBe(true);
    await handle.cancel();
    await expectCancelled(handle);
    expect((await emulatorAdmin(env).app(app)).endpoints).toBe(0);
  } finally {
    await admin(aep.url, 'DELETE', 'faults');
  }
}, 120_000);

test('a bad mapping fails the run before any AEP call, naming the field', async () => {
  const app = await createApp(env.pinpoint, 'activate-bad');
  const before = (await admin(aep.url, 'GET', 'counts')) as { jobs: number; tokensIssued: number };
  const handle = await startActivation(app, {
    mapping: {
      channels: [{ channel: 'PUSH', address: 'personalEmail.address' }],
    } as unknown as ActivateSegmentInput['mapping'],
  });
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  expect(String((err as WorkflowFailedError).cause?.message)).toContain(
    'mapping.channels.0.channel: must be EMAIL or SMS',
  );
  const after = (await admin(aep.url, 'GET', 'counts')) as { jobs: number; tokensIssued: number };
  expect(after).toMatchObject({ jobs: before.jobs, tokensIssued: before.tokensIssued });
}, 60_000);

test('small maxJobBytes: several parts, one import job each, the same endpoints', async () => {
  const app = await createApp(env.pinpoint, 'activate-parts');
  const { report } = await activate(app, { maxJobBytes: 4096 });
  expect(report.importJobs.length).toBeGreaterThan(2);
  expect(report.importJobs.every((j) => j.state === 'SUCCEEDED')).toBe(true);
  expect(report.imported).toEqual({ processed: WITH_EMAIL.length + WITH_PHONE.length, failed: 0 });
  expect((await emulatorAdmin(env).app(app)).endpoints).toBe(WITH_EMAIL.length + WITH_PHONE.length);
  expect(await keysUnder(`activate/${report.workflowId}/${report.runId}/parts/`)).toEqual([]);
}, 120_000);

test('an import job that ends FAILED fails the run (JobFailed) with a FAILED report in its details; nothing staged left', async () => {
  const app = await createApp(env.pinpoint, 'activate-failed');
  await emulatorAdmin(env).faults({ failNextJobs: 1, jobKind: 'IMPORT' });
  const handle = await startActivation(app);
  const err = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  await emulatorAdmin(env).clearFaults();
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect(cause.type).toBe('JobFailed');
  expect(cause.message).toMatch(/^Pinpoint import job\(s\) \S+ \(FAILED\) did not succeed$/);
  const report = cause.details?.[0] as ActivateSegmentReport;
  expect(report).toMatchObject({ status: 'FAILED', message: cause.message, applicationId: app });
  expect(report.importJobs.map((j) => j.state)).toEqual(['FAILED']);
  expect((await handle.describe()).status.name).toBe('FAILED');
  expect(await keysUnder(`activate/${handle.workflowId}/${report.runId}/parts/`)).toEqual([]);
}, 120_000);
