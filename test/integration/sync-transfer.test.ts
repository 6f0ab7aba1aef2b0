/**
 * transferPiece against a real S3 server (SeaweedFS): content, part limits, rejected rows,
 * dry run, idempotent retry, cancellation — inline, in one worker thread, and in two at once. The activity runs in MockActivityEnvironment (its
 * Context); everything else is real.
 */
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { closeIdleLineThreads } from '../../src/engine/line-threads';
import { createTransferActivities } from '../../activities/transfer';
import type { TransferPieceInput, TransferPieceResult } from '../../src/contracts/sync';
import { asExported, generateEndpoint } from '../../src/demo/generate-endpoints';
import { startS3 } from '../harness';
import type { S3Harness } from '../harness';

let s3: S3Harness;
let bucket: string;
const APP = '0123456789abcdef0123456789abcdef';

let threadMinBytes = 0;
let transferThreads = 1;

beforeAll(async () => {
  s3 = await startS3();
});
afterAll(async () => {
  await closeIdleLineThreads();
  await s3?.stop();
});

async function putPiece(key: string, lines: string[], gzip = true): Promise<void> {
  const text = lines.join('\n') + '\n';
  await s3.client.send(
    new PutObjectCommand({ Bucket: bucket, Key: key, Body: gzip ? gzipSync(text) : Buffer.from(text) }),
  );
}

async function readText(key: string): Promise<string> {
  const got = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (await got.Body?.transformToString('utf8')) ?? '';
}

function exportedLines(count: number, from = 0): string[] {
  const lines: string[] = [];
  for (let i = from; i < from + count; i++) lines.push(JSON.stringify(asExported(generateEndpoint(i), APP, i)));
  return lines;
}

const activities = () => createTransferActivities({ s3: s3.client, threadMinBytes, transferThreads });
type transferPiece = ReturnType<typeof activities>['transferPiece'];

function run(env: MockActivityEnvironment, args: TransferPieceInput): Promise<TransferPieceResult> {
  return env.run<[TransferPieceInput], TransferPieceResult, transferPiece>(activities().transferPiece, args);
}

function input(key: string, prefix: string, extra: Partial<TransferPieceInput> = {}): TransferPieceInput {
  return { source: { bucket, key }, pieceIndex: 3, output: { bucket, prefix }, maxPartBytes: 1 << 30, ...extra };
}

// Every behaviour holds whether the piece is processed on the activity's thread (small pieces), in one
// worker thread, or in several at once (large ones): each mode gets its own bucket.
describe.each([
  ['on the activity thread', Number.MAX_SAFE_INTEGER, 1],
  ['in a worker thread', 0, 1],
  ['in two worker threads', 0, 2],
])('transferPiece %s', (_mode, minBytes, threads) => {
  beforeAll(async () => {
    threadMinBytes = minBytes;
    transferThreads = threads;
    bucket = await s3.newBucket('transfer');
  });

  test('converts, transforms, validates and writes one import-ready part; rejected rows go to their own object', async () => {
    const lines = exportedLines(2000);
    lines.splice(10, 0, '{not json', '', '[1,2]');
    await putPiece('exp/a/piece-1.gz', lines);
    const result = await run(
      new MockActivityEnvironment(),
      input('exp/a/piece-1.gz', 'run/a/', {
        transform: {
          dropOptedOut: true,
          renameAttributes: { plan: 'subscription' },
          set: { 'Attributes.origin': 'sync' },
        },
      }),
    );
    const generated = Array.from({ length: 2000 }, (_, i) => generateEndpoint(i));
    const optedOut = generated.filter((e) => e.OptOut === 'ALL').length;
    const noAddress = generated.filter((e) => e.OptOut !== 'ALL' && e.Address === '').length;
    expect(noAddress).toBeGreaterThan(0);
    expect(result).toMatchObject({
      pieceIndex: 3,
      read: 2002, // 2000 + '{not json' + '[1,2]'; the blank line is not a record
      filtered: optedOut,
      rejected: noAddress + 2,
      written: 2000 - optedOut - noAddress,
      rejectedKey: 'run/a/rejected/piece-00003.ndjson',
    });
    expect(result.parts).toHaveLength(1);
    expect(result.parts[0]!.key).toBe('run/a/parts/piece-00003-part-000.json');
    const out = (await readText(result.parts[0]!.key)).trimEnd().split('\n');
    expect(out).toHaveLength(result.written);
    expect(result.parts[0]!.size).toBe(Buffer.byteLength(await readText(result.parts[0]!.key)));
    const first = JSON.parse(out[0]!) as {
      Id: string;
      ApplicationId?: string;
      CreationDate?: string;
      Attributes: Record<string, string[] | undefined>;
    };
    expect(first.ApplicationId).toBeUndefined();
    expect(first.CreationDate).toBeUndefined();
    expect(first.Id).toMatch(/^ep-/);
    expect(first.Attributes.origin).toEqual(['sync']);
    expect(first.Attributes.subscription).toHaveLength(1);
    expect(first.Attributes.plan).toBeUndefined();
    const rejected = (await readText(result.rejectedKey!))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { reason: string; id?: string });
    expect(rejected).toHaveLength(result.rejected);
    expect(rejected[0]).toEqual({ source: 'exp/a/piece-1.gz', line: 11, reason: 'not valid JSON' });
    expect(rejected[1]).toEqual({ source: 'exp/a/piece-1.gz', line: 13, reason: 'an endpoint must be a JSON object' });
    expect(rejected[2]!.reason).toBe('Address is required for a new endpoint');
    expect(rejected[2]!.id).toMatch(/^ep-/);
  });

  test('bytes that are not text are rejected rows naming the field, never repaired', async () => {
    const good = exportedLines(3);
    const record = (address: string) =>
      JSON.stringify({ ...asExported(generateEndpoint(9), APP, 9), ChannelType: 'EMAIL', Address: address });
    const [before, after] = record('caf<bad>@x.org').split('<bad>');
    // Raw bytes of a JSON line: invalid UTF-8 inside Address, a NUL escape, a tab (allowed), a real U+FFFD (valid text).
    const lines = [
      Buffer.from(good[0]! + '\n'),
      Buffer.concat([Buffer.from(before!), Buffer.from([0xe9, 0xff]), Buffer.from(`${after!}\n`)]),
      Buffer.from(record('nul\u0000@x.org') + '\n'),
      Buffer.from(record('tab\tok@x.org') + '\n'),
      Buffer.from(record('repl\uFFFD@x.org') + '\n'),
      Buffer.from(good[1]! + '\n'),
    ];
    await s3.client.send(
      new PutObjectCommand({ Bucket: bucket, Key: 'exp/t/piece-2.gz', Body: gzipSync(Buffer.concat(lines)) }),
    );
    const result = await run(new MockActivityEnvironment(), input('exp/t/piece-2.gz', 'run/t/'));
    expect(result).toMatchObject({ read: 6, rejected: 2, written: 4 });
    const rejected = (await readText(result.rejectedKey!))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { line: number; reason: string });
    expect(rejected.map(({ line, reason }) => ({ line, reason }))).toEqual([
      { line: 2, reason: 'Address is not valid UTF-8 at byte 4' },
      { line: 3, reason: 'Address holds a control character (U+0000) at character 4' },
    ]);
    const written = await readText(result.parts[0]!.key);
    expect(written).not.toContain('caf\uFFFD');
    expect(written).toContain('repl\uFFFD@x.org');
    expect(written).toContain('tab\\tok@x.org');
  });

  test('splits the output into parts no larger than maxPartBytes, and a retry writes the same keys', async () => {
    await putPiece('exp/b/piece-7.gz', exportedLines(1500));
    const args = input('exp/b/piece-7.gz', 'run/b/', { pieceIndex: 7, maxPartBytes: 128 * 1024 });
    const first = await run(new MockActivityEnvironment(), args);
    expect(first.parts.length).toBeGreaterThan(3);
    for (const part of first.parts) {
      expect(part.size).toBeLessThanOrEqual(128 * 1024);
      const text = await readText(part.key);
      expect(Buffer.byteLength(text)).toBe(part.size);
      expect(text.trimEnd().split('\n')).toHaveLength(part.records);
    }
    expect(first.parts.reduce((n, p) => n + p.records, 0)).toBe(first.written);
    const again = await run(new MockActivityEnvironment(), args);
    expect(again).toEqual(first);
    expect((await s3.listKeys(bucket, 'run/b/parts/')).sort()).toEqual(first.parts.map((p) => p.key).sort());
  });

  test('a dry run counts and writes only the rejected rows', async () => {
    await putPiece('exp/c/piece.ndjson', exportedLines(1000), false);
    const result = await run(
      new MockActivityEnvironment(),
      input('exp/c/piece.ndjson', 'run/c/', { dryRun: true, transform: { keepChannelTypes: ['EMAIL'] } }),
    );
    const emails = Array.from({ length: 1000 }, (_, i) => generateEndpoint(i)).filter((e) => e.ChannelType === 'EMAIL');
    expect(result.written).toBe(emails.length);
    expect(result.filtered).toBe(1000 - emails.length);
    expect(result.parts).toEqual([]);
    expect(await s3.listKeys(bucket, 'run/c/parts/')).toEqual([]);
  });

  test('bad input fails without retry and names the fix', async () => {
    const env = new MockActivityEnvironment();
    await expect(
      run(env, input('exp/a/piece-1.gz', 'run/d/', { transform: { keepChannelTypes: ['FAX'] } })),
    ).rejects.toMatchObject({ nonRetryable: true, type: 'BadInput', message: expect.stringMatching(/"FAX"/) });
    await expect(run(env, input('exp/none.gz', 'run/d/'))).rejects.toMatchObject({
      nonRetryable: true,
      type: 'NotFound',
    });
    await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'exp/bad.gz', Body: 'plain text' }));
    const err: unknown = await run(env, input('exp/bad.gz', 'run/d/')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect((err as ApplicationFailure).message).toMatch(/not valid gzip/);
  });

  test('cancellation stops the transfer mid-stream', async () => {
    await putPiece('exp/e/big.gz', exportedLines(30_000));
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 10_000 });
    let beats = 0;
    env.on('heartbeat', () => {
      if (++beats === 1) setTimeout(() => env.cancel(), 30);
    });
    const err: unknown = await run(env, input('exp/e/big.gz', 'run/e/', { maxPartBytes: 1 << 20 })).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CancelledFailure);
  });
});
