/**
 * Phase 2, the Temporal floor: N workflows with the same activities as a real importOrder
 * (types, order, queues read from its history) that do nothing, started the way the poller
 * dispatches orders (signal-with-start, its concurrency), on a worker process with the same
 * tuning. What the drain would reach if the activities cost nothing.
 */
import { ALLEGRO_ACTIVITIES } from '../../activities';
import { mapLimited } from '../../activities/concurrency';
import { orderStartOptions } from '../../activities/order-start';
import { allegroTaskQueue, orderWorkflowId } from '../../workflows/definitions';
import { cpuMs } from '../cpu';
import type { benchFloorOrder, FloorStep } from '../floor-workflow';
import { activityScheduleOf, fetchTimelines, spreadSample, summarise, type TimingSummary } from '../histories';
import { floorTaskQueue, oneActivityFloorTaskQueue, type BenchRun } from '../setup';
import { waitForWorkflowsClosed } from '../watch';
import { spawnBenchWorker } from '../worker-child';
import type { WorkerStats } from '../worker-protocol';

export interface FloorOutcome {
  workflows: number;
  steps: FloorStep[];
  /** First start → the last workflow closed. */
  seconds: number;
  workerStartToReadyMs: number;
  workerRssAtReadyMb: number | null;
  workerPeakRssMb: number | null;
  workerCpuMs: number;
  eventLoopDelay: WorkerStats['eventLoopDelay'];
  timings: TimingSummary;
  /** The dev server's CPU ms per workflow in this floor; null for a server started elsewhere. */
  serverCpuMsPerWorkflow: number | null;
}

/**
 * `steps`: the real order's activities; `one-activity`: only its first, the least a durable
 * per-order workflow costs (start, one activity, completion), to set the six-step floor against.
 */
export type FloorShape = 'steps' | 'one-activity';

/** The activities of a real order (the first of the backlog), in the order it ran them. */
async function realOrderSteps(run: BenchRun, orderId: string): Promise<FloorStep[]> {
  const { client, account, taskQueue } = run.world;
  const schedule = await activityScheduleOf(client, orderWorkflowId(account, orderId));
  return schedule.map((s) => ({
    activityType: s.activityType,
    onAllegroQueue: s.taskQueue === allegroTaskQueue(taskQueue),
  }));
}

export async function temporalFloor(
  run: BenchRun,
  realOrderId: string,
  shape: FloorShape = 'steps',
): Promise<FloorOutcome> {
  const { world, options, client, log } = run;
  const { account } = world;
  const realSteps = await realOrderSteps(run, realOrderId);
  const steps = shape === 'steps' ? realSteps : realSteps.slice(0, 1);
  const phase = shape === 'steps' ? 'floor' : 'floorOneActivity';
  const floorQueue = (shape === 'steps' ? floorTaskQueue : oneActivityFloorTaskQueue)(world.taskQueue);
  log(
    `Floor: ${options.orders} workflows × ${steps.length} empty activities (${steps.map((s) => s.activityType).join(', ')}). Starting its worker process…`,
  );
  const worker = await spawnBenchWorker({
    mode: 'floor',
    address: world.address,
    namespace: world.namespace,
    taskQueue: floorQueue,
    // With the Allegro activities' names the Allegro worker has something to run, as the real one does.
    activityTypes: [...new Set([...steps.map((s) => s.activityType), ...ALLEGRO_ACTIVITIES])],
    allegroRequestsPerMinute: options.allegroRequestsPerMinute,
    tuning: options.tuning,
  });
  run.workers.push(worker);
  const before = await worker.stats();
  run.serverCpu.mark(phase);
  const floorIds = Array.from({ length: options.orders }, (_, i) => `${phase}:${account}:${i}`);
  const floorStart = Date.now();
  await mapLimited(floorIds, options.dispatchConcurrency, async (workflowId) => {
    await client.workflow.start<typeof benchFloorOrder>('benchFloorOrder', {
      workflowId,
      taskQueue: floorQueue,
      args: [{ steps }],
      ...orderStartOptions(account, workflowId),
    });
  });
  const floorQuery = `WorkflowType = 'benchFloorOrder' AND TaskQueue = '${floorQueue}'`;
  const closedAt = await waitForWorkflowsClosed(run, 'floor, workflows closed', floorQuery, floorIds.length, () =>
    Promise.resolve(''),
  );
  const after = await worker.stats();
  run.serverCpu.mark(phase);
  const lastReading = await worker.stop();
  const seconds = (closedAt - floorStart) / 1000;
  const timings = summarise(await fetchTimelines(client, spreadSample(floorIds, options.historySample)));
  log(
    `Floor (${shape}): ${floorIds.length} workflows in ${seconds.toFixed(1)} s (${(floorIds.length / seconds).toFixed(1)} /s).`,
  );
  return {
    workflows: floorIds.length,
    steps,
    seconds,
    workerStartToReadyMs: worker.startToReadyMs,
    workerRssAtReadyMb: worker.atReady?.rssMb ?? null,
    workerPeakRssMb: lastReading?.peakRssMb ?? null,
    workerCpuMs: cpuMs(before, after),
    eventLoopDelay: after.eventLoopDelay,
    timings,
    serverCpuMsPerWorkflow: run.serverCpu.perOrderOf(phase, floorIds.length),
  };
}
