import { Limiter } from '../../activities/concurrency';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Limiter', () => {
  test('callers together never run more than the limit at once, and every call runs', async () => {
    const limiter = new Limiter(3);
    let running = 0;
    let most = 0;
    const call = (value: number) =>
      limiter.run(async () => {
        running++;
        most = Math.max(most, running);
        await tick();
        running--;
        return value;
      });
    // Two "parts" of a page, each with more work than the limit, side by side.
    const results = await Promise.all([
      Promise.all(Array.from({ length: 10 }, (_, i) => call(i))),
      Promise.all(Array.from({ length: 10 }, (_, i) => call(100 + i))),
    ]);
    expect(most).toBe(3);
    expect(results.flat()).toHaveLength(20);
    expect(results[1][9]).toBe(109);
  });

  test('a failed call gives its slot back', async () => {
    const limiter = new Limiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(limiter.run(() => Promise.resolve('next'))).resolves.toBe('next');
  });
});
