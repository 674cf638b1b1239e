/**
 * Phase 3, the steady state (the drain's worker and poller): orders arrive at a fixed rate
 * through the simulator's stream; latency from the READY_FOR_PROCESSING event's occurredAt to
 * the document's creation (logged in ms by the worker's gateway). Ends the integrator's run.
 */
import { percentiles, type Percentiles } from '../result';
import { cpuMs } from '../cpu';
import type { BenchRun } from '../setup';
import { explainStuckOrders, ordersNeedingAttention, sleep, terminateRunning, waitForVisibleCount } from '../watch';
import type { MemoryReading } from '../proc';
import type { WorkerStats } from '../worker-protocol';
import { readCreatedLog, type BenchWorld } from '../world';
import { importOrdersQuery, type DrainOutcome } from './drain';
import { ORDER_ID } from '../../workflows/search-attributes';

export interface SteadyOutcome {
  /** Orders the stream added. */
  orders: number;
  /** Those imported (a document), in the latencies. */
  imported: string[];
  needsAttention: { count: number; reasons: Record<string, number> };
  latencyMs: Percentiles;
  /** The same latency split where the order's workflow started: discovery, then the journey. */
  splitMs: { toStart: Percentiles; startToDocument: Percentiles };
  peakRssMb: number | null;
  workerCpuMs: number;
  eventLoopDelay: WorkerStats['eventLoopDelay'];
  /** The integrator worker's last memory reading, as it stopped. */
  lastReading: MemoryReading | null;
}

export async function steadyState(run: BenchRun, { worker, poller }: DrainOutcome): Promise<SteadyOutcome> {
  const { world, options, client, log } = run;
  const { taskQueue } = world;
  const before = new Set(world.simulator.admin.listOrderIds());
  const statsBefore = await worker.stats();
  run.serverCpu.mark('steady');
  log(`Steady state: ${options.rate} orders/s for ${options.steadySeconds} s…`);
  world.simulator.admin.startStream({ perSecond: options.rate, seed: options.seed });
  await sleep(options.steadySeconds * 1000);
  world.simulator.admin.stopStream();
  const streamed = world.simulator.admin.listOrderIds().filter((id) => !before.has(id));
  // The stream draws orders from every marketplace (CZK, EUR and HUF at the NBP stand-in's
  // rates). An order is settled with its document, or with a stop for a person (NeedsAttention).
  const needsAttention = `${importOrdersQuery(taskQueue)} AND ExecutionStatus = 'Running' AND OrderStatus = 'NeedsAttention'`;
  await waitForVisibleCount(run, {
    what: 'steady, orders settled (document or needs a person)',
    count: async () => world.countDocuments() + (await client.workflow.count(needsAttention)).count,
    target: before.size + streamed.length,
    explain: () => explainStuckOrders(client, taskQueue),
  });
  const stopped = await ordersNeedingAttention(client, taskQueue);
  const peakRssMb = worker.takePhasePeakMb();
  const statsAfter = await worker.stats();
  run.serverCpu.mark('steady');
  await poller.terminate('benchmark finished');
  const lastReading = await worker.stop();
  await terminateRunning(client, taskQueue);

  const created = readCreatedLog(world.createdLog);
  const ready = await readyTimes(world);
  const started = await startTimes(run, new Set(streamed));
  const imported = streamed.filter((id) => created.has(id));
  const spans = (from: Map<string, number>, to: Map<string, number>) =>
    percentiles(
      imported.flatMap((id) => {
        const [at, done] = [from.get(id), to.get(id)];
        return at !== undefined && done !== undefined ? [done - at] : [];
      }),
    );
  const latency = spans(ready, created);
  const splitMs = { toStart: spans(ready, started), startToDocument: spans(started, created) };
  log(
    `Steady: ${streamed.length} orders (${stopped.count} need a person), latency p50 ${latency.p50} ms, p95 ${latency.p95} ms, p99 ${latency.p99} ms.`,
  );
  return {
    orders: streamed.length,
    imported,
    needsAttention: stopped,
    latencyMs: latency,
    splitMs,
    peakRssMb,
    workerCpuMs: cpuMs(statsBefore, statsAfter),
    eventLoopDelay: statsAfter.eventLoopDelay,
    lastReading,
  };
}

/** READY_FOR_PROCESSING time of each order, from the simulated Allegro's event journal. */
async function readyTimes(world: BenchWorld): Promise<Map<string, number>> {
  const ready = new Map<string, number>();
  let from: string | undefined;
  for (;;) {
    const events = await world.allegro.getOrderEvents({ ...(from ? { from } : {}), limit: 1000 });
    for (const event of events) {
      const id = event.order.checkoutForm?.id;
      // A repeated READY_FOR_PROCESSING carries the same occurredAt; the first one counts.
      if (id && event.type === 'READY_FOR_PROCESSING' && !ready.has(id)) ready.set(id, Date.parse(event.occurredAt));
    }
    if (events.length < 1000) return ready;
    from = events[events.length - 1].id;
  }
}

/** When each order's workflow started (visibility's StartTime), by checkout form id. */
async function startTimes({ client, world }: BenchRun, orders: Set<string>): Promise<Map<string, number>> {
  const started = new Map<string, number>();
  for await (const execution of client.workflow.list({ query: importOrdersQuery(world.taskQueue) })) {
    const id = execution.typedSearchAttributes.get(ORDER_ID);
    if (id !== undefined && orders.has(id)) started.set(id, execution.startTime.getTime());
  }
  return started;
}
