/**
 * Benchmark: many syncs at once (issue 15). N syncs, each from its own source application into a new target, are
 * started at the same moment on a local stack (Temporal dev server, SeaweedFS, the Pinpoint emulator in this process)
 * and run by `audienceflow worker` processes on one task queue: one worker, then two, then two with one SIGKILLed
 * once a quarter of the syncs have their import jobs. Each run reports: completed/failed syncs and any wrong count or
 * duplicate job (exact checks against the emulator), wall time, endpoints/s over the batch, each worker's peak RSS
 * (VmHWM), heartbeat timeouts and activity retries in the histories, the longest schedule-to-start latency.
 *
 *   NODE_OPTIONS=--max-old-space-size=12288 npx tsx bench/load.ts [--syncs 25] [--endpoints 10000-50000]
 *     [--large 3[:80000]] [--piece-endpoints 100000] [--max-parallel-transfers 4] [--pace instant] [--runs 1,2,2-kill]
 *
 * NODE_OPTIONS gives this process (which holds the emulator's endpoints in memory: 100 syncs of up to 50,000
 * endpoints need more than Node's default 4 GB heap) room; the workers start without it.
 *
 * --endpoints: per sync, one number or a range a-b (the sizes spread evenly over it). Prints a Markdown table and
 * writes bench/results/load-<N>.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_POLL_POLICY } from '../src/contracts';
import { say } from '../test/harness';
import { startPipelineEnv } from '../test/integration/export-import-support';
import { stopProcesses } from '../test/integration/export-import-processes';
import { runLoad, seedSources, startWorkers } from '../test/integration/load-run';
import type { LoadResult } from '../test/integration/load-run';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (process.argv[i + 1] ?? '');
}

function count(name: string, fallback: number): number {
  const raw = flag(name, String(fallback));
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} "${raw}" must be a positive whole number`);
  return n;
}

const LARGE_SYNC_ENDPOINTS = 80_000;

/** "20000" or "10000-50000": `syncs` sizes, spread evenly over the range. */
function sizes(syncs: number): number[] {
  const raw = flag('endpoints', '10000-50000');
  const m = /^(\d+)(?:-(\d+))?$/.exec(raw);
  if (!m) throw new Error(`--endpoints "${raw}" must be a number of endpoints or a range such as 10000-50000`);
  const lo = Number(m[1]);
  const hi = Number(m[2] ?? m[1]);
  if (lo < 1 || hi < lo) throw new Error(`--endpoints "${raw}": give a range low-high with 1 ≤ low ≤ high`);
  const spread = Array.from({ length: syncs }, (_, i) =>
    Math.round(syncs === 1 ? hi : lo + ((hi - lo) * i) / (syncs - 1)),
  );
  return withLargeSyncs(spread);
}

/**
 * `--large K[:E]`: the last K syncs export E endpoints instead (default 80,000: one piece of about 5 MiB gzipped, over
 * the 4 MiB from which a piece is parsed in the worker's processing threads; 50,000 endpoints make about 3.1 MiB).
 */
function withLargeSyncs(spread: number[]): number[] {
  const raw = flag('large', '0');
  const m = /^(\d+)(?::(\d+))?$/.exec(raw);
  if (!m)
    throw new Error(`--large "${raw}": give a number of syncs, optionally with their endpoints, e.g. 3 or 3:80000`);
  const k = Math.min(Number(m[1]), spread.length);
  const endpoints = Number(m[2] ?? LARGE_SYNC_ENDPOINTS);
  return spread.map((n, i) => (i >= spread.length - k ? endpoints : n));
}

interface RunSpec {
  label: string;
  workers: number;
  kill: boolean;
}

function runs(): RunSpec[] {
  return flag('runs', '1,2,2-kill')
    .split(',')
    .map((r) => {
      const m = /^(\d+)(-kill)?$/.exec(r.trim());
      if (!m || Number(m[1]) < 1 || (m[2] && Number(m[1]) < 2)) {
        throw new Error(`--runs "${r}": give worker counts such as 1,2,2-kill (a kill needs two workers or more)`);
      }
      return { label: r.trim(), workers: Number(m[1]), kill: Boolean(m[2]) };
    });
}

function pace(): 'instant' | 'fast' | 'realistic' {
  const p = flag('pace', 'instant');
  if (p !== 'instant' && p !== 'fast' && p !== 'realistic')
    throw new Error(`--pace "${p}": instant, fast or realistic`);
  return p;
}

/**
 * The product's poll policy (6 h max wait) polling at most every 2 s: the tests' 2-minute max wait is too short
 * once a hundred export jobs share the emulator, and a 30 s poll interval would only measure the polling.
 */
const BENCH_POLL = { ...DEFAULT_POLL_POLICY, maxIntervalMs: 2_000 };

function table(results: LoadResult[]): string {
  const rows = results.map((r) =>
    [
      r.label,
      r.workers,
      r.syncs,
      r.endpoints.toLocaleString('en-US'),
      `${r.completed}/${r.syncs}`,
      r.failed,
      r.problems.length,
      r.wallS.toFixed(1),
      r.endpointsPerS.toLocaleString('en-US'),
      r.startRssMb.join(' / '),
      r.runPeakRssMb.join(' / '),
      r.peakRssMb.join(' / '),
      `${r.heartbeatTimeouts}${
        r.heartbeatTimeouts
          ? ` (${Object.entries(r.heartbeatTimeoutsBy)
              .map(([a, n]) => `${a} ${n}`)
              .join(', ')})`
          : ''
      }`,
      r.activityRetries,
      (r.maxScheduleToStartMs / 1000).toFixed(2),
      r.runningAtKill ?? '',
    ].join(' | '),
  );
  return [
    '| run | workers | syncs | endpoints | completed | failed | wrong counts or duplicate jobs | wall s | endpoints/s | RSS at start, MiB per worker | peak RSS during the syncs, MiB | VmHWM (since start, bundling included) MiB | heartbeat timeouts | activity retries | longest schedule-to-start s | syncs running at the kill |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  const syncs = count('syncs', 25);
  const perSync = sizes(syncs);
  const pieceEndpoints = count('piece-endpoints', 100_000);
  const maxParallelTransfers = count('max-parallel-transfers', 4);
  const specs = runs();
  const env = await startPipelineEnv({ emulator: { pace: pace(), exportPieceSize: pieceEndpoints }, worker: false });
  const results: LoadResult[] = [];
  try {
    const seedStart = Date.now();
    const sources = await seedSources(env, perSync, 4, say);
    say(`seeded ${syncs} sources in ${((Date.now() - seedStart) / 1000).toFixed(0)} s`);
    for (const spec of specs) {
      // The bench's own heap limit (NODE_OPTIONS, for the emulator's in-memory endpoints) is not the workers'.
      const workers = await startWorkers(env, spec.workers, { NODE_OPTIONS: '' });
      const r = await runLoad(env, sources, workers, {
        label: spec.label,
        killAt: spec.kill ? 0.25 : undefined,
        sync: { maxParallelTransfers, poll: BENCH_POLL },
        log: say,
      });
      results.push(r);
      say(`${spec.label}: ${JSON.stringify({ ...r, limits: undefined })}`);
      for (const p of r.problems) say(`  problem: ${p}`);
    }
  } finally {
    await stopProcesses();
    await env.stop();
  }
  const limits = results[0]?.limits[0] ?? '';
  process.stdout.write(
    `\nnode ${process.version}, ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0]!.toFixed(1)} at the end; ` +
      `${syncs} syncs of ${Math.min(...perSync)}–${Math.max(...perSync)} endpoints, pieces of ${pieceEndpoints}, ` +
      `--max-parallel-transfers ${maxParallelTransfers}\n${limits}\n\n${table(results)}\n`,
  );
  const out = path.join(__dirname, 'results', `load-${syncs}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: os.availableParallelism(), syncs, perSync, pieceEndpoints, maxParallelTransfers, results }, null, 2)}\n`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`load benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
