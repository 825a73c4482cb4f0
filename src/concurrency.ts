// Bounded concurrency: at most `limit` tasks in flight; results come back in input order, so
// whatever the scheduling, a run's findings are the same as at concurrency 1.

export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < items.length; k = next++) out[k] = await fn(items[k] as T, k);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
