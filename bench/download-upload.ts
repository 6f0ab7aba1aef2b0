/**
 * Benchmark: one large export piece (gzipped NDJSON of endpoints, default 1 GiB) streamed
 *   - through our download activity (activities/storage downloadObjects: GetObject → temp file → rename, heartbeats),
 *   - through our upload activity (activities/storage uploadLocalFiles: gunzip, parse + validate every record,
 *     multipart upload of the valid rows), parsing in two worker threads at once (our-upload, the default) and on the
 *     activity's thread alone (our-upload-inline: AUDIENCEFLOW_THREAD_MIN_BYTES above the file's size, the default
 *     before the upload used threads),
 * beside the plain baselines in the same run: S3 GetObject → file, and file → S3 (lib-storage Upload, no parsing),
 * and the parse ceiling: read + gunzip + split lines + JSON.parse of the same file, nothing else — no import path
 * that looks at every record (the rejected-rows report needs that) can be faster on one thread.
 * Each variant runs in its own child process so its peak RSS is its own. Real S3 (SeaweedFS), real activity code
 * (MockActivityEnvironment supplies the activity Context only).
 *
 *   npx tsx bench/download-upload.ts [--size-mb 1024] [--rounds 1] [--cpu-prof]
 *
 * Every row is also stated against the parse ceiling. --cpu-prof: our-upload runs under `node --cpu-prof` (one
 * profile per thread in bench/results/cpu-prof/). Prints a table and writes bench/results/download-upload.json.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { DownloadInput, DownloadResult, UploadEndpointsResult, UploadInput } from '../activities';
import { asExported, generateEndpoint } from '../src/demo/generate-endpoints';
import { localS3Client } from '../src/stack/s3-server';
import { startS3 } from '../test/harness/s3';

type Variant =
  'plain-download' | 'our-download' | 'plain-upload' | 'parse-ceiling' | 'our-upload' | 'our-upload-inline';
const VARIANTS: Variant[] = [
  'plain-download',
  'our-download',
  'plain-upload',
  'parse-ceiling',
  'our-upload',
  'our-upload-inline',
];
/** AUDIENCEFLOW_THREAD_MIN_BYTES per variant: our-upload-inline keeps every line on the activity's thread. */
const THREAD_MIN_BYTES: Partial<Record<Variant, string>> = { 'our-upload-inline': String(Number.MAX_SAFE_INTEGER) };
const CPU_PROF_DIR = path.join(__dirname, 'results', 'cpu-prof');

interface ChildArgs {
  variant: Variant;
  endpoint: string;
  bucket: string;
  key: string;
  dir: string;
  file: string;
}

interface Measured {
  variant: Variant;
  bytes: number;
  ms: number;
  peakRssMb: number;
  /** RSS after loading the modules, before moving any byte. */
  baselineRssMb: number;
  records?: number;
}

const APP = '0123456789abcdef0123456789abcdef';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number`);
  return v;
}

/** The activities' own S3 client (createS3Client), pointed at the local server. */
function s3Client(endpoint: string): S3Client {
  return localS3Client(endpoint);
}

/**
 * Writes an export piece of about `sizeBytes` (compressed) to S3: exported endpoints with a random push-token-like
 * attribute each, so the data does not compress unrealistically well.
 */
async function writePiece(s3: S3Client, bucket: string, key: string, sizeBytes: number): Promise<number> {
  const gzip = createGzip({ level: 1 });
  const body = new PassThrough();
  const upload = new Upload({
    client: s3,
    params: { Bucket: bucket, Key: key, Body: body },
    partSize: 16 * 1024 * 1024,
  });
  const done = upload.done();
  const piping = pipeline(gzip, body);
  const pool = randomBytes(1 << 20).toString('base64');
  // 4096 realistic endpoints as templates; every record gets its own Id and a random device token attribute.
  const templates = Array.from({ length: 4096 }, (_, t) => {
    const { Id: _id, Attributes, ...rest } = asExported(generateEndpoint(t, { invalidEvery: 0 }), APP, t);
    const attrs = JSON.stringify(Attributes ?? {}).slice(0, -1);
    return { attrs: attrs.length > 1 ? `${attrs},` : attrs, rest: JSON.stringify(rest).slice(1) };
  });
  let compressed = 0;
  gzip.on('data', (c: Buffer) => (compressed += c.length));
  let i = 0;
  while (compressed < sizeBytes) {
    let chunk = '';
    for (let n = 0; n < 1000; n++, i++) {
      const t = templates[i % templates.length]!;
      const at = (i * 97) % (pool.length - 100);
      chunk += `{"Id":"ep-${i}","Attributes":${t.attrs}"deviceToken":["${pool.slice(at, at + 96)}"]},${t.rest}\n`;
    }
    if (!gzip.write(chunk)) await new Promise((r) => gzip.once('drain', r));
  }
  gzip.end();
  await piping;
  await done;
  return i;
}

/** The real activity code with a test Context (heartbeats go nowhere); loaded only by the variants that use it. */
async function activityRunner(s3: S3Client) {
  const [{ MockActivityEnvironment }, { createActivities }, { PinpointClient }, config] = await Promise.all([
    import('@temporalio/testing'),
    import('../activities'),
    import('@aws-sdk/client-pinpoint'),
    import('../src/config'),
  ]);
  const activities = createActivities({
    s3,
    pinpoint: new PinpointClient({ region: 'us-east-1' }),
    region: 'us-east-1',
    threadMinBytes: config.threadMinBytes(), // AUDIENCEFLOW_THREAD_MIN_BYTES, as the worker reads it
    transferThreads: config.transferThreads(), // AUDIENCEFLOW_TRANSFER_THREADS
  });
  return { activities, env: new MockActivityEnvironment() };
}

async function runChild(a: ChildArgs): Promise<Measured> {
  const s3 = s3Client(a.endpoint);
  const ours = a.variant.startsWith('our-') ? await activityRunner(s3) : undefined;
  const baselineRssMb = process.memoryUsage().rss / 1024 / 1024;
  const started = Date.now();
  let bytes = 0;
  let records: number | undefined;
  switch (a.variant) {
    case 'plain-download': {
      const out = await s3.send(new GetObjectCommand({ Bucket: a.bucket, Key: a.key }));
      await pipeline(out.Body as Readable, fs.createWriteStream(path.join(a.dir, 'plain.gz')));
      bytes = fs.statSync(path.join(a.dir, 'plain.gz')).size;
      break;
    }
    case 'our-download': {
      const { activities, env } = ours!;
      const head = await s3.send(new GetObjectCommand({ Bucket: a.bucket, Key: a.key, Range: 'bytes=0-0' }));
      const size = Number(head.ContentRange?.split('/')[1]);
      head.Body?.transformToByteArray().catch(() => undefined);
      const r = await env.run<[DownloadInput], DownloadResult, (i: DownloadInput) => Promise<DownloadResult>>(
        (i) => activities.downloadObjects(i),
        {
          bucket: a.bucket,
          prefix: '',
          objects: [{ key: a.key, size }],
          dir: a.dir,
        },
      );
      bytes = r.bytes;
      break;
    }
    case 'plain-upload': {
      const up = new Upload({
        client: s3,
        params: { Bucket: a.bucket, Key: 'bench/plain-upload.gz', Body: fs.createReadStream(a.file) },
      });
      await up.done();
      bytes = fs.statSync(a.file).size;
      break;
    }
    case 'parse-ceiling': {
      // What any per-record import path must at least do: read, gunzip, split lines, JSON.parse each one.
      let carry: Buffer | undefined;
      let sink = 0;
      for await (const chunk of fs.createReadStream(a.file).pipe(createGunzip({ chunkSize: 64 * 1024 }))) {
        const data = carry ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
        let start = 0;
        for (let nl = data.indexOf(10); nl !== -1; start = nl + 1, nl = data.indexOf(10, start)) {
          sink += Object.keys(JSON.parse(data.toString('utf8', start, nl)) as object).length;
        }
        carry = start < data.length ? Buffer.from(data.subarray(start)) : undefined;
      }
      if (sink < 0) throw new Error('unreachable');
      bytes = fs.statSync(a.file).size;
      break;
    }
    case 'our-upload':
    case 'our-upload-inline': {
      const { activities, env } = ours!;
      const r = await env.run<[UploadInput], UploadEndpointsResult, (i: UploadInput) => Promise<UploadEndpointsResult>>(
        (i) => activities.uploadLocalFiles(i),
        {
          paths: [a.file],
          format: 'JSON',
          bucket: a.bucket,
          prefix: 'bench/our-upload/',
          maxJobBytes: 1024 ** 3,
        },
      );
      bytes = r.inputBytes;
      records = r.uploaded + r.rejected;
      // Stop the idle threads now (not at exit), so that each writes its --cpu-prof profile.
      await (await import('../src/engine/line-threads')).closeIdleLineThreads();
      break;
    }
  }
  const ms = Date.now() - started;
  s3.destroy();
  return { variant: a.variant, bytes, ms, records, baselineRssMb, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

function spawnVariant(a: ChildArgs, cpuProf: boolean): Promise<Measured> {
  const tsx = require.resolve('tsx/cli');
  // Profiled: node itself runs the file (tsx as a loader), so the flag reaches this process and its worker threads.
  const args =
    cpuProf && a.variant === 'our-upload'
      ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR, '--import', 'tsx', __filename]
      : [tsx, __filename];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args, '--child', JSON.stringify(a)], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        ...process.env,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        AUDIENCEFLOW_THREAD_MIN_BYTES: THREAD_MIN_BYTES[a.variant] ?? '',
      },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('exit', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) resolve(JSON.parse(line) as Measured);
      else reject(new Error(`${a.variant} exited ${code}: ${out.slice(-2000)}`));
    });
  });
}

const mbps = (m: Measured) => m.bytes / 1024 / 1024 / (m.ms / 1000);

async function main(): Promise<void> {
  const childIdx = process.argv.indexOf('--child');
  if (childIdx >= 0) {
    process.stdout.write(`${JSON.stringify(await runChild(JSON.parse(process.argv[childIdx + 1]!) as ChildArgs))}\n`);
    return;
  }
  const sizeMb = arg('size-mb', 1024);
  const rounds = arg('rounds', 1);
  const cpuProf = process.argv.includes('--cpu-prof');
  process.env.AUDIENCEFLOW_QUIET_HARNESS ??= '0';
  const s3 = await startS3();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'af-bench-'));
  try {
    const bucket = await s3.newBucket('bench');
    const key = 'exports/piece-00000.json.gz';
    process.stderr.write(`writing a ${sizeMb} MiB export piece to S3…\n`);
    const t0 = Date.now();
    const endpoints = await writePiece(s3.client, bucket, key, sizeMb * 1024 * 1024);
    process.stderr.write(`  ${endpoints} endpoints in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);

    const results: Measured[] = [];
    const file = path.join(dir, 'piece.gz');
    for (let r = 0; r < rounds; r++) {
      for (const variant of VARIANTS) {
        const sub = path.join(dir, `${variant}-${r}`);
        fs.mkdirSync(sub, { recursive: true });
        // Uploads read the piece our download wrote (round 0) — the real export → import path.
        const m = await spawnVariant({ variant, endpoint: s3.endpoint, bucket, key, dir: sub, file }, cpuProf);
        if (variant === 'our-download' && !fs.existsSync(file)) fs.renameSync(path.join(sub, key), file);
        else if (variant === 'plain-download' || variant === 'our-download')
          fs.rmSync(sub, { recursive: true, force: true });
        process.stderr.write(
          `  ${variant}: ${(m.ms / 1000).toFixed(1)} s, ${mbps(m).toFixed(0)} MiB/s, peak RSS ${m.peakRssMb.toFixed(0)} MiB (baseline ${m.baselineRssMb.toFixed(0)})\n`,
        );
        results.push(m);
      }
    }
    const best = (v: Variant) =>
      results.filter((m) => m.variant === v).sort((a, b) => b.bytes / b.ms - a.bytes / a.ms)[0]!;
    const plain = best('plain-download');
    const ceiling = best('parse-ceiling');
    const rows = VARIANTS.map((v) => {
      const m = best(v);
      return {
        variant: v,
        MiB: (m.bytes / 1024 / 1024).toFixed(0),
        seconds: (m.ms / 1000).toFixed(1),
        'MiB/s': mbps(m).toFixed(1),
        'vs parse ceiling': (mbps(m) / mbps(ceiling)).toFixed(2),
        'vs plain GetObject→file': (mbps(m) / mbps(plain)).toFixed(2),
        'peak RSS MiB': m.peakRssMb.toFixed(0),
        'RSS before work MiB': m.baselineRssMb.toFixed(0),
        records: m.records ?? '',
      };
    });
    console.table(rows);
    fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
    fs.writeFileSync(
      path.join(__dirname, 'results', 'download-upload.json'),
      JSON.stringify(
        { sizeMb, rounds, endpoints, cpus: os.cpus().length, node: process.version, results, rows },
        null,
        2,
      ),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await s3.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
