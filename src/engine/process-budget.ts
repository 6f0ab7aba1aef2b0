/**
 * The worker process's budgets (src/worker-limits.ts): processing threads and transfers at once, shared by every
 * activity of the process. A piece borrows threads from what is free right now (none free: it is processed on its
 * activity's thread) and gives them back when its runner closes, also after a failure; a transfer waits for a free
 * transfer slot, heartbeating.
 */
import { thisMachine, workerLimits } from '../worker-limits';
import type { WorkerLimits } from '../worker-limits';

/** How often a transfer waiting for a slot calls its `onWait` (heartbeats). */
const WAIT_BEAT_MS = 1_000;

/** A counting semaphore of `size` units. */
export class Budget {
  private used = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly size: number) {
    if (!Number.isSafeInteger(size) || size < 0) throw new Error(`a budget of ${size} units: use a whole number ≥ 0`);
  }

  get free(): number {
    return this.size - this.used;
  }

  /** Takes as many of `wanted` units as are free now — possibly 0, never more than free. */
  takeUpTo(wanted: number): number {
    const n = Math.max(0, Math.min(Math.floor(wanted), this.free));
    this.used += n;
    return n;
  }

  /**
   * Takes one unit, waiting (first come, first served) until one is free; `onWait` runs every second meanwhile.
   * Rejects with the signal's reason when `signal` aborts first (nothing taken then).
   */
  async takeOne(signal?: AbortSignal, onWait: () => void = () => undefined): Promise<void> {
    if (signal?.aborted) throw signal.reason; // an Error from Temporal's cancellation
    if (this.waiters.length === 0 && this.takeUpTo(1) === 1) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(onWait, WAIT_BEAT_MS);
      const done = () => {
        clearInterval(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const grant = () => {
        done();
        resolve();
      };
      const onAbort = () => {
        done();
        this.waiters.splice(this.waiters.indexOf(grant), 1);
        const reason: unknown = signal?.reason;
        reject(reason instanceof Error ? reason : new Error(String(reason)));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(grant);
    });
  }

  /** Gives back `n` units taken before; a waiter gets each one first. */
  give(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.used) {
      throw new Error(`giving back ${n} units of a budget with ${this.used} taken: a unit was given back twice`);
    }
    this.used -= n;
    while (this.waiters.length > 0 && this.takeUpTo(1) === 1) this.waiters.shift()!();
  }
}

export interface ProcessBudget {
  limits: WorkerLimits;
  /** Processing threads, lent to large pieces and files (parallel-runner.ts, line-runner.ts). */
  threads: Budget;
  /** Pieces (sync) and local-file uploads (import) in transfer at once. */
  transfers: Budget;
}

export function budgetFor(limits: WorkerLimits): ProcessBudget {
  return { limits, threads: new Budget(limits.threads), transfers: new Budget(limits.transfers) };
}

let current: ProcessBudget | undefined;

/** This process's budget, sized from its machine and environment at first use. */
export function processBudget(): ProcessBudget {
  current ??= budgetFor(workerLimits(thisMachine()));
  return current;
}
