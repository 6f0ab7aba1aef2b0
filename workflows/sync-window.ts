/**
 * Bounded parallelism inside a workflow (as samples-typescript batch-sliding-window): at most
 * `limit` items in flight; as one finishes the next starts. Deterministic: Temporal orders the
 * completions. After the first failure no new item starts and the failure is thrown once the
 * items in flight have settled.
 */
export async function slidingWindow<T, R>(
  items: readonly T[],
  limit: number,
  run: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { err: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await run(items[index] as T, index);
      } catch (err) {
        failure ??= { err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  if (failure) throw failure.err;
  return results;
}
