/** Bounded concurrency for I/O-bound work (the poller's dispatch; the benchmark imitates it). */

/** Runs fn over items, at most `limit` at once; waits for all, then throws the first failure. */
export async function mapLimited<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (next < items.length && !failure) {
      const index = next++;
      try {
        results[index] = await fn(items[index], index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
  return results;
}

/**
 * At most `limit` calls of `run` at once across all its callers (the parts of a page that one
 * worker process dispatches side by side share its starts in flight); the rest wait in turn.
 */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<R>(fn: () => Promise<R>): Promise<R> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      // The slot passes straight to the next waiter (active stays), or is given back.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
