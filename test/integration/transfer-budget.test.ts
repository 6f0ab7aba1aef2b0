/**
 * transferPiece and the process budget, against a real S3 server (SeaweedFS): a piece waits for a free transfer slot
 * and heartbeats while it waits (a wait longer than the heartbeat timeout must not look like a dead worker); it gives
 * the slot and its threads back when it is done or fails; a cancel while it waits ends it without taking a slot. The
 * activity runs in MockActivityEnvironment (its Context); everything else is real. The same for a local-file upload.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { CancelledFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { closeIdleLineThreads } from '../../src/engine/line-threads';
import { budgetFor, processBudget } from '../../src/engine/process-budget';
import type { ProcessBudget } from '../../src/engine/process-budget';
import { uploadEndpointFiles } from '../../activities/support/upload-endpoints';
import type { UploadEndpointsResult } from '../../activities/support/upload-endpoints';
import { createTransferActivities } from '../../activities/transfer';
import type { TransferPieceInput, TransferPieceResult } from '../../src/contracts/sync';
import { asExported, generateEndpoint } from '../../src/demo/generate-endpoints';
import { startS3 } from '../harness';
import type { S3Harness } from '../harness';

const APP = '0123456789abcdef0123456789abcdef';
let s3: S3Harness;
let bucket: string;

beforeAll(async () => {
  s3 = await startS3();
  bucket = await s3.newBucket('budget');
  const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify(asExported(generateEndpoint(i), APP, i)));
  await s3.client.send(
    new PutObjectCommand({ Bucket: bucket, Key: 'exp/piece-1.gz', Body: gzipSync(`${lines.join('\n')}\n`) }),
  );
});
afterAll(async () => {
  await closeIdleLineThreads();
  await s3?.stop();
});

/** One transfer slot and two threads; every piece (threadMinBytes 0) asks for two threads. */
function smallBudget(): ProcessBudget {
  return budgetFor({ ...processBudget().limits, transfers: 1, threads: 2 });
}

function start(budget: ProcessBudget, key: string, env: MockActivityEnvironment): Promise<TransferPieceResult> {
  const { transferPiece } = createTransferActivities({ s3: s3.client, threadMinBytes: 0, transferThreads: 2, budget });
  const input: TransferPieceInput = {
    source: { bucket, key },
    pieceIndex: 1,
    output: { bucket, prefix: `run/${key}/` },
    maxPartBytes: 1 << 30,
  };
  return env.run<[TransferPieceInput], TransferPieceResult, typeof transferPiece>(transferPiece, input);
}

const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
};

test('a piece waits for a transfer slot, heartbeating every second, then runs and gives slot and threads back', async () => {
  const budget = smallBudget();
  await budget.transfers.takeOne(); // another transfer holds the only slot
  const env = new MockActivityEnvironment();
  let beats = 0;
  env.on('heartbeat', () => beats++);
  const result = start(budget, 'exp/piece-1.gz', env);
  await new Promise((r) => setTimeout(r, 3_500));
  expect(await settled(result)).toBe(false);
  expect(beats).toBeGreaterThanOrEqual(3); // one at the start, then one a second while waiting
  expect(budget.threads.free).toBe(2); // no thread taken while waiting
  budget.transfers.give(1);
  const r = await result;
  expect(r.read).toBe(3000);
  expect(budget.transfers.free).toBe(1);
  expect(budget.threads.free).toBe(2);
});

test('a piece that fails gives its slot and threads back', async () => {
  const budget = smallBudget();
  await expect(start(budget, 'exp/missing.gz', new MockActivityEnvironment())).rejects.toThrow(/does not exist/);
  expect(budget.transfers.free).toBe(1);
  expect(budget.threads.free).toBe(2);
});

test('a piece cancelled while it waits ends cancelled and takes no slot', async () => {
  const budget = smallBudget();
  await budget.transfers.takeOne();
  const env = new MockActivityEnvironment();
  const result = start(budget, 'exp/piece-1.gz', env);
  await new Promise((r) => setTimeout(r, 500));
  env.cancel();
  await expect(result).rejects.toBeInstanceOf(CancelledFailure);
  expect(budget.transfers.free).toBe(0); // still the other transfer's
  budget.transfers.give(1);
  expect(budget.transfers.free).toBe(1);
});

test('a local-file upload waits for a transfer slot too, heartbeating, and gives slot and threads back', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'af-budget-'));
  try {
    const file = path.join(dir, 'endpoints.ndjson');
    const rows = Array.from({ length: 2000 }, (_, i) =>
      JSON.stringify({ Id: `ep-${i}`, ChannelType: 'EMAIL', Address: `user${i}@example.test` }),
    );
    fs.writeFileSync(file, `${rows.join('\n')}\n`);
    const budget = smallBudget();
    await budget.transfers.takeOne();
    const env = new MockActivityEnvironment();
    let beats = 0;
    env.on('heartbeat', () => beats++);
    const input = { paths: [file], format: 'JSON' as const, bucket, prefix: 'import/a/', maxJobBytes: 1 << 30 };
    const result = env.run((): Promise<UploadEndpointsResult> =>
      uploadEndpointFiles(s3.client, input, Context.current(), 0, 2, budget),
    );
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await settled(result)).toBe(false);
    expect(beats).toBeGreaterThanOrEqual(2);
    budget.transfers.give(1);
    expect((await result).uploaded).toBe(2000);
    expect(budget.transfers.free).toBe(1);
    expect(budget.threads.free).toBe(2);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
