/** Pure helpers of the sync workflow: grouping parts into import jobs, batching, totals, the sliding window. */
import {
  addPiece,
  addTotals,
  chunk,
  emptyTotals,
  groupParts,
  sortTotals,
  syncCounts,
  syncLimits,
  transferBatchWorkflowId,
} from '../../workflows/sync-plan';
import type { TransferTotals } from '../../workflows/sync-plan';
import { slidingWindow } from '../../workflows/steps/window';

describe('groupParts', () => {
  const part = (key: string, size: number) => ({ key, size });

  it('keeps every job within the limit, in order', () => {
    const parts = [part('a', 40), part('b', 40), part('c', 30), part('d', 100), part('e', 1)];
    expect(groupParts(parts, 100).map((g) => g.map((p) => p.key))).toEqual([['a', 'b'], ['c'], ['d'], ['e']]);
  });

  it('puts everything in one job when it fits, and nothing when there is nothing', () => {
    expect(groupParts([part('a', 1), part('b', 2)], 1024)).toHaveLength(1);
    expect(groupParts([], 1024)).toEqual([]);
  });

  it('fills a job exactly to the limit', () => {
    const groups = groupParts([part('a', 50), part('b', 50), part('c', 1)], 100);
    expect(groups.map((g) => g.map((p) => p.key))).toEqual([['a', 'b'], ['c']]);
  });

  it('never makes an empty job, even for a part over the limit', () => {
    expect(groupParts([part('big', 150), part('a', 10)], 100).map((g) => g.map((p) => p.key))).toEqual([
      ['big'],
      ['a'],
    ]);
  });
});

describe('chunk and ids', () => {
  it('splits into batches of at most n', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 3)).toEqual([]);
  });

  it('names transfer batch children after the run', () => {
    expect(transferBatchWorkflowId('sync-x', '01a208b2-2391-76cd-97d6-519eaedfa757', 0, 3)).toBe(
      'sync-x-transfer-1-of-3-519eaedfa757',
    );
  });

  it('fills in default limits', () => {
    expect(syncLimits({} as never)).toEqual({
      maxParallelTransfers: 4,
      transferBatchSize: 500,
      maxJobBytes: 1_000_000_000, // Pinpoint's "1 GB", read as 10^9 bytes
      maxConcurrentJobs: 2, // the documented quota of concurrent import jobs
    });
  });
});

describe('totals', () => {
  it('adds up pieces and sorts keys into piece order', () => {
    const t = emptyTotals();
    addPiece(t, {
      pieceIndex: 1,
      read: 10,
      written: 7,
      filtered: 2,
      rejected: 1,
      parts: [{ key: 'p/piece-00001-part-000.json', size: 70, records: 7 }],
      rejectedKey: 'r/piece-00001.ndjson',
      bytesIn: 5,
      bytesOut: 70,
    });
    addPiece(t, {
      pieceIndex: 0,
      read: 5,
      written: 5,
      filtered: 0,
      rejected: 0,
      parts: [{ key: 'p/piece-00000-part-000.json', size: 50, records: 5 }],
      bytesIn: 3,
      bytesOut: 50,
    });
    sortTotals(t);
    expect(t.parts.map((p) => p.key)).toEqual(['p/piece-00000-part-000.json', 'p/piece-00001-part-000.json']);
    expect(t.rejectedKeys).toStrictEqual(['r/piece-00001.ndjson']);
    expect(t).toMatchObject({ pieces: 2, bytesIn: 8, bytesOut: 120 });
    expect(syncCounts(t, { processed: 11, failed: 1 })).toEqual({
      exported: 15,
      transformed: 12,
      filtered: 2,
      rejected: 1,
      processed: 11,
      failed: 1,
    });
  });
});

describe('addTotals and sortTotals', () => {
  function totals(pieces: number, keys: string[], rejectedKeys: string[]): TransferTotals {
    return {
      pieces,
      read: pieces * 10,
      written: pieces * 8,
      filtered: pieces,
      rejected: pieces,
      bytesIn: pieces * 100,
      bytesOut: pieces * 90,
      parts: keys.map((key) => ({ key, size: 1 })),
      rejectedKeys,
    };
  }

  it('adds a batch child’s totals to the parent’s', () => {
    const parent = totals(1, ['p/piece-00000'], []);
    addTotals(parent, totals(2, ['p/piece-00002', 'p/piece-00001'], ['r/piece-00002']));
    expect(parent).toStrictEqual({
      pieces: 3,
      read: 30,
      written: 24,
      filtered: 3,
      rejected: 3,
      bytesIn: 300,
      bytesOut: 270,
      parts: [
        { key: 'p/piece-00000', size: 1 },
        { key: 'p/piece-00002', size: 1 },
        { key: 'p/piece-00001', size: 1 },
      ],
      rejectedKeys: ['r/piece-00002'],
    });
  });

  it('sorts parts and rejected keys by key, whatever order the batches finished in', () => {
    const t = totals(3, ['p/c', 'p/a', 'p/b', 'p/a'], ['r/z', 'r/x', 'r/y']);
    sortTotals(t);
    expect(t.parts.map((p) => p.key)).toEqual(['p/a', 'p/a', 'p/b', 'p/c']);
    expect(t.rejectedKeys).toEqual(['r/x', 'r/y', 'r/z']);
  });
});

describe('slidingWindow', () => {
  const tick = () => new Promise((r) => setImmediate(r));

  it('never runs more than `limit` at once and keeps results in input order', async () => {
    let running = 0;
    let peak = 0;
    const out = await slidingWindow([5, 1, 4, 2, 3, 0], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      for (let i = 0; i < n; i++) await tick();
      running--;
      return n * 10;
    });
    expect(peak).toBe(2);
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
  });

  it('starts nothing new after a failure and throws it once the others settle', async () => {
    const started: number[] = [];
    let settled = 0;
    const err = await slidingWindow([0, 1, 2, 3, 4], 2, async (n) => {
      started.push(n);
      await tick();
      if (n === 1) throw new Error('boom');
      await tick();
      settled++;
      return n;
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('boom');
    expect(started).toEqual([0, 1]);
    expect(settled).toBe(1);
  });

  it('handles an empty list', async () => {
    expect(await slidingWindow([], 3, () => Promise.resolve(1))).toEqual([]);
  });

  /** Items that end when the test says so: several in one turn, as one workflow task delivers them. */
  function endings(count: number) {
    return Array.from({ length: count }, () => {
      const ending = {} as { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void };
      ending.promise = new Promise<void>((resolve, reject) => Object.assign(ending, { resolve, reject }));
      return ending;
    });
  }

  it.each([
    ['first-in-time', [0, 1]],
    ['first-lane', [0, 1, 2]],
  ] as const)(
    '%s: an item that ends in the same turn as, after, a failure starts the next one only for first-lane',
    async (failureStop, started) => {
      const ends = endings(3);
      const seen: number[] = [];
      const window = slidingWindow(
        [0, 1, 2],
        2,
        async (n) => {
          seen.push(n);
          await ends[n]!.promise;
        },
        failureStop,
      );
      ends[1]!.reject(new Error('boom'));
      ends[0]!.resolve();
      ends[2]!.resolve();
      await expect(window).rejects.toThrow('boom');
      expect(seen).toEqual(started);
    },
  );

  it.each([
    ['first-in-time', 'lane 1'],
    ['first-lane', 'lane 0'],
  ] as const)('%s: of two failures, throws the one of %s', async (failureStop, thrown) => {
    const ends = endings(2);
    const window = slidingWindow([0, 1], 2, (n) => ends[n]!.promise, failureStop);
    ends[1]!.reject(new Error('lane 1'));
    await tick();
    ends[0]!.reject(new Error('lane 0'));
    await expect(window).rejects.toThrow(thrown);
  });

  it('lets a waiting item see that the window stopped', async () => {
    const ends = endings(1);
    let sawStop = false;
    const window = slidingWindow([0, 1, 2], 2, async (n, _i, stopped) => {
      if (n === 0) return ends[0]!.promise;
      while (!stopped()) await tick();
      sawStop = true;
    });
    await tick();
    ends[0]!.reject(new Error('boom'));
    await expect(window).rejects.toThrow('boom');
    expect(sawStop).toBe(true);
  });
});
