/**
 * What one worker PROCESS takes on at once, from its CPUs and its memory budget: activity slots (Temporal's
 * maxConcurrentActivityTaskExecutions), pieces or local files transferred at once, and processing threads. The
 * transfers and threads are process-wide budgets that every activity of the process borrows from
 * (src/engine/process-budget.ts), not a count per piece multiplied by --max-parallel-transfers.
 *
 * The memory figures are measured (bench/RESULTS.md, 2 vCPUs): an `audienceflow worker` holds 340–350 MB once it
 * polls (the sources loaded, the workflow code bundled; load benchmark); a processing thread adds 50–90 MB (its own
 * V8 heap); a piece in transfer adds about 100 MB on the activity's thread (sync transfer: eight 100,000-endpoint
 * pieces in a row, 385 MB peak from 142 MB at start, with two threads).
 */
import fs from 'node:fs';
import os from 'node:os';

const MIB = 1024 * 1024;
/** RSS of a worker process that polls (Temporal runtime and sources loaded, workflow code bundled), before any work. */
export const WORKER_BASE_MB = 350;
/** Peak memory one processing thread adds (its own V8 heap; measured 50–90 MB). */
const THREAD_MB = 90;
/** Peak memory one piece or file in transfer adds on the activity's thread (buffers, parts, heap growth). */
export const TRANSFER_MB = 100;
/** Of the machine's (or the cgroup's) memory, the share a worker budgets for by default: it shares the host. */
const DEFAULT_MEMORY_SHARE = 0.5;
/** Transfers at once per CPU: one parses while another waits for S3. */
const TRANSFERS_PER_CPU = 2;
/**
 * Activity slots for the light activities: a poll waiting for a job (one per running job, for its whole duration),
 * creating a job, listing, reports — a few requests each and next to no memory.
 */
export const LIGHT_ACTIVITY_SLOTS = 100;

export interface Machine {
  cpus: number;
  /** os.totalmem() in bytes. */
  totalMemory: number;
  /** The cgroup's memory limit in bytes, when there is one (containers). */
  cgroupLimit?: number;
  /** AUDIENCEFLOW_WORKER_MEMORY_MB: the worker's memory budget, set by the operator. */
  memoryOverrideMb?: number;
}

export interface WorkerLimits {
  cpus: number;
  /** The memory the limits are sized for, and where that number comes from. */
  memoryMb: number;
  memorySource: string;
  /** maxConcurrentActivityTaskExecutions: transfers plus LIGHT_ACTIVITY_SLOTS. */
  activitySlots: number;
  /** Processing threads of the whole process (0: every input is processed on its activity's thread). */
  threads: number;
  /** Pieces (sync) or local-file uploads (import) transferred at once by the whole process. */
  transfers: number;
}

/** The limits for `machine`: threads up to one per CPU in half the room, transfers in the rest (≤ 2 per CPU). */
export function workerLimits(machine: Machine): WorkerLimits {
  const cpus = Math.max(1, Math.floor(machine.cpus));
  const { memoryMb, memorySource } = memoryBudget(machine);
  const room = Math.max(0, memoryMb - WORKER_BASE_MB);
  const threads = Math.min(cpus, Math.floor(room / 2 / THREAD_MB));
  const transfers = Math.max(
    1,
    Math.min(TRANSFERS_PER_CPU * cpus, Math.floor((room - threads * THREAD_MB) / TRANSFER_MB)),
  );
  return { cpus, memoryMb, memorySource, activitySlots: transfers + LIGHT_ACTIVITY_SLOTS, threads, transfers };
}

function memoryBudget(machine: Machine): { memoryMb: number; memorySource: string } {
  if (machine.memoryOverrideMb !== undefined) {
    return { memoryMb: machine.memoryOverrideMb, memorySource: 'AUDIENCEFLOW_WORKER_MEMORY_MB' };
  }
  const totalMb = Math.floor(machine.totalMemory / MIB);
  const cgroupMb = machine.cgroupLimit === undefined ? undefined : Math.floor(machine.cgroupLimit / MIB);
  const limited = cgroupMb !== undefined && cgroupMb < totalMb;
  const ofMb = limited ? cgroupMb : totalMb;
  return {
    memoryMb: Math.floor(ofMb * DEFAULT_MEMORY_SHARE),
    memorySource: `half of ${ofMb} MiB ${limited ? 'cgroup limit' : 'machine memory'}`,
  };
}

/** The one line the worker prints at start. */
export function describeLimits(l: WorkerLimits): string {
  return (
    `audienceflow worker limits: ${l.cpus} CPU(s), memory budget ${l.memoryMb} MiB (${l.memorySource}); ` +
    `${l.activitySlots} activity slots, ${l.transfers} transfers at once, ${l.threads} processing threads ` +
    '(AUDIENCEFLOW_WORKER_MEMORY_MB to change)'
  );
}

/** The cgroup (v2, else v1) memory limit of this process, if it has one. */
export function cgroupMemoryLimit(
  read: (file: string) => string = (f) => fs.readFileSync(f, 'utf8'),
): number | undefined {
  for (const file of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    let text: string;
    try {
      text = read(file).trim();
    } catch {
      continue;
    }
    const n = Number(text);
    // "max" (v2) or a number near 2^63 (v1): no limit.
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  }
  return undefined;
}

/**
 * AUDIENCEFLOW_WORKER_MEMORY_MB: the worker's memory budget in MiB (at least WORKER_BASE_MB + TRANSFER_MB), instead of
 * half of the machine's or cgroup's memory.
 */
export function memoryOverrideMb(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env.AUDIENCEFLOW_WORKER_MEMORY_MB;
  if (raw === undefined || raw.trim() === '') return undefined;
  const n = Number(raw);
  const least = WORKER_BASE_MB + TRANSFER_MB;
  if (!Number.isSafeInteger(n) || n < least) {
    throw new Error(
      `AUDIENCEFLOW_WORKER_MEMORY_MB="${raw}" is not a whole number of MiB of at least ${least}; unset it to budget half of the machine's memory`,
    );
  }
  return n;
}

/** This process's machine: CPUs it may use, memory, cgroup limit, the operator's override. */
export function thisMachine(env: NodeJS.ProcessEnv = process.env): Machine {
  return {
    cpus: os.availableParallelism(),
    totalMemory: os.totalmem(),
    cgroupLimit: cgroupMemoryLimit(),
    memoryOverrideMb: memoryOverrideMb(env),
  };
}
