/**
 * Benchmark of the sync's transfer (activities/transfer-piece.ts, transferPiece: parsing in two
 * worker threads at once, as for every piece of 4 MiB or more; in one worker thread, as with
 * AUDIENCEFLOW_TRANSFER_THREADS=1; and all on one thread, as for a small piece)
 * against, in the same run and over the same objects in the same S3 (SeaweedFS on this machine):
 *   (a) bare stream: gunzip → split lines → JSON.parse → JSON.stringify, output discarded —
 *       the practical limit of Node.js for this work;
 *   (b) whole object: the AWS SDK samples' approach (transformToByteArray, gunzipSync, split).
 * Each variant runs in its own process (peak memory = its VmHWM), on one exported piece of
 * N/4 endpoints and one of N endpoints, to show whether memory stays flat as the input grows.
 *
 * Then a sync on a local stack (Temporal dev server, the emulator, the same S3) whose export
 * job is held for two different durations: the history length of both runs is printed.
 *
 *   npx tsx bench/transfer.ts [--endpoints 1000000] [--repeat 2] [--hold 5,40]
 *
 * Writes bench/results/transfer.json.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { CreateAppCommand, GetExportJobsCommand } from '@aws-sdk/client-pinpoint';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Client } from '@aws-sdk/client-s3';
import { asExported, generateEndpoint } from '../src/demo/generate-endpoints';
import { adminHeaders } from '../src/emulator/admin-guard';
import { stopPid } from '../src/stack/processes';
import { ensureBucket, freeWeedPorts, localS3Client, startWeed } from '../src/stack/s3-server';
import { requireTool } from '../src/stack/tools';

const APP = '0123456789abcdef0123456789abcdef';
const VARIANTS = [
  'transferPiece',
  'transferPiece-1thread',
  'transferPiece-inline',
  'transferPiece-dry',
  's3-ingest',
  'bare',
  'whole-object',
  'transferPiece-nopool',
] as const;
type Variant = (typeof VARIANTS)[number];
/** Variants for one large piece at a time. */
const PIECE_VARIANTS = VARIANTS.filter((v) => v !== 'transferPiece-nopool');
/** Variants for a series of pieces in one process, as a worker transfers a sync's pieces. */
const SERIES_VARIANTS: readonly Variant[] = ['transferPiece', 'transferPiece-nopool', 'bare'];
const SERIES_PIECES = 8;
const LABELS: Record<Variant, string> = {
  transferPiece: 'transferPiece (sync transfer: two worker threads)',
  'transferPiece-1thread': 'transferPiece, one worker thread (AUDIENCEFLOW_TRANSFER_THREADS=1)',
  'transferPiece-nopool': 'transferPiece, threads started for every piece (no pool)',
  'transferPiece-inline': 'transferPiece, one thread (as for a small piece)',
  'transferPiece-dry': 'transferPiece, dry run (no upload)',
  's3-ingest': 'S3 ingest alone (same bytes out)',
  bare: '(a) bare stream',
  'whole-object': '(b) whole object (SDK samples)',
};

interface Measured {
  variant: Variant;
  endpoints: number;
  /** Pieces read one after another in one process (the endpoints are their sum). */
  pieces?: number;
  records?: number;
  ms?: number;
  perSecond?: number;
  baselineMb?: number;
  peakMb?: number;
  cpuMs?: number;
  bytesOut?: number;
  error?: string;
  /** Each round's rate over the bare stream's in the same round (the rounds are interleaved). */
  roundRatios?: number[];
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const say = (line = '') => process.stdout.write(`${line}\n`);
const n = (v: number) => Math.round(v).toLocaleString('en-US');

/** One exported piece of `count` endpoints: gzipped NDJSON of EndpointResponse, as an export writes it. */
async function uploadPiece(s3: S3Client, bucket: string, key: string, count: number): Promise<number> {
  function* lines(): Generator<string> {
    let batch: string[] = [];
    for (let i = 0; i < count; i++) {
      batch.push(JSON.stringify(asExported(generateEndpoint(i), APP, i)));
      if (batch.length === 2_000) {
        yield `${batch.join('\n')}\n`;
        batch = [];
      }
    }
    if (batch.length > 0) yield `${batch.join('\n')}\n`;
  }
  const gzip = zlib.createGzip({ level: 6 });
  const body = Readable.from(lines()).pipe(gzip);
  await new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: body }, partSize: 16 * 1024 ** 2 }).done();
  return count;
}

function runVariant(variant: Variant, bucket: string, args: string[], endpoints: number, env: NodeJS.ProcessEnv) {
  return new Promise<Measured>((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(__dirname, 'transfer-variant.ts'), variant, bucket, ...args],
      {
        env,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code, signal) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        const r = JSON.parse(line) as Omit<Measured, 'variant' | 'endpoints'>;
        if (r.error) return resolve({ variant, endpoints, error: r.error });
        resolve({ variant, endpoints, ...r, perSecond: (r.records ?? 0) / ((r.ms ?? 1) / 1000) });
      } catch {
        resolve({ variant, endpoints, error: `exited ${code ?? signal}` });
      }
    });
  });
}

async function historyLengths(
  s3Endpoint: string,
  bucket: string,
  holds: number[],
): Promise<{ holdS: number; events: number; totalMs: number }[]> {
  // Loaded here: the first part needs none of it.
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const { DefaultLogger, Runtime, bundleWorkflowCode } = await import('@temporalio/worker');
  const { SA_APPLICATION_ID, SA_JOB_ID, SA_PIPELINE, SA_PROVIDER, SA_STATUS } = await import('../src/contracts');
  const { startEmulator } = await import('../src/emulator');
  const { activityDepsFromEnv, createWorker, WORKFLOWS_PATH } = await import('../src/worker');
  const { seedEndpoints } = await import('../src/demo/seed-endpoints');
  const { syncEndpoints } = await import('../workflows');
  Runtime.install({ logger: new DefaultLogger('WARN') });

  const emulator = await startEmulator({
    s3: {
      endpoint: s3Endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    },
    pace: 'fast',
  });
  Object.assign(process.env, { AWS_ENDPOINT_URL_PINPOINT: emulator.url, AUDIENCEFLOW_NO_STACK_ENV: '1' });
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      ip: '127.0.0.1',
      executable: { type: 'existing-path', path: requireTool('temporal') },
      searchAttributes: [SA_PIPELINE, SA_PROVIDER, SA_APPLICATION_ID, SA_JOB_ID, SA_STATUS],
    },
  });
  const deps = activityDepsFromEnv();
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
  const worker = await createWorker({
    connection: env.nativeConnection,
    taskQueue: 'bench-sync',
    deps,
    workflowBundle,
  });
  const running = worker.run();
  const admin = (p: string, body?: unknown) =>
    fetch(`${emulator.url}/_emulator/${p}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...adminHeaders(emulator.adminToken) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const out: { holdS: number; events: number; totalMs: number }[] = [];
  try {
    const source = (
      await deps.pinpoint.send(new CreateAppCommand({ CreateApplicationRequest: { Name: 'bench-source' } }))
    ).ApplicationResponse!.Id!;
    await seedEndpoints(deps.pinpoint, source, 2_000);
    for (const holdS of holds) {
      const target = (
        await deps.pinpoint.send(new CreateAppCommand({ CreateApplicationRequest: { Name: `bench-target-${holdS}` } }))
      ).ApplicationResponse!.Id!;
      await admin('faults', { stallNextJobs: 1, jobKind: 'EXPORT' });
      const before =
        (await deps.pinpoint.send(new GetExportJobsCommand({ ApplicationId: source }))).ExportJobsResponse?.Item
          ?.length ?? 0;
      const handle = await env.client.workflow.start(syncEndpoints, {
        taskQueue: 'bench-sync',
        workflowId: `bench-history-${holdS}s-${Date.now()}`,
        args: [
          {
            provider: 'pinpoint',
            sourceApplicationId: source,
            targetApplicationId: target,
            s3Url: `s3://${bucket}/bench-sync/`,
            roleArn: 'arn:aws:iam::123456789012:role/audienceflow',
            poll: { initialIntervalMs: 500, maxIntervalMs: 1_000 },
          },
        ],
      });
      let jobId: string | undefined;
      while (!jobId) {
        await new Promise((r) => setTimeout(r, 200));
        const items =
          (await deps.pinpoint.send(new GetExportJobsCommand({ ApplicationId: source }))).ExportJobsResponse?.Item ??
          [];
        if (items.length > before)
          jobId = items.find((j) => j.JobStatus === 'PROCESSING' || j.JobStatus === 'CREATED')?.Id ?? items[0]?.Id;
      }
      await new Promise((r) => setTimeout(r, holdS * 1000));
      await admin(`jobs/${jobId}/release`);
      const report = (await handle.result()) as { status: string; durationsMs: { total?: number } };
      if (report.status !== 'COMPLETED') throw new Error(`bench sync ended ${report.status}`);
      const events = (await handle.describe()).historyLength;
      out.push({ holdS, events, totalMs: report.durationsMs.total ?? 0 });
    }
  } finally {
    worker.shutdown();
    await running.catch(() => undefined);
    await env.teardown();
    await emulator.close();
  }
  return out;
}

async function main(): Promise<void> {
  const large = Number(arg('endpoints', '1000000'));
  if (!Number.isInteger(large) || large < 1000) throw new Error('--endpoints must be a whole number ≥ 1000');
  const small = Math.round(large / 4);
  const repeat = Number(arg('repeat', '2'));
  const holdArg = arg('hold', '5,40');
  const holds = (holdArg === 'none' ? '' : holdArg)
    .split(',')
    .filter((s) => s !== '')
    .map((s) => Number(s));

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'af-bench-transfer-'));
  const weedPorts = await freeWeedPorts();
  const weed = await startWeed({
    binary: requireTool('weed'),
    dataDir: dir,
    ports: weedPorts,
    logFile: path.join(dir, 'weed.log'),
  });
  const s3 = localS3Client(weed.endpoint, 'us-east-1');
  const bucket = 'bench-transfer';
  const childEnv = {
    ...process.env,
    AWS_ENDPOINT_URL_S3: weed.endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  Object.assign(process.env, childEnv);
  const results: Measured[] = [];
  let history: { holdS: number; events: number; totalMs: number }[] = [];
  try {
    await ensureBucket(s3, bucket);
    say(`node ${process.version}, ${os.cpus().length} CPU(s), SeaweedFS S3 at ${weed.endpoint}`);
    const series = Math.round(large / 10);
    const datasets: { count: number; key: string; pieces: number; variants: readonly Variant[] }[] = [
      { count: small, key: `bench/input/piece-${small}.json.gz`, pieces: 1, variants: PIECE_VARIANTS },
      { count: large, key: `bench/input/piece-${large}.json.gz`, pieces: 1, variants: PIECE_VARIANTS },
      { count: series, key: `bench/input/piece-${series}.json.gz`, pieces: SERIES_PIECES, variants: SERIES_VARIANTS },
    ];
    for (const { count, key } of datasets) {
      const t0 = performance.now();
      await uploadPiece(s3, bucket, key, count);
      say(
        `uploaded one exported piece of ${n(count)} endpoints (${key}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    }
    // Interleaved repeats, best time kept: other load on the machine hits every variant alike.
    for (const { count: perPiece, key, pieces, variants } of datasets) {
      const count = perPiece * pieces;
      const best = new Map<Variant, Measured>();
      const ratios = new Map<Variant, number[]>();
      for (let rep = 0; rep < repeat; rep++) {
        const round = new Map<Variant, Measured>();
        for (const variant of variants) {
          const out = best.get('transferPiece')?.bytesOut ?? 0;
          if (variant === 's3-ingest' && out === 0) continue;
          const args = variant === 's3-ingest' ? [String(out), String(count)] : Array<string>(pieces).fill(key);
          const r = { ...(await runVariant(variant, bucket, args, count, childEnv)), pieces };
          round.set(variant, r);
          say(
            `  ${variant.padEnd(21)} ${(pieces > 1 ? `${pieces} × ${n(perPiece)}` : n(count)).padStart(11)} endpoints: ${r.error ? `failed: ${r.error}` : `${n(r.perSecond ?? 0)}/s, peak ${n(r.peakMb ?? 0)} MB`}`,
          );
          const prev = best.get(variant);
          if (!prev || prev.error || (!r.error && (r.ms ?? Infinity) < (prev.ms ?? Infinity))) {
            best.set(variant, { ...r, peakMb: Math.max(r.peakMb ?? 0, prev?.peakMb ?? 0) });
          } else if (!r.error) {
            prev.peakMb = Math.max(prev.peakMb ?? 0, r.peakMb ?? 0);
          }
        }
        const bareRate = round.get('bare')?.perSecond;
        for (const [variant, r] of round) {
          if (bareRate && r.perSecond && !r.error)
            ratios.set(variant, [...(ratios.get(variant) ?? []), r.perSecond / bareRate]);
        }
      }
      results.push(
        ...variants.flatMap((v) => (best.has(v) ? [{ ...best.get(v)!, roundRatios: ratios.get(v) ?? [] }] : [])),
      );
    }
    if (holds.length > 0 && holds.every((h) => Number.isFinite(h) && h >= 0)) {
      say(`sync history length with the export job held ${holds.join(' s and ')} s …`);
      history = await historyLengths(weed.endpoint, bucket, holds);
    }
  } finally {
    s3.destroy();
    await stopPid(weed.child.pid ?? 0, 5_000);
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const bareOf = (count: number) => results.find((r) => r.variant === 'bare' && r.endpoints === count);
  say('');
  // Best against best, and round by round (each variant against the bare stream of its own round: the machine's speed
  // drifts between rounds, less within one).
  say(
    '| variant | endpoints | endpoints/s (best) | vs (a), best vs best | vs (a), per round: median (range) | CPU s | peak RSS (VmHWM) | RSS at start |',
  );
  say('|---|---:|---:|---:|---:|---:|---:|---:|');
  const perRound = (ratios: number[] = []) => {
    if (ratios.length === 0) return '-';
    const sorted = [...ratios].sort((x, y) => x - y);
    const mid = sorted.length / 2;
    const median = sorted.length % 2 ? sorted[Math.floor(mid)]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
    return `${median.toFixed(2)} (${sorted[0]!.toFixed(2)}–${sorted[sorted.length - 1]!.toFixed(2)})`;
  };
  for (const r of results) {
    const base = bareOf(r.endpoints)?.perSecond;
    const label = LABELS[r.variant];
    const endpoints = (r.pieces ?? 1) > 1 ? `${r.pieces} × ${n(r.endpoints / r.pieces!)}` : n(r.endpoints);
    say(
      r.error
        ? `| ${label} | ${endpoints} | failed: ${r.error} | | | | | |`
        : `| ${label} | ${endpoints} | ${n(r.perSecond ?? 0)} | ${base ? ((r.perSecond ?? 0) / base).toFixed(2) : '-'} | ${perRound(r.roundRatios)} | ${((r.cpuMs ?? 0) / 1000).toFixed(1)} | ${n(r.peakMb ?? 0)} MB | ${n(r.baselineMb ?? 0)} MB |`,
    );
  }
  const tp = (count: number) => results.find((r) => r.variant === 'transferPiece' && r.endpoints === count);
  const growth = (tp(large)?.peakMb ?? 0) / (tp(small)?.peakMb ?? 1);
  say('');
  say(`transferPiece peak memory, ${n(large)} vs ${n(small)} endpoints: ×${growth.toFixed(2)} (flat ≈ 1)`);
  if (history.length > 0) {
    say('');
    say('| export job held | sync duration | history events |');
    say('|---:|---:|---:|');
    for (const h of history) say(`| ${h.holdS} s | ${(h.totalMs / 1000).toFixed(1)} s | ${h.events} |`);
  }
  fs.mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  fs.writeFileSync(
    path.join(__dirname, 'results', 'transfer.json'),
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, results, history }, null, 2)}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
