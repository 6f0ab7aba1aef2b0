/**
 * Runs a LineProcessor on the activity's own thread or in a worker thread, behind one interface, and
 * pumps a byte stream through it.
 *
 * In a thread, the parsing and validation of a large input overlap with the reads, the gunzip and
 * the S3 writes on the activity's thread: the difference between the sum and the maximum of the
 * two. Small inputs stay inline: a thread costs a few hundred milliseconds to start (it loads the
 * TypeScript sources through tsx, as the worker process does).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { LineFeeder } from './line-feeder';
import type { LineFeederConfig } from './line-feeder';
import type { ChunkOutput } from './line-processor';
import type { WorkerAnswer, WorkerRequest } from './line-worker';

export interface LineRunner {
  /** Takes ownership of `chunk` (its ArrayBuffer may be transferred to the thread). */
  push(chunk: Uint8Array): Promise<ChunkOutput>;
  end(): Promise<ChunkOutput>;
  /** Stops the thread, if any; pending answers are rejected. */
  close(): Promise<void>;
}

/** Inputs of at least this many bytes (as stored, compressed or not) are processed in a worker thread. */
export const DEFAULT_THREAD_MIN_BYTES = 4 * 1024 * 1024;

export function openLineRunner(config: LineFeederConfig, inputBytes: number, threadMinBytes: number): LineRunner {
  return inputBytes >= threadMinBytes ? threadRunner(config) : inlineRunner(config);
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

/** The worker loads the processor from source the way this module was loaded (tsx or compiled JS). */
const WORKER_FILE = path.join(__dirname, `line-worker${path.extname(__filename)}`);
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.file.endsWith('.ts')) require('tsx/cjs');
require(workerData.file);
`;

function threadRunner(config: LineFeederConfig): LineRunner {
  const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { file: WORKER_FILE, config } });
  const waiting: { resolve: (out: ChunkOutput) => void; reject: (err: Error) => void }[] = [];
  let failure: Error | undefined;
  const failAll = (err: Error) => {
    failure ??= err;
    for (const w of waiting.splice(0)) w.reject(failure);
  };
  worker.on('message', (answer: WorkerAnswer) => {
    const next = waiting.shift();
    if (!next) return;
    if ('error' in answer) next.reject(Object.assign(new Error(answer.error), { code: answer.code }));
    else next.resolve(answer.out);
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`the line-processing thread exited (code ${code})`)));
  const send = (msg: WorkerRequest, transfer: ArrayBuffer[]) =>
    new Promise<ChunkOutput>((resolve, reject) => {
      if (failure) {
        reject(failure);
        return;
      }
      waiting.push({ resolve, reject });
      worker.postMessage(msg, transfer);
    });
  return {
    push: (chunk) => send({ chunk }, [chunk.buffer as ArrayBuffer]),
    end: () => send({ end: true }, []),
    close: async () => {
      failAll(new Error('the line-processing thread was stopped'));
      await worker.terminate();
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
