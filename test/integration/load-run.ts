/**
 * Load runs, shared by bench/load.ts and the CI-sized test (load.test.ts): N syncs started at the same moment on a
 * local stack, each from its own source application into a new target application, run by worker processes
 * (`audienceflow worker`, the real command) on one task queue, one of them optionally SIGKILLed mid-way. Measures the
 * wall time, each worker's peak RSS (VmHWM) and, from the runs' histories (children included), heartbeat timeouts,
 * activity retries and the longest schedule-to-start latency; checks every sync's counts and jobs exactly.
 */
import fs from 'node:fs';
import { DeleteAppCommand } from '@aws-sdk/client-pinpoint';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { SyncReport } from '../../src/contracts';
import { generateEndpoint } from '../../src/demo/generate-endpoints';
import { seedEndpoints } from '../../src/demo/seed-endpoints';
import { syncEndpoints } from '../../workflows';
import { spawnWorker } from './export-import-processes';
import type { ChildWorker } from './export-import-processes';
import { createApp, emulatorAdmin, sleep } from './export-import-support';
import type { PipelineEnv } from './export-import-support';
import { GEN, syncInput } from './sync-support';

export interface LoadSource {
  applicationId: string;
  endpoints: number;
  /** Endpoints the sync must import (the generator clears the Address of a few: rejected). */
  valid: number;
}

export interface LoadOptions {
  label: string;
  /** SIGKILL the last worker once this share of the syncs' import jobs exist (0.25: a quarter of the syncs got that far). */
  killAt?: number;
  /** Per-sync limits (e.g. maxJobBytes, maxParallelTransfers). */
  sync?: Parameters<typeof syncInput>[3];
  log?: (line: string) => void;
}

export interface LoadResult {
  label: string;
  syncs: number;
  endpoints: number;
  workers: number;
  completed: number;
  failed: number;
  /** What is wrong with any sync: status, counts, duplicate or missing jobs, endpoints in the target. Empty: all exact. */
  problems: string[];
  wallS: number;
  endpointsPerS: number;
  /** Each worker process's peak RSS (VmHWM: since it started, the workflow bundling at start included), MiB. */
  peakRssMb: number[];
  /** Each worker's RSS when the syncs started (after its start: sources loaded, workflow code bundled), MiB. */
  startRssMb: number[];
  /** Each worker's highest RSS (VmRSS, sampled every 250 ms) while the syncs ran, MiB. */
  runPeakRssMb: number[];
  heartbeatTimeouts: number;
  /** The heartbeat timeouts by activity type. */
  heartbeatTimeoutsBy: Record<string, number>;
  /** Activity attempts beyond the first, over all histories. */
  activityRetries: number;
  maxScheduleToStartMs: number;
  /** Syncs still running when the worker was killed. */
  runningAtKill?: number;
  /** The workers' start lines (their limits). */
  limits: string[];
}

/** `syncs` source applications of `endpoints` each (a range "a-b" spreads the sizes evenly), seeded `lanes` at once. */
export async function seedSources(
  env: PipelineEnv,
  sizes: number[],
  lanes = 4,
  log: (line: string) => void = () => undefined,
): Promise<LoadSource[]> {
  const out: LoadSource[] = new Array<LoadSource>(sizes.length);
  let next = 0;
  const lane = async () => {
    while (next < sizes.length) {
      const i = next++;
      const endpoints = sizes[i]!;
      const applicationId = await createApp(env.pinpoint, `load-source-${i}`);
      await seedEndpoints(env.pinpoint, applicationId, endpoints, GEN);
      let invalid = 0;
      for (let k = 0; k < endpoints; k++) if (generateEndpoint(k, GEN).Address === '') invalid++;
      out[i] = { applicationId, endpoints, valid: endpoints - invalid };
      log(`seeded source ${i + 1}/${sizes.length}: ${endpoints} endpoints`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, sizes.length) }, lane));
  return out;
}

/** A process's VmHWM (peak RSS) or VmRSS (now), MiB; 0 once it is gone. */
function rssMb(pid: number, field: 'VmHWM' | 'VmRSS' = 'VmHWM'): number {
  let status: string;
  try {
    status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return 0;
  }
  return Math.round(Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024);
}

/** Samples each process's RSS every 250 ms; the highest seen per pid. */
function rssSampler(pids: number[]): { stop(): Map<number, number> } {
  const high = new Map<number, number>(pids.map((p) => [p, 0]));
  const sample = () => {
    for (const p of pids) high.set(p, Math.max(high.get(p) ?? 0, rssMb(p, 'VmRSS')));
  };
  sample();
  const timer = setInterval(sample, 250);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return high;
    },
  };
}

/** `count` worker processes (`audienceflow worker`) on the env's task queue, started at once; resolves when all poll. */
export function startWorkers(
  env: PipelineEnv,
  count: number,
  extraEnv?: Record<string, string>,
): Promise<ChildWorker[]> {
  return Promise.all(Array.from({ length: count }, () => spawnWorker(env, extraEnv)));
}

/** Runs the syncs on `workers` (started by startWorkers), which are all killed at the end. */
export async function runLoad(
  env: PipelineEnv,
  sources: LoadSource[],
  workers: ChildWorker[],
  opts: LoadOptions,
): Promise<LoadResult> {
  const log = opts.log ?? (() => undefined);
  const admin = emulatorAdmin(env);
  const peak = new Map<number, number>();
  let sampler: ReturnType<typeof rssSampler> | undefined;
  try {
    const limits = workers.map((w) => /audienceflow worker limits: .*/.exec(w.output())?.[0] ?? '(no limits line)');
    const targets = await Promise.all(sources.map((_, i) => createApp(env.pinpoint, `load-target-${i}`)));
    const before = await admin.counts();
    const importJobsBefore = before.importJobs;
    const startRss = workers.map((w) => rssMb(w.pid, 'VmRSS'));
    sampler = rssSampler(workers.map((w) => w.pid));
    const started = Date.now();
    const handles = await Promise.all(
      sources.map((s, i) =>
        env.client.workflow.start(syncEndpoints, {
          taskQueue: env.taskQueue,
          workflowId: `load-${opts.label.replace(/\W+/g, '-')}-${i}-${started}`,
          args: [syncInput(env.bucket, s.applicationId, targets[i]!, opts.sync)],
        }),
      ),
    );
    let finished = 0;
    const outcomes = Promise.all(
      handles.map(async (h) => {
        try {
          return await h.result();
        } catch (err) {
          return err instanceof Error ? err : new Error(String(err));
        } finally {
          finished++;
        }
      }),
    );
    let runningAtKill: number | undefined;
    if (opts.killAt !== undefined && workers.length > 1) {
      const victim = workers[workers.length - 1]!;
      const threshold = Math.max(1, Math.ceil(sources.length * opts.killAt));
      while (finished < sources.length && (await admin.counts()).importJobs - importJobsBefore < threshold) {
        await sleep(100);
      }
      runningAtKill = sources.length - finished;
      peak.set(victim.pid, rssMb(victim.pid));
      await victim.kill();
      log(`${opts.label}: killed worker ${victim.pid} with ${runningAtKill} sync(s) running`);
    }
    const results = await outcomes;
    const wallMs = Date.now() - started;
    const runPeak = sampler.stop();
    for (const w of workers) if (!peak.has(w.pid)) peak.set(w.pid, rssMb(w.pid));
    const problems = await checkSyncs(env, sources, targets, before, results);
    // The emulator holds every endpoint in memory: drop the checked targets before the next run adds its own.
    await Promise.all(targets.map((id) => env.pinpoint.send(new DeleteAppCommand({ ApplicationId: id }))));
    const history = await historyStats(handles);
    const endpoints = sources.reduce((a, s) => a + s.endpoints, 0);
    return {
      label: opts.label,
      syncs: sources.length,
      endpoints,
      workers: workers.length,
      completed: results.filter((r) => !(r instanceof Error) && r.status === 'COMPLETED').length,
      failed: results.filter((r) => r instanceof Error).length,
      problems,
      wallS: wallMs / 1000,
      endpointsPerS: Math.round(endpoints / (wallMs / 1000)),
      peakRssMb: workers.map((w) => peak.get(w.pid) ?? 0),
      startRssMb: startRss,
      runPeakRssMb: workers.map((w) => runPeak.get(w.pid) ?? 0),
      ...history,
      runningAtKill,
      limits,
    };
  } finally {
    sampler?.stop();
    for (const w of workers) await w.kill();
  }
}

/** Every sync completed with exact counts, one export job per source and exactly its own import jobs per target. */
async function checkSyncs(
  env: PipelineEnv,
  sources: LoadSource[],
  targets: string[],
  before: Awaited<ReturnType<ReturnType<typeof emulatorAdmin>['counts']>>,
  results: (SyncReport | Error)[],
): Promise<string[]> {
  const after = await emulatorAdmin(env).counts();
  const problems: string[] = [];
  for (const [i, r] of results.entries()) {
    const s = sources[i]!;
    if (r instanceof Error) {
      problems.push(`sync ${i}: failed (${r.message})`);
      continue;
    }
    if (r.status !== 'COMPLETED') problems.push(`sync ${i}: ${r.status}`);
    const want = { exported: s.endpoints, rejected: s.endpoints - s.valid, processed: s.valid, failed: 0 };
    const got = {
      exported: r.counts.exported,
      rejected: r.counts.rejected,
      processed: r.counts.processed,
      failed: r.counts.failed,
    };
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      problems.push(`sync ${i}: counts ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    }
    const exports =
      (after.byApp[s.applicationId]?.jobs.export ?? 0) - (before.byApp[s.applicationId]?.jobs.export ?? 0);
    if (exports !== 1) problems.push(`sync ${i}: ${exports} export jobs in the source (expected 1)`);
    const target = after.byApp[targets[i]!];
    if ((target?.jobs.import ?? 0) !== r.importJobs.length || r.importJobs.length === 0) {
      problems.push(
        `sync ${i}: ${target?.jobs.import ?? 0} import jobs in the target, the report has ${r.importJobs.length}`,
      );
    }
    if ((target?.endpoints ?? 0) !== s.valid) {
      problems.push(`sync ${i}: ${target?.endpoints ?? 0} endpoints in the target (expected ${s.valid})`);
    }
  }
  return problems;
}

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];

const ms = (t: HistoryEvent['eventTime']) => (t ? Number(t.seconds) * 1000 + Math.round((t.nanos ?? 0) / 1e6) : NaN);

function isHeartbeatTimeout(failure: temporal.api.failure.v1.IFailure | null | undefined): boolean {
  const type = failure?.timeoutFailureInfo?.timeoutType;
  return type === temporal.api.enums.v1.TimeoutType.TIMEOUT_TYPE_HEARTBEAT;
}

/** Heartbeat timeouts, retries and the longest schedule-to-start over the runs' histories and their children's. */
async function historyStats(
  handles: WorkflowHandle[],
): Promise<Pick<LoadResult, 'heartbeatTimeouts' | 'heartbeatTimeoutsBy' | 'activityRetries' | 'maxScheduleToStartMs'>> {
  const stats = {
    heartbeatTimeouts: 0,
    heartbeatTimeoutsBy: {} as Record<string, number>,
    activityRetries: 0,
    maxScheduleToStartMs: 0,
  };
  const timedOut = (activity: string | undefined) => {
    stats.heartbeatTimeouts++;
    const name = activity ?? '?';
    stats.heartbeatTimeoutsBy[name] = (stats.heartbeatTimeoutsBy[name] ?? 0) + 1;
  };
  const queue = [...handles];
  for (let h = queue.shift(); h; h = queue.shift()) {
    const events = (await h.fetchHistory()).events ?? [];
    const scheduledAt = new Map<string, number>();
    const activityOf = new Map<string, string>();
    for (const e of events) {
      if (e.activityTaskScheduledEventAttributes) {
        scheduledAt.set(String(e.eventId), ms(e.eventTime));
        activityOf.set(String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
      }
      const startedAttrs = e.activityTaskStartedEventAttributes;
      if (startedAttrs) {
        const attempt = startedAttrs.attempt ?? 1;
        stats.activityRetries += Math.max(0, attempt - 1);
        // A retried activity's Started event carries the previous attempt's failure (earlier ones are not kept).
        if (isHeartbeatTimeout(startedAttrs.lastFailure))
          timedOut(activityOf.get(String(startedAttrs.scheduledEventId)));
        // Schedule-to-start of first attempts (a retry's start also holds the earlier attempts and the backoff).
        const wait = ms(e.eventTime) - (scheduledAt.get(String(startedAttrs.scheduledEventId)) ?? NaN);
        if (attempt === 1 && wait > stats.maxScheduleToStartMs) stats.maxScheduleToStartMs = wait;
      }
      const timedOutAttrs = e.activityTaskTimedOutEventAttributes;
      if (isHeartbeatTimeout(timedOutAttrs?.failure)) timedOut(activityOf.get(String(timedOutAttrs?.scheduledEventId)));
      const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (child?.workflowId) queue.push(h.client.getHandle(child.workflowId, child.runId ?? undefined));
    }
  }
  return stats;
}
