/** CPU time per phase: the worker processes' own readings, and the dev server's from /proc. */
import { findOwnChild, readCpuMs } from './proc';
import type { PerPhase } from './result';
import type { WorkerStats } from './worker-protocol';
import type { BenchWorld } from './world';

/** The phases of PerPhase, and the floor with one activity per workflow (its own figures). */
export type Phase = keyof PerPhase<number> | 'floorOneActivity';

/** A worker's CPU time (user + system) between two of its readings, ms. */
export const cpuMs = (from: WorkerStats, to: WorkerStats) =>
  to.cpuUserMs + to.cpuSystemMs - from.cpuUserMs - from.cpuSystemMs;

export interface ServerCpu {
  /** At a phase's start and at its end. */
  mark(phase: Phase): void;
  perOrder(orders: PerPhase<number>): PerPhase<number> | null;
  /** One phase's CPU ms per order; null for a server started elsewhere. */
  perOrderOf(phase: Phase, orders: number): number | null;
}

/**
 * CPU time of the dev server the benchmark started, per phase: `mark` at a phase's start and
 * end. Null figures for a server started elsewhere (its process is not ours to read).
 */
export function serverCpu(world: BenchWorld): ServerCpu {
  const pid = world.externalServer ? null : findOwnChild('temporal');
  const marks = new Map<Phase, number[]>();
  return {
    mark(phase) {
      const now = pid === null ? null : readCpuMs(pid);
      if (now !== null) marks.set(phase, [...(marks.get(phase) ?? []), now]);
    },
    perOrder(orders) {
      const used = (phase: keyof PerPhase<number>) => this.perOrderOf(phase, orders[phase]) ?? NaN;
      return pid === null ? null : { drain: used('drain'), steady: used('steady'), floor: used('floor') };
    },
    perOrderOf(phase, orders) {
      const [start, end] = marks.get(phase) ?? [];
      if (pid === null) return null;
      return start === undefined || end === undefined ? NaN : (end - start) / orders;
    },
  };
}
