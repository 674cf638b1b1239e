/** The integrator's worker process, started the way it runs in production: spawn → ready is measured. */
import type { BenchRun } from '../setup';
import { spawnBenchWorker, type BenchWorker } from '../worker-child';

export interface StartedWorker {
  worker: BenchWorker;
  /** When the process was spawned (epoch ms): the drain also counts from here. */
  spawnedAt: number;
}

export async function startIntegratorWorker({ world, options, workers, log }: BenchRun): Promise<StartedWorker> {
  const spawnedAt = Date.now();
  const worker = await spawnBenchWorker(
    {
      mode: 'integrator',
      settingsFile: world.settingsFile,
      createdLog: world.createdLog,
      tuning: options.tuning,
      ...(options.workflowBundlePath ? { workflowBundlePath: options.workflowBundlePath } : {}),
    },
    options.cpuProfileDir ? { cpuProfileDir: options.cpuProfileDir } : {},
  );
  workers.push(worker);
  log(
    `Worker ready in ${Math.round(worker.startToReadyMs)} ms (pid ${worker.pid}). Starting the poller (every ${options.pollIntervalSeconds} s)…`,
  );
  return { worker, spawnedAt };
}
