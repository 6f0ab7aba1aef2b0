/**
 * What a failure (a cancellation included) does to a window:
 * - 'first-in-time': no lane starts another item once the failure is caught, and the first failure is thrown.
 * - 'first-lane': the way importEndpoints' job lanes did it before this helper, kept so that the histories of its runs
 *   replay: the window stops one microtask later (a lane whose item ended in the same workflow task as the failure
 *   still starts its next item), and the failure thrown is that of the first lane that failed, in lane order.
 */
export type FailureStop = 'first-in-time' | 'first-lane';

/**
 * Bounded parallelism inside a workflow (as samples-typescript batch-sliding-window): at most `limit` items in flight;
 * as one finishes the next starts. Deterministic: Temporal orders the completions. After a failure no new item
 * starts — `run` can ask with `stopped()`, e.g. while it waits for another item — and the failure is thrown once the
 * items in flight have settled. The sync's transfers and the import jobs of an import and a sync all run through it.
 */
export async function slidingWindow<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T, index: number, stopped: () => boolean) => Promise<R>,
  failureStop: FailureStop = 'first-in-time',
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let halted = false;
  const failures: { lane: number; err: unknown }[] = [];
  const stopped = () => halted;
  const lane = async (laneIndex: number): Promise<void> => {
    while (!halted && next < items.length) {
      const index = next++;
      try {
        results[index] = await run(items[index] as T, index, stopped);
      } catch (err) {
        failures.push({ lane: laneIndex, err });
        if (failureStop === 'first-lane') await Promise.resolve();
        halted = true;
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, (_, i) => lane(i)));
  const failure = failureStop === 'first-lane' ? failures.sort((a, b) => a.lane - b.lane)[0] : failures[0];
  if (failure) throw failure.err;
  return results;
}
