/**
 * The benchmark's surroundings for one run: the world (Temporal, the Allegro simulator, the
 * embedded Optima), the worker processes the phases start, and the tidy-up after a run,
 * failed or not.
 */
import { serverCpu, type ServerCpu } from './cpu';
import type { BenchOptions } from './options';
import type { BenchWorker } from './worker-child';
import { createBenchWorld, type BenchWorld } from './world';
import { terminateRunning, type Watcher } from './watch';

export interface BenchRun extends Watcher {
  world: BenchWorld;
  options: BenchOptions;
  serverCpu: ServerCpu;
  /** Every worker process a phase starts: stopped at the end whatever happens. */
  workers: BenchWorker[];
  /** Stops the workers, terminates what is left running, closes the world. */
  close(): Promise<void>;
}

export const floorTaskQueue = (taskQueue: string) => `${taskQueue}-floor`;
/** The one-activity floor's own queue: its workflows are counted apart from the other floor's. */
export const oneActivityFloorTaskQueue = (taskQueue: string) => `${taskQueue}-floor1`;

export async function setUpBench(options: BenchOptions, log: (line: string) => void): Promise<BenchRun> {
  log(`Setting up: Temporal, Allegro simulator (${options.latencyMs} ms per call), embedded Optima…`);
  const world = await createBenchWorld({
    latencyMs: options.latencyMs,
    optimaFsync: options.optimaFsync,
    seed: options.seed,
    log,
    ...(options.temporalAddress ? { temporalAddress: options.temporalAddress } : {}),
    ...(options.namespace ? { namespace: options.namespace } : {}),
  });
  const workers: BenchWorker[] = [];
  return {
    world,
    options,
    client: world.client,
    stallMs: options.stallSeconds * 1000,
    log,
    serverCpu: serverCpu(world),
    workers,
    async close() {
      for (const worker of workers) await worker.stop();
      // After a failure on a shared server: nothing is left running (a no-op after a full run).
      for (const queue of [
        world.taskQueue,
        floorTaskQueue(world.taskQueue),
        oneActivityFloorTaskQueue(world.taskQueue),
      ]) {
        await terminateRunning(world.client, queue).catch((error: unknown) =>
          log(`could not clean up ${queue}: ${String(error)}`),
        );
      }
      await world.close();
    },
  };
}
