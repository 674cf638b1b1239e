/**
 * The benchmark (issue 7), on one machine: backlog drain, the Temporal floor for the same
 * workflow shape, steady-state latency, the worker's cost (memory, start time) and where an
 * order's time goes, step by step. Figures only: nothing here judges them.
 *
 *   1. drain (phases/drain.ts): a backlog of orders, the worker process and the poller start.
 *   2. floor (phases/floor.ts): the same workflow shape with activities that do nothing.
 *   3. steady (phases/steady.ts): orders at a fixed rate, event → document latency.
 *   4. cost: the worker process's peak RSS (VmHWM, and sampled per phase), spawn → ready
 *      (phases/worker-start.ts), CPU per order (cpu.ts).
 *   5. per-activity timings from the histories of a sample of orders (histories.ts).
 *
 * The floor runs last, once the integrator's worker has stopped, so that they do not share
 * the CPUs.
 */
import os from 'node:os';
import { orderWorkflowId } from '../workflows/definitions';
import { fetchTimelines, spreadSample, summarise, type TimingSummary } from './histories';
import { withDefaults, type BenchOptions } from './options';
import { drainBacklog } from './phases/drain';
import { temporalFloor } from './phases/floor';
import { steadyState } from './phases/steady';
import { benchResult, type BenchResult } from './result';
import { setUpBench, type BenchRun } from './setup';
import { versions } from './world';

export type { BenchOptions } from './options';
export type { BenchResult } from './result';

/** Per-activity timings from the histories of a spread sample of the integrator's orders. */
async function orderTimings({ client, world, options }: BenchRun, orderIds: string[]): Promise<TimingSummary> {
  const sample = spreadSample(orderIds, options.historySample);
  return summarise(
    await fetchTimelines(
      client,
      sample.map((id) => orderWorkflowId(world.account, id)),
    ),
  );
}

export async function runBenchmark(input: Partial<BenchOptions> = {}): Promise<BenchResult> {
  const options = withDefaults(input);
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const startedAt = new Date();
  const loadAverageAtStart = os.loadavg()[0];
  const run = await setUpBench(options, log);
  try {
    const versionInfo = await versions(run.world);
    const drain = await drainBacklog(run);
    const steady = await steadyState(run, drain);
    log(`Reading ${options.historySample} histories per phase…`);
    const timings = {
      drain: await orderTimings(run, drain.backlog),
      steady: await orderTimings(run, steady.imported),
    };
    const floor = await temporalFloor(run, drain.backlog[0]);
    const floorOneActivity = await temporalFloor(run, drain.backlog[0], 'one-activity');
    return benchResult(run, {
      startedAt,
      loadAverageAtStart,
      versions: versionInfo,
      drain,
      steady,
      floor,
      floorOneActivity,
      timings,
    });
  } finally {
    await run.close();
  }
}
