/**
 * One variant of the transfer benchmark, in its own process so its peak memory (VmHWM) is its
 * own. Reads every object given, prints one JSON line: { variant, records, ms, baselineMb, peakMb }.
 *
 *   node --import tsx bench/transfer-variant.ts <transferPiece|transferPiece-1thread|transferPiece-nopool|transferPiece-inline|transferPiece-dry|bare|whole-object> <bucket> <key>...
 *   node --import tsx bench/transfer-variant.ts s3-ingest <bucket> <bytes> <endpoints>
 *     (the S3 server's ingest alone: `bytes` of NDJSON through the transfer's own part writer)
 *   (S3 from AWS_ENDPOINT_URL_S3, path style, dummy credentials)
 */
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, gunzipSync } from 'node:zlib';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { localS3Client } from '../src/stack/s3-server';
import type { TransferPieceInput, TransferPieceResult } from '../src/contracts/sync';

type Variant =
  | 'transferPiece'
  | 'transferPiece-1thread'
  | 'transferPiece-nopool'
  | 'transferPiece-inline'
  | 'transferPiece-dry'
  | 'bare'
  | 'whole-object'
  | 's3-ingest';

function statusMb(field: 'VmHWM' | 'VmRSS'): number {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
}

/**
 * (a) The practical limit: stream, gunzip, split lines, JSON.parse, JSON.stringify, output discarded.
 * Lines are split on the newline byte and decoded one by one, as transferPiece does (a line of ASCII
 * then stays a one-byte string, which V8 parses faster): the baseline gets every tuning the transfer has.
 */
async function bare(s3: S3Client, bucket: string, key: string): Promise<number> {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  // 64 KiB zlib chunks: this loop's best (1 MiB, transferPiece's setting, measured 79–85k/s here against 86–94k/s).
  const gunzip = createGunzip({ chunkSize: 64 * 1024 });
  const piping = pipeline(got.Body as Readable, gunzip);
  let carry: Buffer | undefined;
  let records = 0;
  let sink = 0;
  const handle = (data: Buffer, from: number, to: number) => {
    if (to > from) {
      sink += JSON.stringify(JSON.parse(data.toString('utf8', from, to))).length;
      records++;
    }
  };
  for await (const chunk of gunzip as AsyncIterable<Buffer>) {
    const data = carry ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    let nl = data.indexOf(10);
    while (nl !== -1) {
      handle(data, start, nl);
      start = nl + 1;
      nl = data.indexOf(10, start);
    }
    carry = start < data.length ? Buffer.from(data.subarray(start)) : undefined;
  }
  if (carry) handle(carry, 0, carry.length);
  await piping;
  if (sink < 0) throw new Error('unreachable');
  return records;
}

/** (b) The AWS SDK samples' way: the whole object in memory, gunzipSync, split, parse each line. */
async function wholeObject(s3: S3Client, bucket: string, key: string): Promise<number> {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const bytes = await got.Body!.transformToByteArray();
  const text = gunzipSync(bytes).toString('utf8');
  let records = 0;
  let sink = 0;
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    sink += JSON.stringify(JSON.parse(line)).length;
    records++;
  }
  if (sink < 0) throw new Error('unreachable');
  return records;
}

async function main(): Promise<void> {
  const [variant, bucket, ...keys] = process.argv.slice(2) as [Variant, string, ...string[]];
  // The activities' own S3 client (createS3Client), pointed at the local server.
  const s3 = localS3Client(process.env.AWS_ENDPOINT_URL_S3 ?? '');
  let run: (key: string, index: number) => Promise<number>;
  let bytesOut = 0;
  if (variant === 's3-ingest') {
    const [bytesArg, endpointsArg] = keys.splice(0, 2);
    keys.push('-');
    const { S3ObjectWriter } = await import('../src/engine/part-writer');
    run = async () => {
      const line = '{"Id":"ep-00000000","ChannelType":"EMAIL","Address":"someone@example.com"}'.padEnd(699, ' ');
      const writer = new S3ObjectWriter(s3, bucket, `bench/ingest/${process.pid}.json`);
      for (let left = Number(bytesArg); left > 0; left -= 700) {
        const wait = writer.writeLine(line, 699);
        if (wait) await wait;
      }
      await writer.end();
      bytesOut = writer.bytes;
      return Number(endpointsArg);
    };
  } else if (variant.startsWith('transferPiece')) {
    // Loaded only here, so the other variants do not carry the Temporal modules in their memory.
    const { MockActivityEnvironment } = await import('@temporalio/testing');
    const { createTransferActivities } = await import('../activities/transfer');
    const { transferThreads } = await import('../src/config');
    const { closeIdleLineThreads } = await import('../src/engine/line-threads');
    // -inline: everything on the activity's thread (no worker thread, as for a small piece).
    const { transferPiece } = createTransferActivities({
      s3,
      threadMinBytes: variant === 'transferPiece-inline' ? Number.MAX_SAFE_INTEGER : undefined,
      // -1thread: the whole piece in one worker thread, which also gunzips. Else AUDIENCEFLOW_TRANSFER_THREADS, as the
      // worker reads it (unset: two threads).
      transferThreads: variant === 'transferPiece-1thread' ? 1 : transferThreads(),
    });
    run = async (key, index) => {
      const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 10_000 });
      const r: TransferPieceResult = await env.run<[TransferPieceInput], TransferPieceResult, typeof transferPiece>(
        transferPiece,
        {
          source: { bucket, key },
          pieceIndex: index,
          output: { bucket, prefix: `bench/out/${process.pid}/` },
          maxPartBytes: 1024 ** 3,
          dryRun: variant === 'transferPiece-dry',
        },
      );
      bytesOut += r.bytesOut;
      // -nopool: every piece starts its own threads, as before the pool (the kept ones are stopped).
      if (variant === 'transferPiece-nopool') await closeIdleLineThreads();
      return r.read;
    };
  } else if (variant === 'bare') {
    run = (key) => bare(s3, bucket, key);
  } else if (variant === 'whole-object') {
    run = (key) => wholeObject(s3, bucket, key);
  } else {
    throw new Error(`unknown variant ${String(variant)}`);
  }
  const baselineMb = statusMb('VmRSS');
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  let records = 0;
  for (const [i, key] of keys.entries()) records += await run(key, i);
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(
    `${JSON.stringify({ variant, records, ms, cpuMs, bytesOut, baselineMb, peakMb: statusMb('VmHWM') })}\n`,
  );
  s3.destroy();
}

main().catch((err: unknown) => {
  process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
  process.exit(1);
});
