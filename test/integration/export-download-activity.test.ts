/**
 * The download activity (activities/storage downloadObjects) on real S3: resumes by skipping complete files and
 * replacing partial ones, refuses keys that would escape the target directory before writing anything, and fails
 * (retryably) when the object does not match the listed size. Runs in MockActivityEnvironment (its Context only).
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PinpointClient } from '@aws-sdk/client-pinpoint';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createActivities } from '../../activities';
import type { DownloadInput, DownloadResult } from '../../activities';
import { startS3 } from '../harness';
import type { S3Harness } from '../harness';

let s3: S3Harness;
let bucket: string;
let tmp: string;

beforeAll(async () => {
  s3 = await startS3();
  bucket = await s3.newBucket('download');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'af-download-'));
});
afterAll(async () => {
  await s3?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const activities = () =>
  createActivities({ s3: s3.client, pinpoint: new PinpointClient({ region: 'us-east-1' }), region: 'us-east-1' });

function download(input: DownloadInput): Promise<DownloadResult> {
  const a = activities();
  return new MockActivityEnvironment().run((i: DownloadInput) => a.downloadObjects(i), input);
}

async function put(key: string, body: Buffer): Promise<{ key: string; size: number }> {
  await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return { key, size: body.length };
}

test('skips complete files, replaces partial ones, leaves no temp file', async () => {
  const a = await put('exp/wf/run/a.gz', Buffer.alloc(300_000, 1));
  const b = await put('exp/wf/run/sub/b.gz', Buffer.alloc(200_000, 2));
  const dir = path.join(tmp, 'resume');
  // An earlier attempt finished a.gz and was killed while writing b.gz.
  fs.mkdirSync(path.join(dir, 'wf/run/sub'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'wf/run/a.gz'), Buffer.alloc(300_000, 1));
  fs.writeFileSync(path.join(dir, 'wf/run/sub/b.gz.af-partial'), Buffer.alloc(1_000, 9));
  const mtimeA = fs.statSync(path.join(dir, 'wf/run/a.gz')).mtimeMs;

  const r = await download({ bucket, prefix: 'exp/', objects: [a, b], dir });

  expect(r).toEqual({
    files: [path.join(dir, 'wf/run/a.gz'), path.join(dir, 'wf/run/sub/b.gz')],
    bytes: 500_000,
    skipped: 1,
  });
  expect(fs.statSync(path.join(dir, 'wf/run/a.gz')).mtimeMs).toBe(mtimeA);
  expect(fs.readFileSync(path.join(dir, 'wf/run/sub/b.gz')).equals(Buffer.alloc(200_000, 2))).toBe(true);
  expect(fs.existsSync(path.join(dir, 'wf/run/sub/b.gz.af-partial'))).toBe(false);
});

test('a file of the wrong size is downloaded again', async () => {
  const a = await put('exp2/a.gz', Buffer.alloc(10_000, 3));
  const dir = path.join(tmp, 'wrong-size');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'a.gz'), Buffer.alloc(5_000, 3)); // truncated
  const r = await download({ bucket, prefix: 'exp2/', objects: [a], dir });
  expect(r.skipped).toBe(0);
  expect(fs.statSync(path.join(dir, 'a.gz')).size).toBe(10_000);
});

test('refuses a key that would escape the directory, before writing anything', async () => {
  const good = await put('exp3/good.gz', Buffer.alloc(10, 1));
  // SeaweedFS refuses such a key, other S3 servers store it: the listing is what the activity is given.
  const evil = { key: 'exp3/../../evil.gz', size: 10 };
  const dir = path.join(tmp, 'escape');
  const err: unknown = await download({ bucket, prefix: 'exp3/', objects: [good, evil], dir }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect((err as ApplicationFailure).nonRetryable).toBe(true);
  expect((err as ApplicationFailure).message).toContain('exp3/../../evil.gz');
  expect(fs.existsSync(path.join(dir, 'good.gz'))).toBe(false);
  expect(fs.existsSync(path.join(tmp, 'evil.gz'))).toBe(false);
});

test('an object that does not match the listed size fails retryably and leaves nothing behind', async () => {
  const a = await put('exp4/a.gz', Buffer.alloc(1_000, 4));
  const dir = path.join(tmp, 'mismatch');
  const err: unknown = await download({ bucket, prefix: 'exp4/', objects: [{ ...a, size: 2_000 }], dir }).catch(
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  expect((err as ApplicationFailure).nonRetryable).toBe(false);
  expect(fs.readdirSync(dir)).toEqual([]);
});
