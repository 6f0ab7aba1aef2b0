/**
 * Runs a PieceProcessor on the activity's own thread or in a worker thread, behind one interface.
 *
 * In a thread, the parse/transform/validate work of a large piece overlaps with the S3 reads and
 * writes (and the gunzip) on the activity's thread: on a sync worker that is the difference
 * between the sum and the maximum of the two. Small pieces stay inline: a thread costs a few
 * hundred milliseconds to start (it loads the TypeScript sources through tsx, as the worker does).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PieceProcessor } from './piece-processor';
import type { ChunkOutput, PieceProcessorConfig } from './piece-processor';
import type { WorkerAnswer, WorkerRequest } from './piece-worker';

export interface PieceRunner {
  /** Takes ownership of `chunk` (its ArrayBuffer may be transferred to the thread). */
  push(chunk: Uint8Array): Promise<ChunkOutput>;
  end(): Promise<ChunkOutput>;
  /** Stops the thread, if any; pending answers are rejected. */
  close(): Promise<void>;
}

export function inlineRunner(config: PieceProcessorConfig): PieceRunner {
  const processor = new PieceProcessor(config);
  const run = (f: () => ChunkOutput) => {
    try {
      return Promise.resolve(f());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  };
  return {
    push: (chunk) => run(() => processor.push(chunk)),
    end: () => run(() => processor.end()),
    close: () => Promise.resolve(),
  };
}

/** The worker loads the processor from source the way this module was loaded (tsx or compiled JS). */
const WORKER_FILE = path.join(__dirname, `piece-worker${path.extname(__filename)}`);
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.file.endsWith('.ts')) require('tsx/cjs');
require(workerData.file);
`;

export function threadRunner(config: PieceProcessorConfig): PieceRunner {
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
    if ('error' in answer) next.reject(new Error(answer.error));
    else next.resolve(answer.out);
  });
  worker.on('error', (err) => failAll(err));
  worker.on('exit', (code) => failAll(new Error(`the transfer thread exited (code ${code})`)));
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
      failAll(new Error('the transfer thread was stopped'));
      await worker.terminate();
    },
  };
}
