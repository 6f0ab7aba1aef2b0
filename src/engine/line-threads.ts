/**
 * One worker thread running line-worker.ts: requests go in, answers come back in the same order.
 * The worker loads the processor from source the way this module was loaded (tsx or compiled JS).
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LineFeederConfig } from './line-feeder';
import type { ChunkOutput } from './line-processor';
import type { WorkerAnswer, WorkerRequest } from './line-worker';

const WORKER_FILE = path.join(__dirname, `line-worker${path.extname(__filename)}`);
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.file.endsWith('.ts')) require('tsx/cjs');
require(workerData.file);
`;

export class LineThread {
  private readonly worker: Worker;
  private readonly waiting: { resolve: (out: ChunkOutput) => void; reject: (err: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(config: LineFeederConfig) {
    this.worker = new Worker(BOOTSTRAP, { eval: true, workerData: { file: WORKER_FILE, config } });
    this.worker.on('message', (answer: WorkerAnswer) => {
      const next = this.waiting.shift();
      if (!next) return;
      if ('error' in answer) next.reject(Object.assign(new Error(answer.error), { code: answer.code }));
      else next.resolve(answer.out);
    });
    this.worker.on('error', (err) => this.failAll(err));
    this.worker.on('exit', (code) => this.failAll(new Error(`the line-processing thread exited (code ${code})`)));
  }

  /** Requests sent and not answered yet. */
  get pending(): number {
    return this.waiting.length;
  }

  /** Healthy and idle: it may serve another input (after `configure`). */
  get reusable(): boolean {
    return !this.failure && this.waiting.length === 0;
  }

  /** Starts over with another input and config (requests after this one use it). */
  configure(config: LineFeederConfig): void {
    this.worker.postMessage({ configure: config } satisfies WorkerRequest);
  }

  /** Whether this thread alone keeps the process alive (not while it waits in the pool). */
  keepAlive(on: boolean): void {
    if (on) this.worker.ref();
    else this.worker.unref();
  }

  /** Sends `msg`, moving the ArrayBuffers of `transfer` to the thread. */
  send(msg: WorkerRequest, transfer: ArrayBuffer[]): Promise<ChunkOutput> {
    return new Promise<ChunkOutput>((resolve, reject) => {
      if (this.failure) {
        reject(this.failure);
        return;
      }
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(msg, transfer);
    });
  }

  /** Stops the thread; pending answers are rejected. */
  async close(): Promise<void> {
    this.failAll(new Error('the line-processing thread was stopped'));
    await this.worker.terminate();
  }

  private failAll(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.splice(0)) w.reject(this.failure);
  }
}
