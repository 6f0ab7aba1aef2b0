/**
 * activateSegment survives its worker: `audienceflow worker` in a child process (AEP_* pointed at the AEP emulator) is
 * killed (SIGKILL) while the run polls its AEP export job (held PROCESSING by the emulator) and, in a second run, while
 * it downloads and maps the Parquet files (each file answered slowly). A new worker finishes each run: exactly one AEP
 * export job, and the target application holds exactly the segment members' endpoints. Real Temporal, real S3, both
 * emulators over HTTP.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetEndpointCommand } from '@aws-sdk/client-pinpoint';
import type { RunningAepEmulator } from '../../src/aep-emulator';
import type { ActivateSegmentInput, ActivateSegmentReport } from '../../src/contracts/aep-activate';
import { progressQuery } from '../../src/contracts/queries';
import { spawnWorker, stopProcesses } from './export-import-processes';
import { createApp, emulatorAdmin, eventually, startPipelineEnv, TEST_ROLE_ARN } from './export-import-support';
import type { PipelineEnv, RunningWorker } from './export-import-support';
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
  platformHeaders,
  startTestAep,
  testProfiles,
} from './aep-support';

const PROFILES = testProfiles(40);
const MEMBERS = expectedMembers(PROFILES, SEG_A);
const WITH_PHONE = MEMBERS.filter((p) => p.mobilePhone);
const AEP_ENV = {
  AEP_CLIENT_ID: CLIENT_ID,
  AEP_CLIENT_SECRET: CLIENT_SECRET,
  AEP_ORG_ID: ORG_ID,
  AEP_SANDBOX: SANDBOX,
};

let env: PipelineEnv;
let aep: RunningAepEmulator;
let datasetId: string;
let workDir: string;
let replacement: RunningWorker | undefined;

beforeAll(async () => {
  aep = await startTestAep(PROFILES, { pace: 'fast', rowsPerFile: 4 });
  Object.assign(process.env, {
    AUDIENCEFLOW_NO_STACK_ENV: '1',
    ...AEP_ENV,
    AEP_ENDPOINT_URL: aep.url,
    AEP_IMS_URL: aep.url,
  });
  env = await startPipelineEnv({ emulator: { pace: 'fast' }, worker: false });
  datasetId = await createDataset(aep.url, await imsToken(aep.url));
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aep-activate-crash-'));
});
afterEach(async () => {
  await stopProcesses();
  await replacement?.stop();
  replacement = undefined;
  await admin(aep.url, 'DELETE', 'faults');
});
afterAll(async () => {
  await env?.stop();
  await aep?.close();
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

function start(applicationId: string) {
  const input: ActivateSegmentInput = {
    segments: [{ segmentId: SEG_A }],
    datasetId,
    applicationId,
    s3Url: `s3://${env.bucket}/activate-crash/`,
    roleArn: TEST_ROLE_ARN,
    workDir,
    poll: { initialIntervalMs: 100, maxIntervalMs: 500, maxWaitMs: 300_000 },
  };
  return env.client.workflow.start('activateSegment', {
    taskQueue: env.taskQueue,
    workflowId: `activate-crash-${applicationId}`,
    args: [input],
  });
}

async function aepJobs(): Promise<{ id: number; status: string }[]> {
  const res = await fetch(`${aep.url}/data/core/ups/export/jobs?limit=100`, {
    headers: platformHeaders(await imsToken(aep.url)),
  });
  return ((await res.json()) as { records: { id: number; status: string }[] }).records;
}

/** The target holds exactly one endpoint per member and channel, with the member's address. */
async function expectExactEndpoints(app: string, report: ActivateSegmentReport): Promise<void> {
  const expected = MEMBERS.length + WITH_PHONE.length;
  expect(report.totals.endpoints).toEqual({ EMAIL: MEMBERS.length, SMS: WITH_PHONE.length });
  expect(report.imported).toEqual({ processed: expected, failed: 0 });
  expect((await emulatorAdmin(env).app(app)).endpoints).toBe(expected);
  for (const p of MEMBERS) {
    const out = await env.pinpoint.send(new GetEndpointCommand({ ApplicationId: app, EndpointId: `${p._id}-email` }));
    expect(out.EndpointResponse).toMatchObject({ Address: p.personalEmail.address, User: { UserId: p._id } });
  }
  for (const p of WITH_PHONE) {
    const out = await env.pinpoint.send(new GetEndpointCommand({ ApplicationId: app, EndpointId: `${p._id}-sms` }));
    expect(out.EndpointResponse).toMatchObject({ Address: p.mobilePhone?.number, User: { UserId: p._id } });
  }
}

test('worker killed mid-poll: a new worker finishes the run with one AEP job and exactly the endpoints', async () => {
  const app = await createApp(env.pinpoint, 'activate-crash-poll');
  const jobsBefore = (await aepJobs()).length;
  await admin(aep.url, 'POST', 'faults', { stallNextJobs: 1 });
  const child = await spawnWorker(env, AEP_ENV);
  const handle = await start(app);
  const job = await eventually('the AEP job PROCESSING', async () =>
    (await aepJobs()).find((j) => j.status === 'PROCESSING'),
  );
  // The run polls the held job (its progress says so), then the worker dies between two polls.
  await eventually('the run polling its job', async () => {
    const p = await handle.query(progressQuery);
    return p.phase === 'waiting' && p.jobKind === 'export' && p.jobStatus === 'PROCESSING' ? true : undefined;
  });
  await child.kill();
  await admin(aep.url, 'POST', `jobs/${job.id}/release`);
  replacement = await env.startWorker();
  const report: ActivateSegmentReport = await handle.result();
  expect(report.status).toBe('COMPLETED');
  expect(report.aepJobId).toBe(String(job.id));
  expect((await aepJobs()).length - jobsBefore).toBe(1);
  await expectExactEndpoints(app, report);
}, 180_000);

test('worker killed mid-download: a new worker finishes the run with one AEP job and exactly the endpoints', async () => {
  const app = await createApp(env.pinpoint, 'activate-crash-download');
  const jobsBefore = (await aepJobs()).length;
  await admin(aep.url, 'POST', 'faults', {
    rules: [{ operation: 'dataAccess.getFile', kind: 'delay', delayMs: 400, count: 1000 }],
  });
  const child = await spawnWorker(env, AEP_ENV);
  const handle = await start(app);
  const runDir = path.join(workDir, handle.workflowId);
  // The activation activity runs and has downloaded (and mapped) at least one file, not all of them.
  await eventually(
    'the activation mid-download',
    async () => {
      const d = await handle.describe();
      const busy = d.raw.pendingActivities?.some((a) => a.activityType?.name === 'aepActivateBatches');
      return busy && fs.existsSync(runDir) ? true : undefined;
    },
    60_000,
  );
  await new Promise((r) => setTimeout(r, 1_000));
  expect((await handle.describe()).raw.pendingActivities?.map((a) => a.activityType?.name)).toEqual([
    'aepActivateBatches',
  ]);
  await child.kill();
  await admin(aep.url, 'DELETE', 'faults');
  replacement = await env.startWorker();
  const report: ActivateSegmentReport = await handle.result();
  expect(report.status).toBe('COMPLETED');
  expect((await aepJobs()).length - jobsBefore).toBe(1);
  expect(report.totals.files).toBe(Math.ceil(MEMBERS.length / 4));
  await expectExactEndpoints(app, report);
  // Nothing of the run is left in its work folder.
  expect(fs.existsSync(path.join(runDir, report.runId))).toBe(false);
}, 180_000);
