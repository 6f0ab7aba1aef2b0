/**
 * The local S3 (SeaweedFS as the stack and the harness run it, with an identity) takes every standard client: a
 * multipart upload by the AWS CLI (`aws s3 cp`, from PyPI) and chunk-signed PutObjects as the AWS SDKs for Java send
 * them over http (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`, and `…-PAYLOAD-TRAILER` with a CRC32 trailer). Each object is
 * read back and compared byte for byte.
 */
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LOCAL_S3_CREDENTIALS } from '../../src/stack/s3-server';
import { requireTool, toolEnv } from '../../src/stack/tools';
import { startS3 } from '../harness';
import type { S3Harness } from '../harness';
import { putChunkSigned } from './s3-chunk-signed';

let s3: S3Harness;
let bucket: string;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'af-s3-clients-'));

beforeAll(async () => {
  s3 = await startS3();
  bucket = await s3.newBucket('clients');
});
afterAll(async () => {
  await s3?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

const digest = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

async function readBack(key: string): Promise<Buffer> {
  const out = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** Runs the AWS CLI with only the local identity configured (no user config or profile). */
function aws(args: string[]): Promise<{ code: number | null; out: string }> {
  const env = toolEnv('aws', {
    PATH: process.env.PATH,
    HOME: work,
    AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: s3.region,
    AWS_CONFIG_FILE: path.join(work, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'no-credentials'),
  });
  return new Promise((resolve, reject) => {
    const child = spawn(requireTool('aws'), ['--endpoint-url', s3.endpoint, ...args], { env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

it('takes a multipart upload by the AWS CLI (aws s3 cp) and gives the same bytes back', async () => {
  const body = randomBytes(20 * 1024 * 1024 + 123);
  const file = path.join(work, 'endpoints.bin');
  fs.writeFileSync(file, body);
  const key = 'aws-cli/endpoints.bin';
  const up = await aws(['s3', 'cp', file, `s3://${bucket}/${key}`, '--only-show-errors']);
  expect(up).toEqual({ code: 0, out: '' });

  // The CLI splits at 8 MiB: a multipart object's ETag ends in -<parts>.
  const head = await s3.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  expect(head.ETag).toMatch(/-3"$/);
  expect(digest(await readBack(key))).toBe(digest(body));

  const copy = path.join(work, 'copy.bin');
  const down = await aws(['s3', 'cp', `s3://${bucket}/${key}`, copy, '--only-show-errors']);
  expect(down.code).toBe(0);
  expect(digest(fs.readFileSync(copy))).toBe(digest(body));
}, 120_000);

it.each([
  ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD (SDK for Java 1.x)', false],
  ['STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER with CRC32 (SDK for Java 2.x)', true],
])('takes a chunk-signed PutObject: %s', async (_what, trailer) => {
  const body = randomBytes(300 * 1024 + 7);
  const key = `chunk-signed/${trailer ? 'trailer' : 'plain'}.bin`;
  const res = await putChunkSigned({
    endpoint: s3.endpoint,
    bucket,
    key,
    body,
    credentials: LOCAL_S3_CREDENTIALS,
    region: s3.region,
    chunkBytes: 64 * 1024,
    trailer,
  });
  expect([res.status, res.text]).toEqual([200, '']);
  expect(digest(await readBack(key))).toBe(digest(body));
});

it('refuses a chunk-signed upload signed with a wrong secret (the identity is checked)', async () => {
  const res = await putChunkSigned({
    endpoint: s3.endpoint,
    bucket,
    key: 'chunk-signed/wrong.bin',
    body: Buffer.from('x'.repeat(1000)),
    credentials: { accessKeyId: LOCAL_S3_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-secret' },
    region: s3.region,
    chunkBytes: 512,
    trailer: false,
  });
  expect(res.status).toBe(403);
  expect(res.text).toContain('SignatureDoesNotMatch');
});

it('still answers NoSuchBucket for an upload to a bucket that does not exist (the identity creates no bucket)', async () => {
  await expect(
    s3.client.send(new PutObjectCommand({ Bucket: 'no-such-bucket-af-clients', Key: 'x', Body: 'x' })),
  ).rejects.toMatchObject({ name: 'NoSuchBucket' });
});
