/**
 * `npm run replay:record`: runs each pipeline once on a throw-away local stack (real Temporal dev
 * server, SeaweedFS, the Pinpoint emulator, an in-process worker with the real activities) and saves
 * the history of every workflow execution it made — children included — under
 * test/replay/histories/, as binary protobuf (`temporal.api.history.v1.History`). Not JSON: the SDK's
 * JSON reader (historyFromJSON) fails here, its JSON library resolving another protobufjs major.
 * test/replay/replay.test.ts replays them against the current workflow code. Re-record only when a
 * change is meant to be incompatible (a new workflow type, or after the old runs have drained).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import type { ImportInput } from '../../src/contracts';
import { seedEndpoints } from '../../src/demo/seed-endpoints';
import { endpointsToCsv } from '../../src/formats';
import { temporal } from '@temporalio/proto';
import {
  createApp,
  emulatorAdmin,
  localImportInput,
  startPipelineEnv,
  TEST_ROLE_ARN,
} from '../integration/export-import-support';
import type { PipelineEnv } from '../integration/export-import-support';
import { syncInput } from '../integration/sync-support';

export const HISTORIES_DIR = path.join(__dirname, 'histories');
const POLL = { initialIntervalMs: 100, maxIntervalMs: 300, maxWaitMs: 120_000 };

function importInput(env: PipelineEnv, applicationId: string, file: string): ImportInput {
  return localImportInput(env, applicationId, { source: { kind: 'local', paths: [file] }, poll: POLL });
}

/** An export of `applicationId` into the env's bucket. */
function exportInput(env: PipelineEnv, applicationId: string) {
  return {
    provider: 'pinpoint',
    applicationId,
    s3Url: `s3://${env.bucket}/exports/`,
    roleArn: TEST_ROLE_ARN,
    poll: POLL,
  };
}

/** Waits for the end of a run, whatever it is (completed, failed, cancelled). */
async function settle(handle: WorkflowHandle): Promise<void> {
  await handle.result().catch(() => undefined);
}

async function runAll(env: PipelineEnv, dir: string): Promise<void> {
  const tq = env.taskQueue;
  const source = await createApp(env.pinpoint, 'replay-source');
  await seedEndpoints(env.pinpoint, source, 300, { seed: 11, invalidEvery: 50 });

  await settle(
    await env.client.workflow.start('exportEndpoints', {
      taskQueue: tq,
      workflowId: 'replay-export',
      args: [exportInput(env, source)],
    }),
  );

  const csv = path.join(dir, 'people.csv');
  fs.writeFileSync(
    csv,
    endpointsToCsv(
      Array.from({ length: 50 }, (_, i) => ({
        Id: `r-${i}`,
        ChannelType: 'EMAIL' as const,
        Address: `r${i}@example.test`,
      })),
    ),
  );
  const target = await createApp(env.pinpoint, 'replay-import');
  await settle(
    await env.client.workflow.start('importEndpoints', {
      taskQueue: tq,
      workflowId: 'replay-import',
      args: [importInput(env, target, csv)],
    }),
  );

  const empty = path.join(dir, 'header-only.csv');
  fs.writeFileSync(empty, 'ChannelType,Address\n');
  await settle(
    await env.client.workflow.start('importEndpoints', {
      taskQueue: tq,
      workflowId: 'replay-import-nothing',
      args: [importInput(env, target, empty)],
    }),
  );

  const syncTarget = await createApp(env.pinpoint, 'replay-sync');
  await settle(
    await env.client.workflow.start('syncEndpoints', {
      taskQueue: tq,
      workflowId: 'replay-sync',
      args: [syncInput(env.bucket, source, syncTarget, { transferBatchSize: 2, maxJobBytes: 64 * 1024, poll: POLL })],
    }),
  );

  await emulatorAdmin(env).faults({ stallNextJobs: 1, jobKind: 'EXPORT' });
  const cancelled = await env.client.workflow.start('syncEndpoints', {
    taskQueue: tq,
    workflowId: 'replay-sync-cancelled',
    args: [syncInput(env.bucket, source, syncTarget, { poll: POLL })],
  });
  for (let i = 0; i < 200; i++) {
    const d = await cancelled.describe();
    if (d.raw.pendingActivities?.some((a) => a.activityType?.name === 'waitForJob')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await cancelled.cancel();
  await settle(cancelled);
  await emulatorAdmin(env).clearFaults();

  await emulatorAdmin(env).faults({ failNextJobs: 1, jobKind: 'EXPORT' });
  await settle(
    await env.client.workflow.start('exportEndpoints', {
      taskQueue: tq,
      workflowId: 'replay-export-failed',
      args: [exportInput(env, source)],
    }),
  );
  await emulatorAdmin(env).clearFaults();
}

/** Every execution the runs made (children too), each saved as one binary History. */
async function saveHistories(env: PipelineEnv): Promise<string[]> {
  fs.rmSync(HISTORIES_DIR, { recursive: true, force: true });
  fs.mkdirSync(HISTORIES_DIR, { recursive: true });
  const saved: string[] = [];
  for await (const w of env.client.workflow.list()) {
    const history = await env.client.workflow.getHandle(w.workflowId, w.runId).fetchHistory();
    const name = `${w.type}--${w.workflowId.replace(/[^\w.-]+/g, '_')}.pb`;
    fs.writeFileSync(path.join(HISTORIES_DIR, name), temporal.api.history.v1.History.encode(history).finish());
    saved.push(name);
  }
  return saved.sort();
}

async function main(): Promise<void> {
  const env = await startPipelineEnv({ emulator: { pace: 'fast', exportPieceSize: 100 } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-record-'));
  try {
    await runAll(env, dir);
    const saved = await saveHistories(env);
    console.log(
      `saved ${saved.length} histories under ${path.relative(process.cwd(), HISTORIES_DIR)}:\n  ${saved.join('\n  ')}`,
    );
  } finally {
    await env.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
