/**
 * Which way an input runs, behind one interface (LineRunner): inline on the activity's thread (the LineFeeder as it
 * is), in one worker thread, or in several at once (parallel-runner.ts) — chosen by the input's size and by the
 * threads the process has free (process-budget.ts).
 *
 * In a thread, the parsing and validation of a large input overlap with the reads, the gunzip and the S3 writes on
 * the activity's thread: the difference between the sum and the maximum of the two. Small inputs stay inline: a
 * thread costs a few hundred milliseconds to start (it loads the TypeScript sources through tsx, as the worker
 * process does), less when an idle one is reused (line-threads.ts).
 */
import os from 'node:os';
import type { ChunkOutput } from './chunk-output';
import { LineFeeder } from './line-feeder';
import type { LineFeederConfig } from './line-feeder';
import { acquireLineThread, releaseLineThread } from './line-threads';
import { parallelRunner } from './parallel-runner';
import { processBudget } from './process-budget';
import type { Budget } from './process-budget';

export interface LineRunner {
  /** Takes ownership of `chunk` (its ArrayBuffer may be transferred to a thread); the answer hands it back (`spent`). */
  push(chunk: Uint8Array): Promise<ChunkOutput>;
  end(): Promise<ChunkOutput>;
  /**
   * Done with the runner: its threads go back to the pool if `end` completed, else they are stopped (pending answers
   * are rejected). Safe to call more than once.
   */
  close(): Promise<void>;
}

/** Inputs of at least this many bytes (as stored, compressed or not) are processed in a worker thread. */
export const DEFAULT_THREAD_MIN_BYTES = 4 * 1024 * 1024;

/**
 * Threads one large input (an exported piece, a local endpoint file) asks for: two (gunzip and upload stay on the
 * activity's thread), one on a one-CPU machine. It gets only what the process's thread budget has free.
 */
export const DEFAULT_TRANSFER_THREADS = Math.min(2, os.availableParallelism());

/**
 * The runner for an input of `inputBytes` (as stored): inline below `threadMinBytes`; else in worker threads borrowed
 * from `budget` (the process's threads): as many of `threads` as are free — none: inline; one: one thread; more: that
 * many at once, the gunzip and a CSV file's header on this thread (parallel-runner.ts). Closing the runner gives
 * them back, whether the input was processed to the end or not.
 */
export function openLineRunner(
  config: LineFeederConfig,
  inputBytes: number,
  threadMinBytes: number,
  threads = 1,
  budget: Budget = processBudget().threads,
): LineRunner {
  if (inputBytes < threadMinBytes) return new LineFeeder(config);
  const lent = budget.takeUpTo(threads);
  if (lent === 0) return new LineFeeder(config);
  let runner: LineRunner;
  try {
    runner = lent > 1 ? parallelRunner(config, lent) : threadRunner(config);
  } catch (err) {
    budget.give(lent);
    throw err;
  }
  let returned = false;
  return {
    ...runner,
    close: async () => {
      try {
        await runner.close();
      } finally {
        if (!returned) budget.give(lent);
        returned = true;
      }
    },
  };
}

/** One worker thread does it all: gunzip, lines, records, parts (line-worker.ts runs a LineFeeder there). */
function threadRunner(config: LineFeederConfig): LineRunner {
  const thread = acquireLineThread(config);
  let finished = false;
  let closed = false;
  return {
    push: (chunk) => thread.send({ chunk }, [chunk.buffer as ArrayBuffer]),
    end: async () => {
      const out = await thread.send({ end: true }, []);
      finished = true;
      return out;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await releaseLineThread(thread, finished);
    },
  };
}
