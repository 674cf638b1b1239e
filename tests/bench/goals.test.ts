/** The benchmark prints issue 15's goals beside its figures: met, not met, or not measured. */
import { goalRows } from '../../bench/report';
import type { BenchResult } from '../../bench/result';

function result(figures: { p95: number; drainRss: number | null; ready: number; worker: number; server: number }) {
  return {
    steady: { latencyMs: { p95: figures.p95 } },
    worker: { drainPeakRssMb: figures.drainRss, startToReadyMs: figures.ready },
    cpuMsPerOrder: {
      worker: { drain: figures.worker, steady: figures.worker, floor: 0 },
      temporalServer: { drain: figures.server, steady: figures.server, floor: 0 },
    },
  } as unknown as BenchResult;
}

describe('goalRows', () => {
  it('marks each figure against its goal', () => {
    const rows = Object.fromEntries(
      goalRows(result({ p95: 1100, drainRss: 650, ready: 2500, worker: 70, server: 60 })),
    );
    expect(rows['p95 event → document (steady)']).toBe('✓ 1100 ms (goal ≤ 1200 ms)');
    expect(rows['worker peak RSS (drain)']).toBe('✗ 650 MB (goal ≤ 400 MB)');
    expect(rows['worker spawn → ready']).toBe('✓ 2500 ms (goal ≤ 3000 ms)');
    // Worker and server together: 130 ms is over the 120 ms goal though each part is under it.
    expect(rows['CPU per order, worker + server (drain)']).toBe('✗ 130 ms (goal ≤ 120 ms)');
  });

  it('says "?" for a figure not measured (no /proc, no server CPU)', () => {
    const rows = Object.fromEntries(
      goalRows(result({ p95: NaN, drainRss: null, ready: 2000, worker: 50, server: 10 })),
    );
    expect(rows['p95 event → document (steady)']).toBe('? n/a (goal ≤ 1200 ms)');
    expect(rows['worker peak RSS (drain)']).toBe('? n/a (goal ≤ 400 MB)');
  });
});
