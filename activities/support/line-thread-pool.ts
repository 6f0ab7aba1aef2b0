/**
 * Idle line-processing threads, kept for the next input of this worker process: starting one costs about 0.2 s and
 * 0.3 CPU-seconds (it loads the sources), as much as processing some 20,000 endpoints — a sync of many pieces would
 * pay it twice per piece. A thread is lent out with its new config and given back only when its input was processed
 * to the end; one stopped midway (cancelled, failed) is terminated instead. Idle threads are stopped after a while.
 */
import type { LineFeederConfig } from './line-feeder';
import { LineThread } from './line-thread';

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
