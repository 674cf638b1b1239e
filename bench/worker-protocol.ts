/** What bench/worker-child.ts tells bench/worker-process.ts (one JSON argument), and the line it waits for. */
import type { WorkerTuning } from '../worker/start';

/** Printed on stdout once the workers run. */
export const READY_LINE = 'BENCH_WORKER_READY';

interface CommonConfig {
  tuning: WorkerTuning;
}

export type WorkerProcessConfig =
  | (CommonConfig & {
      mode: 'integrator';
      settingsFile: string;
      /** Gets one line `<checkoutFormId> <epoch ms>` per document created. */
      createdLog: string;
      /** A prebuilt bundle of workflows/index.ts (the test harness has one); default: bundled now, as in production. */
      workflowBundlePath?: string;
    })
  | (CommonConfig & {
      mode: 'floor';
      address: string;
      namespace: string;
      taskQueue: string;
      activityTypes: string[];
      allegroRequestsPerMinute: number;
    });

/** Asked over the IPC channel (message STATS_REQUEST): the worker process's own view of its cost. */
export const STATS_REQUEST = 'stats';

export interface WorkerStats {
  /** process.cpuUsage() since the process started, ms. */
  cpuUserMs: number;
  cpuSystemMs: number;
  /** Event-loop delay since the previous request: how long ready callbacks waited for the main thread. */
  eventLoopDelay: { meanMs: number; p99Ms: number; maxMs: number };
}
