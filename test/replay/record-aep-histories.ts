/**
 * `npm run replay:record:aep`: runs the AEP workflows on a throw-away local stack (real Temporal dev server, SeaweedFS,
 * the Pinpoint emulator, the AEP emulator over HTTP, an in-process worker with the real activities) — an
 * exportProfiles run and an activateSegment run to completion, and one of each cancelled while its AEP job is
 * PROCESSING — and saves their histories under test/replay/histories/ next to the endpoint pipelines' ones, which it
 * leaves as they are (`npm run replay:record` rewrites the folder: run this one after it). Binary protobuf, as there.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { ActivateSegmentInput } from '../../src/contracts/aep-activate';
import type { ExportProfilesInput } from '../../src/contracts/aep-export';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  ORG_ID,
  SANDBOX,
  SEG_A,
  admin,
  createDataset,
  imsToken,
  platformHeaders,
  startTestAep,
  testProfiles,
} from '../integration/aep-support';
import { createApp, startPipelineEnv, TEST_ROLE_ARN } from '../integration/export-import-support';
import type { PipelineEnv } from '../integration/export-import-support';
import { HISTORIES_DIR } from './record-histories';

const POLL = { initialIntervalMs: 100, maxIntervalMs: 300, maxWaitMs: 120_000 };
/** Every recorded AEP run's id starts so; only these are saved. */
const ID_PREFIX = 'replay-aep-';

async function settle(handle: WorkflowHandle): Promise<void> {
  await handle.result().catch(() => undefined);
}

/** Starts a run, waits until the AEP emulator's newest job is PROCESSING (stalled), cancels the run, waits its end. */
async function cancelWhileProcessing(aepUrl: string, start: () => Promise<WorkflowHandle>): Promise<void> {
  await admin(aepUrl, 'POST', 'faults', { stallNextJobs: 1 });
  const handle = await start();
  for (let i = 0; i < 200; i++) {
    const res = await fetch(`${aepUrl}/data/core/ups/export/jobs?limit=1`, {
      headers: platformHeaders(await imsToken(aepUrl)),
    });
    const [job] = ((await res.json()) as { records: { status: string }[] }).records;
    if (job?.status === 'PROCESSING') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await handle.cancel();
  await settle(handle);
}

async function runAll(env: PipelineEnv, aepUrl: string, dir: string): Promise<void> {
  const tq = env.taskQueue;
  const datasetId = await createDataset(aepUrl, await imsToken(aepUrl));
  const exportInput: ExportProfilesInput = {
    segments: [{ segmentId: SEG_A }],
    datasetId,
    fields: ['personalEmail.address', 'mobilePhone.number'],
    downloadDir: dir,
    poll: POLL,
  };
  const startExport = (workflowId: string) =>
    env.client.workflow.start('exportProfiles', { taskQueue: tq, workflowId, args: [exportInput] });
  await settle(await startExport(`${ID_PREFIX}export`));
  await cancelWhileProcessing(aepUrl, () => startExport(`${ID_PREFIX}export-cancelled`));

  const app = await createApp(env.pinpoint, 'replay-activate');
  const activateInput: ActivateSegmentInput = {
    segments: [{ segmentId: SEG_A }],
    datasetId,
    applicationId: app,
    s3Url: `s3://${env.bucket}/activate/`,
    roleArn: TEST_ROLE_ARN,
    workDir: dir,
    poll: POLL,
  };
  const startActivation = (workflowId: string) =>
    env.client.workflow.start('activateSegment', { taskQueue: tq, workflowId, args: [activateInput] });
  await settle(await startActivation(`${ID_PREFIX}activate`));
  await cancelWhileProcessing(aepUrl, () => startActivation(`${ID_PREFIX}activate-cancelled`));
}

/** The AEP runs' histories, one binary History per execution; other files in the folder are left alone. */
async function saveHistories(env: PipelineEnv): Promise<string[]> {
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  const saved: string[] = [];
  for await (const w of env.client.workflow.list()) {
    if (!w.workflowId.startsWith(ID_PREFIX)) continue;
    const history = await env.client.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
    const name = `${w.type}--${w.workflowId}.pb`;
    fs.writeFileSync(path.join(HISTORIES_DIR, name), temporal.api.history.v1.History.encode(history).finish());
    saved.push(name);
  }
  return saved.sort();
}

async function main(): Promise<void> {
  const aep = await startTestAep(testProfiles(30), { pace: 'fast', rowsPerFile: 8 });
  Object.assign(process.env, {
    AUDIENCEFLOW_NO_STACK_ENV: '1',
    AEP_CLIENT_ID: CLIENT_ID,
    AEP_CLIENT_SECRET: CLIENT_SECRET,
    AEP_ORG_ID: ORG_ID,
    AEP_SANDBOX: SANDBOX,
    AEP_ENDPOINT_URL: aep.url,
    AEP_IMS_URL: aep.url,
  });
  const env = await startPipelineEnv({ emulator: { pace: 'fast' } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-record-aep-'));
  try {
    await runAll(env, aep.url, dir);
    const saved = await saveHistories(env);
    console.log(
      `saved ${saved.length} histories under ${path.relative(process.cwd(), HISTORIES_DIR)}:\n  ${saved.join('\n  ')}`,
    );
  } finally {
    await env.stop();
    await aep.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
