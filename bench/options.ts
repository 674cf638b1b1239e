/** What a benchmark run is given, and the defaults `npm run bench` uses. */
import { DEFAULT_DISPATCH_CONCURRENCY } from '../activities/poller-activities';
import type { WorkerTuning } from '../worker/start';

export interface BenchOptions {
  /** Backlog size (phase 1) and number of floor workflows (phase 2). */
  orders: number;
  steadySeconds: number;
  /** Orders per second during the steady phase. */
  rate: number;
  /** The simulator's latency per Allegro call. */
  latencyMs: number;
  /** The poller's interval: it bounds the steady-state latency from below. */
  pollIntervalSeconds: number;
  /** Events per poller read (settings poller.pageSize; the product's default is 100). */
  pageSize: number;
  tuning: Required<WorkerTuning>;
  /** settings.allegroRateLimitPerMinute: the Allegro task queue's server-side rate limit. */
  allegroRequestsPerMinute: number;
  /** Workflow starts in flight at once: the poller's dispatcher default (activities/deps.ts). */
  dispatchConcurrency: number;
  /**
   * Whether the embedded Optima's commits wait for the disk. Default false: better-sqlite3's
   * fsync blocks the worker's event loop (a third of its main thread in a profiled run), where
   * a SQL Server's commit is awaited without blocking anything; true measures that stall.
   */
  optimaFsync: boolean;
  /** Histories read per phase for the per-activity timings. */
  historySample: number;
  seed: number;
  /** A phase gives up when its count has not moved for this long. */
  stallSeconds: number;
  /** An existing Temporal server (the tests' one); default: a dev server started here. */
  temporalAddress?: string;
  namespace?: string;
  /** A prebuilt bundle of workflows/index.ts for the integrator worker (tests). */
  workflowBundlePath?: string;
  /** Where the integrator worker writes a CPU profile of its main thread (node --cpu-prof), if set. */
  cpuProfileDir?: string;
  log?: (line: string) => void;
}

/**
 * Sized for 2 cores: activities mostly wait on I/O (HTTP, SQLite fsync), so many slots are
 * cheap; workflow tasks are CPU, so a few dozen slots keep both cores busy; every order of a
 * 2,000-order backlog stays cached (no replays from evictions).
 */
export const DEFAULT_TUNING: Required<WorkerTuning> = {
  maxConcurrentActivityTaskExecutions: 100,
  maxConcurrentAllegroActivityTaskExecutions: 100,
  maxConcurrentWorkflowTaskExecutions: 40,
  maxCachedWorkflows: 2500,
  workflowStackTraces: false,
  workflowDeadlockGuard: false,
};

export const DEFAULT_OPTIONS: BenchOptions = {
  orders: 2000,
  steadySeconds: 60,
  rate: 5,
  latencyMs: 40,
  pollIntervalSeconds: 1,
  pageSize: 1000,
  tuning: DEFAULT_TUNING,
  allegroRequestsPerMinute: 9000,
  dispatchConcurrency: DEFAULT_DISPATCH_CONCURRENCY,
  optimaFsync: false,
  historySample: 200,
  seed: 1,
  stallSeconds: 120,
};

export function withDefaults(input: Partial<BenchOptions>): BenchOptions {
  return { ...DEFAULT_OPTIONS, ...input, tuning: { ...DEFAULT_TUNING, ...input.tuning } };
}
