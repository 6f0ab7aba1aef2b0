/**
 * A worker sizes itself: the limits' arithmetic from CPUs and memory (machine, cgroup, override), and the
 * process-wide budgets that pieces borrow from — a piece never takes more threads than are free, gives them back when
 * its runner closes (also after a failure), and a transfer waits its turn for a slot. Real worker threads.
 */
import { Readable } from 'node:stream';
import type { LineFeederConfig } from '../../src/engine/line-feeder';
import type { ChunkOutput } from '../../src/engine';
import { openLineRunner, pumpLines } from '../../src/engine';
import { closeIdleLineThreads } from '../../src/engine/line-threads';
import { Budget } from '../../src/engine/process-budget';
import {
  cgroupMemoryLimit,
  describeLimits,
  LIGHT_ACTIVITY_SLOTS,
  memoryOverrideMb,
  workerLimits,
} from '../../src/worker-limits';

const GIB = 1024 ** 3;

describe('worker limits', () => {
  test('2 CPUs, 24 GiB: half the memory budgeted, a thread per CPU, two transfers per CPU', () => {
    const l = workerLimits({ cpus: 2, totalMemory: 24 * GIB });
    expect(l).toEqual({
      cpus: 2,
      memoryMb: 12 * 1024,
      memorySource: 'half of 24576 MiB machine memory',
      activitySlots: 4 + LIGHT_ACTIVITY_SLOTS,
      threads: 2,
      transfers: 4,
    });
  });

  test('memory bounds threads and transfers when it is short: 8 CPUs in 1000 MiB', () => {
    // 650 MiB above the process's own 350: half for threads (3 × 90), the rest for transfers (380 / 100 → 3).
    const l = workerLimits({ cpus: 8, totalMemory: 64 * GIB, memoryOverrideMb: 1000 });
    expect(l).toMatchObject({
      memoryMb: 1000,
      memorySource: 'AUDIENCEFLOW_WORKER_MEMORY_MB',
      threads: 3,
      transfers: 3,
    });
    expect(l.activitySlots).toBe(3 + LIGHT_ACTIVITY_SLOTS);
  });

  test('the least memory: no processing thread, one transfer', () => {
    expect(workerLimits({ cpus: 4, totalMemory: 64 * GIB, memoryOverrideMb: 450 })).toMatchObject({
      threads: 0,
      transfers: 1,
    });
  });

  test("a cgroup limit below the machine's memory is what the budget is half of", () => {
    const l = workerLimits({ cpus: 2, totalMemory: 24 * GIB, cgroupLimit: 2 * GIB });
    expect(l).toMatchObject({
      memoryMb: 1024,
      memorySource: 'half of 2048 MiB cgroup limit',
      threads: 2,
      transfers: 4,
    });
    expect(workerLimits({ cpus: 2, totalMemory: 2 * GIB, cgroupLimit: 8 * GIB }).memorySource).toBe(
      'half of 2048 MiB machine memory',
    );
  });

  test('reads the cgroup limit (v2, v1), and none for "max", an unlimited v1 value or no file', () => {
    const files = (map: Record<string, string>) => (f: string) => {
      if (!(f in map)) throw new Error('ENOENT');
      return map[f]!;
    };
    expect(cgroupMemoryLimit(files({ '/sys/fs/cgroup/memory.max': '2147483648\n' }))).toBe(2 * GIB);
    expect(cgroupMemoryLimit(files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '1073741824' }))).toBe(GIB);
    expect(cgroupMemoryLimit(files({ '/sys/fs/cgroup/memory.max': 'max' }))).toBeUndefined();
    expect(
      cgroupMemoryLimit(files({ '/sys/fs/cgroup/memory/memory.limit_in_bytes': '9223372036854771712' })),
    ).toBeUndefined();
    expect(cgroupMemoryLimit(files({}))).toBeUndefined();
  });

  test('AUDIENCEFLOW_WORKER_MEMORY_MB: a whole number of MiB, at least one transfer above the base; named when wrong', () => {
    expect(memoryOverrideMb({})).toBeUndefined();
    expect(memoryOverrideMb({ AUDIENCEFLOW_WORKER_MEMORY_MB: '1536' })).toBe(1536);
    for (const bad of ['1.5GB', '400', '-1']) {
      expect(() => memoryOverrideMb({ AUDIENCEFLOW_WORKER_MEMORY_MB: bad })).toThrow(
        `AUDIENCEFLOW_WORKER_MEMORY_MB="${bad}" is not a whole number of MiB of at least 450`,
      );
    }
  });

  test('the start line names every limit', () => {
    const line = describeLimits(workerLimits({ cpus: 2, totalMemory: 24 * GIB }));
    expect(line).toBe(
      'audienceflow worker limits: 2 CPU(s), memory budget 12288 MiB (half of 24576 MiB machine memory); ' +
        '104 activity slots, 4 transfers at once, 2 processing threads (AUDIENCEFLOW_WORKER_MEMORY_MB to change)',
    );
  });
});

describe('budget', () => {
  test('takes at most what is free, and what is given back is free again', () => {
    const b = new Budget(3);
    expect(b.takeUpTo(2)).toBe(2);
    expect(b.takeUpTo(2)).toBe(1);
    expect(b.takeUpTo(5)).toBe(0);
    expect(b.free).toBe(0);
    b.give(1);
    expect(b.takeUpTo(2)).toBe(1);
    b.give(3);
    expect(b.free).toBe(3);
    expect(() => b.give(1)).toThrow('giving back 1 units of a budget with 0 taken');
  });

  test('takeOne waits first come, first served, beating while it waits; an abort leaves the queue', async () => {
    jest.useFakeTimers();
    try {
      const b = new Budget(1);
      await b.takeOne();
      const order: string[] = [];
      let beats = 0;
      const first = b.takeOne(undefined, () => beats++).then(() => order.push('first'));
      const abort = new AbortController();
      const cancelled = b.takeOne(abort.signal).catch((e: unknown) => order.push(`cancelled: ${(e as Error).message}`));
      const third = b.takeOne().then(() => order.push('third'));
      await jest.advanceTimersByTimeAsync(2_500);
      expect(beats).toBe(2);
      abort.abort(new Error('stop'));
      await cancelled;
      b.give(1);
      await first;
      expect(b.free).toBe(0);
      b.give(1);
      await third;
      expect(order).toEqual(['cancelled: stop', 'first', 'third']);
      b.give(1);
      expect(b.free).toBe(1);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('pieces borrow threads from the process budget', () => {
  const line = (i: number) =>
    JSON.stringify({ Id: `ep-${i}`, ChannelType: 'EMAIL', Address: `u${i}@example.com`, CreationDate: '2026-01-01' });
  const input = Buffer.from(Array.from({ length: 30_000 }, (_, i) => line(i)).join('\n'));
  const config = (over: Partial<LineFeederConfig> = {}): LineFeederConfig => ({
    gzipped: false,
    codec: { kind: 'export-piece', transform: {} },
    maxPartBytes: 10_000_000,
    ...over,
  });
  const run = async (runner: ReturnType<typeof openLineRunner>, bytes: Buffer): Promise<number> => {
    let written = 0;
    const consume = (o: ChunkOutput) => {
      written += o.counts.written;
      return Promise.resolve();
    };
    try {
      await pumpLines(Readable.from([bytes]), runner, consume);
    } finally {
      await runner.close();
    }
    return written;
  };

  afterAll(closeIdleLineThreads);

  test('a piece takes only the free threads (none free: its own thread), and all come back when it is done', async () => {
    const threads = new Budget(3);
    const a = openLineRunner(config(), input.length, 0, 2, threads);
    expect(threads.free).toBe(1);
    const b = openLineRunner(config(), input.length, 0, 2, threads); // asks for 2, gets the 1 left
    expect(threads.free).toBe(0);
    const c = openLineRunner(config(), input.length, 0, 2, threads); // none left: processed inline
    expect(threads.free).toBe(0);
    const written = await Promise.all([run(a, input), run(b, input), run(c, input)]);
    expect(written).toEqual([30_000, 30_000, 30_000]);
    expect(threads.free).toBe(3);
  });

  test('threads come back when the piece fails, once however often it is closed', async () => {
    const threads = new Budget(2);
    const runner = openLineRunner(config({ gzipped: true }), input.length, 0, 2, threads); // not gzip: fails
    expect(threads.free).toBe(0);
    await expect(run(runner, input)).rejects.toMatchObject({ code: 'Z_DATA_ERROR' });
    expect(threads.free).toBe(2);
    await runner.close();
    expect(threads.free).toBe(2);
  });

  test('a small input stays inline and borrows nothing', () => {
    const threads = new Budget(2);
    const runner = openLineRunner(config(), 100, 1_000, 2, threads);
    expect(threads.free).toBe(2);
    return run(runner, Buffer.from(line(1)));
  });
});
