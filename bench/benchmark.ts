/**
 * The benchmark (issue 7), on one machine: backlog drain, the Temporal floor for the same
 * workflow shape, steady-state latency, the worker's cost (memory, start time) and where an
 * order's time goes, step by step. Figures only: nothing here judges them.
 *
 *   1. drain: N orders already READY_FOR_PROCESSING in the event journal; the worker (its own
 *      process) and the poller start; until every order has its document in Optima.
 *   2. floor: N workflows with the same activities (types, order, queues read from a real
 *      importOrder history) that do nothing, started the same way (signal-with-start, the
 *      dispatcher's concurrency), on a worker process with the same tuning.
 *   3. steady: orders arrive at a fixed rate through the simulator's stream; latency from the
 *      READY_FOR_PROCESSING event's occurredAt to the document's creation (logged in ms by
 *      the worker's gateway), with the poller on a short interval.
 *   4. cost: the worker process's peak RSS (VmHWM, and sampled per phase), spawn → ready.
 *   5. per-activity timings from the histories of a sample of orders.
 */
import os from 'node:os';
import { WorkflowIdReusePolicy, type Client } from '@temporalio/client';
import { toImportPolicy } from '../config/settings';
import { ALLEGRO_ACTIVITIES } from '../activities';
import type { WorkerTuning } from '../worker/start';
import {
  allegroTaskQueue,
  orderEventSignal,
  orderProgressQuery,
  orderWorkflowId,
  pollerWorkflowId,
  type OrderEventSignal,
  type PollerInput,
} from '../workflows/definitions';
import type { pollAllegroEvents } from '../workflows/poller';
import { ACCOUNT, ORDER_ID } from '../workflows/search-attributes';
import type { benchFloorOrder, FloorStep } from './floor-workflow';
import { activityScheduleOf, fetchTimelines, spreadSample, summarise, type TimingSummary } from './histories';
import { findOwnChild, readCpuMs } from './proc';
import { spawnBenchWorker, type BenchWorker } from './worker-child';
import type { WorkerStats } from './worker-protocol';
import { createBenchWorld, documentsPerOrder, readCreatedLog, versions, type BenchWorld, type Versions } from './world';

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
};

export const DEFAULT_OPTIONS: BenchOptions = {
  orders: 2000,
  steadySeconds: 60,
  rate: 5,
  latencyMs: 40,
  pollIntervalSeconds: 1,
  pageSize: 100,
  tuning: DEFAULT_TUNING,
  allegroRequestsPerMinute: 9000,
  dispatchConcurrency: 8,
  historySample: 200,
  seed: 1,
  stallSeconds: 120,
};

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

export interface PerPhase<T> {
  drain: T;
  steady: T;
  floor: T;
}

export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  machine: {
    cores: number;
    cpuModel: string;
    totalMemoryMb: number;
    platform: string;
    arch: string;
    /** 1-minute load average before and after: above the core count, other work shared the CPUs. */
    loadAverageAtStart: number;
    loadAverageAtEnd: number;
  };
  versions: Versions;
  options: Omit<BenchOptions, 'log' | 'temporalAddress' | 'workflowBundlePath' | 'cpuProfileDir'> & {
    temporal: string;
    externalServer: boolean;
  };
  drain: {
    orders: number;
    documents: number;
    /** Poller start → the last backlog document created. */
    seconds: number;
    ordersPerSecond: number;
    /** Poller start → the last backlog order workflow closed (after its last step, recordLink). */
    workflowsSeconds: number;
    workflowsPerSecond: number;
    /** Worker process spawn → the last backlog document. */
    secondsFromWorkerSpawn: number;
  };
  floor: {
    workflows: number;
    activitiesPerWorkflow: number;
    activities: FloorStep[];
    /** First start → the last workflow closed. */
    seconds: number;
    ordersPerSecond: number;
  };
  /** Drain (workflows closed, like the floor) ÷ floor, in orders per second. */
  drainVsFloor: number;
  /** The same with the drain counted to its last document. */
  drainDocumentsVsFloor: number;
  steady: {
    ratePerSecond: number;
    seconds: number;
    pollIntervalSeconds: number;
    orders: number;
    documents: number;
    /** Orders that stopped for a person (foreign currency…): not in the latencies. */
    needsAttention: number;
    /** Their reasons (ids left out), with how many orders each. */
    needsAttentionReasons: Record<string, number>;
    /** READY_FOR_PROCESSING occurredAt → document created, ms (imported orders). */
    latencyMs: Percentiles;
  };
  worker: {
    startToReadyMs: number;
    rssAtReadyMb: number | null;
    peakRssAtReadyMb: number | null;
    peakRssMb: number | null;
    drainPeakRssMb: number | null;
    steadyPeakRssMb: number | null;
    floorWorkerStartToReadyMs: number;
    floorWorkerRssAtReadyMb: number | null;
    floorWorkerPeakRssMb: number | null;
    /** How long callbacks waited for the worker's main thread (activities run there), per phase. */
    eventLoopDelayMs: PerPhase<WorkerStats['eventLoopDelay']>;
  };
  /** CPU time (user + system) per order, per phase. */
  cpuMsPerOrder: {
    worker: PerPhase<number>;
    /** The dev server the benchmark started; null for a server started elsewhere. */
    temporalServer: PerPhase<number> | null;
    /** The benchmark's own process: the Allegro simulator, the counting (drain only). */
    benchProcess: number;
  };
  timings: {
    drain: TimingSummary;
    steady: TimingSummary;
    floor: TimingSummary;
    /** The step with the longest mean time per order in the steady state (queue + run). */
    dominantStep: { activityType: string; meanTotalMs: number; meanRunMs: number; shareOfOrder: number };
  };
  checks: {
    /** Orders on the simulator (backlog + stream). */
    orders: number;
    /** Distinct orders with a document in CDN.TraNag. */
    documents: number;
    /** Orders with more than one document. */
    duplicates: number;
    /** Orders that stopped for a person (no document, by design). */
    needsAttention: number;
    /** Orders with neither a document nor a reason. */
    missing: number;
  };
  allegroRequests: Record<string, number>;
}

/** Visibility queries cost the server CPU the phases share; the Optima count is a cheap local read. */
const VISIBILITY_POLL_MS = 500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length === 0 ? NaN : sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]);
  return {
    count: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    mean: sorted.length === 0 ? NaN : sorted.reduce((a, b) => a + b, 0) / sorted.length,
    min: sorted[0] ?? NaN,
    max: sorted[sorted.length - 1] ?? NaN,
  };
}

/** Polls `count` until it reaches `target`; fails when it stops moving for `stallMs`. */
async function waitForCount(
  what: string,
  count: () => number | Promise<number>,
  target: number,
  stallMs: number,
  log: (line: string) => void,
  explain: () => Promise<string>,
  everyMs = 100,
): Promise<void> {
  let last = -1;
  let movedAt = Date.now();
  let loggedAt = Date.now();
  for (;;) {
    const now = await count();
    if (now >= target) return;
    if (now !== last) {
      last = now;
      movedAt = Date.now();
    }
    if (Date.now() - loggedAt >= 5000) {
      log(`  ${what}: ${now}/${target}`);
      loggedAt = Date.now();
    }
    if (Date.now() - movedAt > stallMs) {
      throw new Error(`${what}: stuck at ${now}/${target} for ${Math.round(stallMs / 1000)} s. ${await explain()}`);
    }
    await sleep(everyMs);
  }
}

/** When the last completed workflow matching `query` closed (ms). */
async function lastClose(client: Client, query: string): Promise<number> {
  let lastCloseMs = 0;
  for await (const execution of client.workflow.list({ query: `${query} AND ExecutionStatus = 'Completed'` })) {
    lastCloseMs = Math.max(lastCloseMs, execution.closeTime?.getTime() ?? 0);
  }
  return lastCloseMs;
}

async function explainStuckOrders(client: Client, taskQueue: string): Promise<string> {
  const parts: string[] = [];
  for (const status of ['Fetching', 'Waiting', 'NeedsAttention']) {
    const running = `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running' AND OrderStatus = '${status}'`;
    const { count } = await client.workflow.count(running);
    if (count === 0) continue;
    parts.push(`${count} ${status}`);
    for await (const execution of client.workflow.list({ query: running, pageSize: 1 })) {
      const progress = await client.workflow.getHandle(execution.workflowId).query(orderProgressQuery);
      parts.push(
        `  e.g. ${execution.workflowId}: step ${progress.step}${progress.reason ? `, ${progress.reason}` : ''}`,
      );
      break;
    }
  }
  return parts.length > 0 ? `Running orders: ${parts.join('; ')}.` : 'No order workflow is running.';
}

/** Orders stopped for a person, by reason (the order ids taken out, so that equal reasons group). */
async function ordersNeedingAttention(
  client: Client,
  taskQueue: string,
): Promise<{ count: number; reasons: Record<string, number> }> {
  const reasons: Record<string, number> = {};
  let count = 0;
  const query = `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running' AND OrderStatus = 'NeedsAttention'`;
  for await (const execution of client.workflow.list({ query })) {
    count++;
    const progress = await client.workflow.getHandle(execution.workflowId).query(orderProgressQuery);
    const reason = (progress.reason ?? 'no reason given').replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
      '…',
    );
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  return { count, reasons };
}

/** The orders left waiting for a person: nothing will run them after the benchmark. */
async function terminateRunning(client: Client, taskQueue: string): Promise<void> {
  for await (const execution of client.workflow.list({
    query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`,
  })) {
    await client.workflow.getHandle(execution.workflowId).terminate('benchmark finished');
  }
}

/**
 * CPU time of the dev server the benchmark started, per phase: `mark` at a phase's start and
 * end. Null figures for a server started elsewhere (its process is not ours to read).
 */
function serverCpu(world: BenchWorld) {
  const pid = world.externalServer ? null : findOwnChild('temporal');
  const marks = new Map<keyof PerPhase<number>, number[]>();
  return {
    mark(phase: keyof PerPhase<number>) {
      const now = pid === null ? null : readCpuMs(pid);
      if (now !== null) marks.set(phase, [...(marks.get(phase) ?? []), now]);
    },
    perOrder(orders: PerPhase<number>): PerPhase<number> | null {
      const used = (phase: keyof PerPhase<number>) => {
        const [start, end] = marks.get(phase) ?? [];
        return start === undefined || end === undefined ? NaN : (end - start) / orders[phase];
      };
      return pid === null ? null : { drain: used('drain'), steady: used('steady'), floor: used('floor') };
    },
  };
}

const cpuMs = (from: WorkerStats, to: WorkerStats) => to.cpuUserMs + to.cpuSystemMs - from.cpuUserMs - from.cpuSystemMs;

const floorTaskQueue = (taskQueue: string) => `${taskQueue}-floor`;

/** Starts workflows at most `concurrency` at a time (as the poller's dispatcher does). */
async function inParallel<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
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

export async function runBenchmark(input: Partial<BenchOptions> = {}): Promise<BenchResult> {
  const options: BenchOptions = { ...DEFAULT_OPTIONS, ...input, tuning: { ...DEFAULT_TUNING, ...input.tuning } };
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const startedAt = new Date();
  const loadAverageAtStart = os.loadavg()[0];
  const stallMs = options.stallSeconds * 1000;

  log(`Setting up: Temporal, Allegro simulator (${options.latencyMs} ms per call), embedded Optima…`);
  const world = await createBenchWorld({
    latencyMs: options.latencyMs,
    seed: options.seed,
    log,
    ...(options.temporalAddress ? { temporalAddress: options.temporalAddress } : {}),
    ...(options.namespace ? { namespace: options.namespace } : {}),
  });
  const workers: BenchWorker[] = [];
  try {
    const { client, taskQueue, account } = world;
    const versionInfo = await versions(world);

    // ---- 1. backlog drain ----------------------------------------------------------------
    const syncFrom = new Date(Date.now() - 60_000).toISOString();
    // allegro.pl orders only: a backlog that can all be imported (the embedded Optima takes PLN
    // documents only; CZK and EUR orders wait for a person, see the steady phase).
    const backlog = world.simulator.admin.addOrders(options.orders, {
      status: 'READY_FOR_PROCESSING',
      marketplace: 'allegro-pl',
    });
    log(`Backlog: ${backlog.length} allegro.pl orders READY_FOR_PROCESSING. Starting the worker process…`);

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

    const pollerInput: PollerInput = {
      account,
      policy: toImportPolicy(world.settings),
      schedule: { kind: 'interval', seconds: options.pollIntervalSeconds },
      pageSize: options.pageSize,
      initialSync: syncFrom,
    };
    const server = serverCpu(world);
    server.mark('drain');
    const drainStats = await worker.stats();
    const benchCpu = process.cpuUsage();
    const drainStart = Date.now();
    const poller = await client.workflow.start<typeof pollAllegroEvents>('pollAllegroEvents', {
      workflowId: pollerWorkflowId(account),
      taskQueue,
      args: [pollerInput],
    });
    const ordersQuery = `WorkflowType = 'importOrder' AND TaskQueue = '${taskQueue}'`;
    const explain = () => explainStuckOrders(client, taskQueue);
    await waitForCount('drain, documents', world.countDocuments, backlog.length, stallMs, log, explain);
    await waitForCount(
      'drain, order workflows closed',
      async () => (await client.workflow.count(`${ordersQuery} AND ExecutionStatus = 'Completed'`)).count,
      backlog.length,
      stallMs,
      log,
      explain,
      VISIBILITY_POLL_MS,
    );
    const createdAfterDrain = readCreatedLog(world.createdLog);
    const lastBacklogDocument = Math.max(...backlog.map((id) => createdAfterDrain.get(id) ?? NaN));
    const drainClosedAt = await lastClose(client, ordersQuery);
    const drainPeakRssMb = worker.takePhasePeakMb();
    const afterDrain = await worker.stats();
    server.mark('drain');
    const benchCpuDrain = process.cpuUsage(benchCpu);
    const drainSeconds = (lastBacklogDocument - drainStart) / 1000;
    const drainWorkflowsSeconds = (drainClosedAt - drainStart) / 1000;
    log(
      `Drain: ${backlog.length} documents in ${drainSeconds.toFixed(1)} s (${(backlog.length / drainSeconds).toFixed(1)} orders/s).`,
    );

    // ---- 3. steady state (same worker, same poller) ---------------------------------------
    const before = new Set(world.simulator.admin.listOrderIds());
    const steadyStats = await worker.stats();
    server.mark('steady');
    log(`Steady state: ${options.rate} orders/s for ${options.steadySeconds} s…`);
    world.simulator.admin.startStream({ perSecond: options.rate });
    await sleep(options.steadySeconds * 1000);
    world.simulator.admin.stopStream();
    const streamed = world.simulator.admin.listOrderIds().filter((id) => !before.has(id));
    // The stream draws orders from every marketplace; the foreign ones stop for a person
    // (NeedsAttention) by design. An order is settled with its document or with that stop.
    const needsAttention = () =>
      client.workflow.count(`${ordersQuery} AND ExecutionStatus = 'Running' AND OrderStatus = 'NeedsAttention'`);
    await waitForCount(
      'steady, orders settled (document or needs a person)',
      async () => world.countDocuments() + (await needsAttention()).count,
      before.size + streamed.length,
      stallMs,
      log,
      explain,
      VISIBILITY_POLL_MS,
    );
    const stopped = await ordersNeedingAttention(client, taskQueue);
    const steadyPeakRssMb = worker.takePhasePeakMb();
    const afterSteady = await worker.stats();
    server.mark('steady');
    await poller.terminate('benchmark finished');
    const lastReading = await worker.stop();
    await terminateRunning(client, taskQueue);

    const created = readCreatedLog(world.createdLog);
    const ready = await readyTimes(world);
    const imported = streamed.filter((id) => created.has(id));
    const latencies = imported.flatMap((id) => {
      const at = ready.get(id);
      const done = created.get(id);
      return at !== undefined && done !== undefined ? [done - at] : [];
    });
    const latency = percentiles(latencies);
    log(
      `Steady: ${streamed.length} orders (${stopped.count} need a person), latency p50 ${latency.p50} ms, p95 ${latency.p95} ms, p99 ${latency.p99} ms.`,
    );

    // ---- 5. per-activity timings of the integrator ------------------------------------------
    log(`Reading ${options.historySample} histories per phase…`);
    const drainTimings = summarise(
      await fetchTimelines(
        client,
        spreadSample(backlog, options.historySample).map((id) => orderWorkflowId(account, id)),
      ),
    );
    const steadyTimings = summarise(
      await fetchTimelines(
        client,
        spreadSample(imported, options.historySample).map((id) => orderWorkflowId(account, id)),
      ),
    );

    // ---- 2. the Temporal floor --------------------------------------------------------------
    const schedule = await activityScheduleOf(client, orderWorkflowId(account, backlog[0]));
    const steps: FloorStep[] = schedule.map((s) => ({
      activityType: s.activityType,
      onAllegroQueue: s.taskQueue === allegroTaskQueue(taskQueue),
    }));
    const floorQueue = floorTaskQueue(taskQueue);
    log(
      `Floor: ${options.orders} workflows × ${steps.length} empty activities (${steps.map((s) => s.activityType).join(', ')}). Starting its worker process…`,
    );
    const floorWorker = await spawnBenchWorker({
      mode: 'floor',
      address: world.address,
      namespace: world.namespace,
      taskQueue: floorQueue,
      // With the Allegro activities' names the Allegro worker has something to run, as the real one does.
      activityTypes: [...new Set([...steps.map((s) => s.activityType), ...ALLEGRO_ACTIVITIES])],
      allegroRequestsPerMinute: options.allegroRequestsPerMinute,
      tuning: options.tuning,
    });
    workers.push(floorWorker);
    const floorStats = await floorWorker.stats();
    server.mark('floor');
    const floorIds = Array.from({ length: options.orders }, (_, i) => `floor:${account}:${i}`);
    const floorStart = Date.now();
    const signal: OrderEventSignal = {
      eventId: '0',
      type: 'READY_FOR_PROCESSING',
      occurredAt: new Date().toISOString(),
    };
    await inParallel(floorIds, options.dispatchConcurrency, async (workflowId) => {
      await client.workflow.signalWithStart<typeof benchFloorOrder, [OrderEventSignal]>('benchFloorOrder', {
        workflowId,
        taskQueue: floorQueue,
        args: [{ steps }],
        signal: orderEventSignal,
        signalArgs: [signal],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        typedSearchAttributes: [
          { key: ORDER_ID, value: workflowId },
          { key: ACCOUNT, value: account },
        ],
      });
    });
    const floorQuery = `WorkflowType = 'benchFloorOrder' AND TaskQueue = '${floorQueue}'`;
    await waitForCount(
      'floor, workflows closed',
      async () => (await client.workflow.count(`${floorQuery} AND ExecutionStatus = 'Completed'`)).count,
      floorIds.length,
      stallMs,
      log,
      async () => '',
      VISIBILITY_POLL_MS,
    );
    const floorClosedAt = await lastClose(client, floorQuery);
    const afterFloor = await floorWorker.stats();
    server.mark('floor');
    const floorReading = await floorWorker.stop();
    const floorSeconds = (floorClosedAt - floorStart) / 1000;
    const floorTimings = summarise(await fetchTimelines(client, spreadSample(floorIds, options.historySample)));
    log(
      `Floor: ${floorIds.length} workflows in ${floorSeconds.toFixed(1)} s (${(floorIds.length / floorSeconds).toFixed(1)} /s).`,
    );

    // ---- checks and the result ---------------------------------------------------------------
    const perOrder = documentsPerOrder(world.optimaFile);
    const orderIds = world.simulator.admin.listOrderIds();
    const documented = orderIds.filter((id) => (perOrder.get(id) ?? 0) > 0);
    const dominant = [...steadyTimings.steps].sort((a, b) => b.meanTotalMs - a.meanTotalMs)[0];
    const drainPerSecond = backlog.length / drainSeconds;
    const drainWorkflowsPerSecond = backlog.length / drainWorkflowsSeconds;
    const floorPerSecond = floorIds.length / floorSeconds;
    const {
      log: _log,
      temporalAddress: _address,
      workflowBundlePath: _bundle,
      cpuProfileDir: _profile,
      ...shownOptions
    } = options;

    return {
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machine: {
        cores: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
        platform: os.platform(),
        arch: os.arch(),
        loadAverageAtStart,
        loadAverageAtEnd: os.loadavg()[0],
      },
      versions: versionInfo,
      options: { ...shownOptions, temporal: world.address, externalServer: world.externalServer },
      drain: {
        orders: backlog.length,
        documents: backlog.filter((id) => createdAfterDrain.has(id)).length,
        seconds: drainSeconds,
        ordersPerSecond: drainPerSecond,
        workflowsSeconds: drainWorkflowsSeconds,
        workflowsPerSecond: drainWorkflowsPerSecond,
        secondsFromWorkerSpawn: (lastBacklogDocument - spawnedAt) / 1000,
      },
      floor: {
        workflows: floorIds.length,
        activitiesPerWorkflow: steps.length,
        activities: steps,
        seconds: floorSeconds,
        ordersPerSecond: floorPerSecond,
      },
      drainVsFloor: drainWorkflowsPerSecond / floorPerSecond,
      drainDocumentsVsFloor: drainPerSecond / floorPerSecond,
      steady: {
        ratePerSecond: options.rate,
        seconds: options.steadySeconds,
        pollIntervalSeconds: options.pollIntervalSeconds,
        orders: streamed.length,
        documents: imported.length,
        needsAttention: stopped.count,
        needsAttentionReasons: stopped.reasons,
        latencyMs: latency,
      },
      worker: {
        startToReadyMs: worker.startToReadyMs,
        rssAtReadyMb: worker.atReady?.rssMb ?? null,
        peakRssAtReadyMb: worker.atReady?.peakRssMb ?? null,
        peakRssMb: lastReading?.peakRssMb ?? null,
        drainPeakRssMb,
        steadyPeakRssMb,
        floorWorkerStartToReadyMs: floorWorker.startToReadyMs,
        floorWorkerRssAtReadyMb: floorWorker.atReady?.rssMb ?? null,
        floorWorkerPeakRssMb: floorReading?.peakRssMb ?? null,
        eventLoopDelayMs: {
          drain: afterDrain.eventLoopDelay,
          steady: afterSteady.eventLoopDelay,
          floor: afterFloor.eventLoopDelay,
        },
      },
      cpuMsPerOrder: {
        worker: {
          drain: cpuMs(drainStats, afterDrain) / backlog.length,
          steady: cpuMs(steadyStats, afterSteady) / streamed.length,
          floor: cpuMs(floorStats, afterFloor) / floorIds.length,
        },
        temporalServer: server.perOrder({ drain: backlog.length, steady: streamed.length, floor: floorIds.length }),
        benchProcess: (benchCpuDrain.user + benchCpuDrain.system) / 1000 / backlog.length,
      },
      timings: {
        drain: drainTimings,
        steady: steadyTimings,
        floor: floorTimings,
        dominantStep: {
          activityType: dominant?.activityType ?? 'none',
          meanTotalMs: dominant?.meanTotalMs ?? NaN,
          meanRunMs: dominant?.meanRunMs ?? NaN,
          shareOfOrder: dominant ? dominant.meanTotalMs / steadyTimings.meanOrderMs : NaN,
        },
      },
      checks: {
        orders: orderIds.length,
        documents: documented.length,
        duplicates: orderIds.filter((id) => (perOrder.get(id) ?? 0) > 1).length,
        needsAttention: stopped.count,
        missing: orderIds.length - documented.length - stopped.count,
      },
      allegroRequests: world.simulator.admin.stats().requests,
    };
  } finally {
    for (const worker of workers) await worker.stop();
    // After a failure on a shared server: nothing is left running (a no-op after a full run).
    for (const queue of [world.taskQueue, floorTaskQueue(world.taskQueue)]) {
      await terminateRunning(world.client, queue).catch((error: unknown) =>
        log(`could not clean up ${queue}: ${String(error)}`),
      );
    }
    await world.close();
  }
}
