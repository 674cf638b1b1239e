/**
 * The knobs on the simulator's traffic: per-call latency, the rate limit, injected faults,
 * and the request counters `stats()` reports.
 */
import type { FaultSpec } from './api';

const freshCounters = () => ({
  requests: {} as Record<string, number>,
  rateLimited: 0,
  unauthorized: 0,
  faultsInjected: 0,
});

export class Traffic {
  counters = freshCounters();
  private faults: (FaultSpec & { left: number })[] = [];
  private readonly rateWindows = new Map<string, number[]>();

  constructor(
    public latencyMs: number,
    private rateLimit: number | null,
  ) {}

  countRequest(name: string): void {
    this.counters.requests[name] = (this.counters.requests[name] ?? 0) + 1;
  }

  resetCounters(): void {
    this.counters = freshCounters();
  }

  setRateLimit(perMinute: number | null): void {
    this.rateLimit = perMinute;
    this.rateWindows.clear();
  }

  /** Sliding one-minute window per client id (Allegro limits per Client ID). */
  withinRateLimit(key: string): boolean {
    if (this.rateLimit === null) return true;
    const now = Date.now();
    const window = this.rateWindows.get(key) ?? [];
    while (window.length > 0 && window[0] <= now - 60_000) window.shift();
    this.rateWindows.set(key, window);
    if (window.length >= this.rateLimit) return false;
    window.push(now);
    return true;
  }

  addFault(fault: FaultSpec): void {
    this.faults.push({ ...fault, left: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** The first fault matching the request, used up by one. */
  takeFault(method: string, path: string): FaultSpec | undefined {
    const i = this.faults.findIndex(
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (typeof f.path === 'string' ? f.path === path : f.path.test(path)) &&
        (f.probability === undefined || Math.random() < f.probability),
    );
    if (i < 0) return undefined;
    const fault = this.faults[i];
    if (--fault.left <= 0) this.faults.splice(i, 1);
    this.counters.faultsInjected++;
    return fault;
  }
}
