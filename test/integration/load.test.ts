/**
 * The load benchmark (bench/load.ts) at CI size: twenty syncs of a few hundred endpoints each, started at the same
 * moment, run by two `audienceflow worker` processes on one task queue, one of them SIGKILLed mid-way. Every sync
 * completes with exact counts, one export job in its source and exactly its own import jobs in its target (no
 * duplicate from a retried activity); each worker printed its limits at start.
 */
import { startPipelineEnv } from './export-import-support';
import type { PipelineEnv } from './export-import-support';
import { stopProcesses } from './export-import-processes';
import { runLoad, seedSources, startWorkers } from './load-run';
import type { ChildWorker } from './export-import-processes';
import type { LoadSource } from './load-run';
import { say } from '../harness';
import { TRANSFER_MB, WORKER_BASE_MB } from '../../src/worker-limits';

const SYNCS = 20;
const ENDPOINTS = 300;
/** The smallest AUDIENCEFLOW_WORKER_MEMORY_MB: the worker's own memory and one transfer (src/worker-limits.ts). */
const SMALLEST_BUDGET_MB = WORKER_BASE_MB + TRANSFER_MB;
let env: PipelineEnv;
let sources: LoadSource[];
let workers: ChildWorker[];

beforeAll(async () => {
  env = await startPipelineEnv({ emulator: { pace: 'fast', exportPieceSize: 100 }, worker: false });
  // The workers bundle the workflow code while the sources are seeded.
  [sources, workers] = await Promise.all([
    seedSources(env, new Array<number>(SYNCS).fill(ENDPOINTS), 4),
    startWorkers(env, 2, { AUDIENCEFLOW_WORKER_MEMORY_MB: String(SMALLEST_BUDGET_MB) }),
  ]);
});

afterAll(async () => {
  await stopProcesses();
  await env?.stop();
});

test('twenty syncs at once on two worker processes, one killed mid-way: all complete, exact counts, no duplicate job', async () => {
  const r = await runLoad(env, sources, workers, {
    label: 'ci',
    killAt: 0.25,
    sync: { maxJobBytes: 64 * 1024, maxParallelTransfers: 2 },
    log: say,
  });
  say(JSON.stringify(r));
  expect(r.problems).toEqual([]);
  expect(r).toMatchObject({ syncs: SYNCS, completed: SYNCS, failed: 0 });
  // The kill hit running syncs, and the killed worker's activities were retried on the other one.
  expect(r.runningAtKill).toBeGreaterThan(0);
  expect(r.activityRetries).toBeGreaterThan(0);
  for (const line of r.limits) {
    expect(line).toContain(
      `memory budget ${SMALLEST_BUDGET_MB} MiB (AUDIENCEFLOW_WORKER_MEMORY_MB); 101 activity slots`,
    );
    expect(line).toContain('1 transfers at once, 0 processing threads');
  }
});
