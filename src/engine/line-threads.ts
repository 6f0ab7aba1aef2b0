/**
 * The processing threads: a LineThread is one worker thread running line-worker.ts — requests go in, answers come
 * back in the same order. The worker loads the processor from source the way this module was loaded (tsx or
 * compiled JS).
 *
 * Idle threads are kept for the next input of this worker process (the pool below): starting one costs about 0.2 s
 * and 0.3 CPU-seconds (it loads the sources), as much as processing some 20,000 endpoints — a sync of many pieces
 * would pay it twice per piece. A thread is lent out with its new config and given back only when its input was
 * processed to the end; one stopped midway (cancelled, failed) is terminated instead. Idle threads are stopped after
 * a while.
 */
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ChunkOutput } from './chunk-output';
import type { LineFeederConfig } from './line-feeder';
import type { WorkerAnswer, WorkerRequest } from './line-worker';

const WORKER_FILE = path.join(__dirname, `line-worker${path.extname(__filename)}`);
/**
 * tsx's require hook for a TypeScript worker file, resolved here: code a Worker evaluates resolves packages from the
 * process's working directory, which need not hold tsx (an installed `audienceflow worker` started anywhere).
 */
const TSX_HOOK = WORKER_FILE.endsWith('.ts') ? require.resolve('tsx/cjs') : undefined;
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.tsxHook) require(workerData.tsxHook);
require(workerData.file);
`;

export class LineThread {
  private readonly worker: Worker;
  private readonly waiting: { resolve: (out: ChunkOutput) => void; reject: (err: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(config: LineFeederConfig) {
    this.worker = new Worker(BOOTSTRAP, { eval: true, workerData: { file: WORKER_FILE, tsxHook: TSX_HOOK, config } });
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

/** At most this many idle threads are kept (a worker runs a few transfers at once, two threads each). */
const MAX_IDLE = 8;
/** An idle thread is stopped after this long unused. */
const IDLE_MS = 60_000;

const idle: { thread: LineThread; since: number }[] = [];
let sweeper: NodeJS.Timeout | undefined;

function sweep(): void {
  const now = Date.now();
  for (let i = idle.length - 1; i >= 0; i--) {
    if (now - idle[i]!.since >= IDLE_MS) void idle.splice(i, 1)[0]!.thread.close();
  }
  if (idle.length === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

/** A thread set up for `config`: an idle one if there is one, else a new one. */
export function acquireLineThread(config: LineFeederConfig): LineThread {
  for (let kept = idle.pop(); kept; kept = idle.pop()) {
    if (!kept.thread.reusable) {
      void kept.thread.close(); // it died while it waited
      continue;
    }
    kept.thread.configure(config);
    kept.thread.keepAlive(true);
    return kept.thread;
  }
  return new LineThread(config);
}

/** Gives `thread` back: kept if it finished its input cleanly (`finished`) and there is room, else stopped. */
export async function releaseLineThread(thread: LineThread, finished: boolean): Promise<void> {
  if (!finished || !thread.reusable || idle.length >= MAX_IDLE) {
    await thread.close();
    return;
  }
  thread.keepAlive(false);
  idle.push({ thread, since: Date.now() });
  sweeper ??= setInterval(sweep, IDLE_MS / 4).unref();
}

/** Stops every idle thread (tests, shutdown). */
export async function closeIdleLineThreads(): Promise<void> {
  const threads = idle.splice(0).map((k) => k.thread);
  sweep();
  await Promise.all(threads.map((t) => t.close()));
}

/** Idle threads right now (tests). */
export function idleLineThreads(): number {
  return idle.length;
}
