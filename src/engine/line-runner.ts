/**
 * Runs a LineProcessor on the activity's own thread or in a worker thread, behind one interface, and
 * pumps a byte stream through it.
 *
 * In a thread, the parsing and validation of a large input overlap with the reads, the gunzip and
 * the S3 writes on the activity's thread: the difference between the sum and the maximum of the
 * two. Small inputs stay inline: a thread costs a few hundred milliseconds to start (it loads the
 * TypeScript sources through tsx, as the worker process does).
 */
import os from 'node:os';
import { LineFeeder } from './line-feeder';
import type { LineFeederConfig } from './line-feeder';
import type { ChunkOutput } from './line-processor';
import { acquireLineThread, releaseLineThread } from './line-thread-pool';
import { parallelRunner } from './parallel-runner';
import { processBudget } from './process-budget';
import type { Budget } from './process-budget';

export interface LineRunner {
  /** Takes ownership of `chunk` (its ArrayBuffer may be transferred to the thread). */
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
  if (inputBytes < threadMinBytes) return inlineRunner(config);
  const lent = budget.takeUpTo(threads);
  if (lent === 0) return inlineRunner(config);
  let runner: LineRunner;
  try {
    runner = lent > 1 ? parallelRunner(config, lent) : threadRunner(config);
  } catch (err) {
    budget.give(lent);
    throw err;
  }
  let returned = false;
  return {
    push: (chunk) => runner.push(chunk),
    end: () => runner.end(),
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

function inlineRunner(config: LineFeederConfig): LineRunner {
  const feeder = new LineFeeder(config);
  return {
    push: async (chunk) => ({ ...(await feeder.push(chunk)), spent: chunk }),
    end: () => feeder.end(),
    close: () => {
      feeder.destroy();
      return Promise.resolve();
    },
  };
}

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

/** Bytes handed to the processor at a time. */
const INPUT_CHUNK_BYTES = 1024 * 1024;
/** Chunks handed to the processor and not yet consumed (bounds memory: about 2 MiB each). */
const IN_FLIGHT = 2;

/**
 * Feeds `source` (stored bytes: the runner gunzips) through `runner` in chunks of 1 MiB, up to IN_FLIGHT chunks ahead of `consume`, which
 * gets every answer in order (and is where the caller writes and waits for S3). Stops reading when an
 * answer says the input cannot be read further. `onChunk` runs after each chunk read (heartbeats).
 */
export async function pumpLines(
  source: AsyncIterable<Buffer>,
  runner: LineRunner,
  consume: (out: ChunkOutput) => Promise<void>,
  onChunk: () => void = () => undefined,
): Promise<void> {
  const pending: Promise<ChunkOutput>[] = [];
  let stopped = false;
  const submit = (answer: Promise<ChunkOutput>) => {
    answer.catch(() => undefined); // awaited in order below; a failure is seen there
    pending.push(answer);
  };
  // Input buffers come back with their answers and are reused: a worker that allocated a new one per chunk would
  // make V8 collect its (large) heap again and again for the external memory alone.
  const free: Buffer[] = [];
  const nextInput = () => free.pop() ?? Buffer.allocUnsafeSlow(INPUT_CHUNK_BYTES);
  const consumeNext = async () => {
    const out = await pending.shift()!;
    if (out.stopped) stopped = true;
    const spent = out.spent;
    if (spent && spent.byteOffset === 0 && spent.buffer.byteLength === INPUT_CHUNK_BYTES) {
      free.push(Buffer.from(spent.buffer, 0, INPUT_CHUNK_BYTES));
    }
    await consume(out);
  };
  let input = nextInput();
  let filled = 0;
  for await (const chunk of source) {
    let at = 0;
    while (at < chunk.length) {
      const n = chunk.copy(input, filled, at);
      filled += n;
      at += n;
      if (filled === input.length) {
        submit(runner.push(input));
        input = nextInput();
        filled = 0;
        while (pending.length >= IN_FLIGHT) await consumeNext();
      }
    }
    onChunk();
    if (stopped) break;
  }
  if (!stopped && filled > 0) submit(runner.push(input.subarray(0, filled)));
  submit(runner.end());
  while (pending.length > 0) {
    await consumeNext();
    onChunk();
  }
}
