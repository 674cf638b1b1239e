/**
 * The benchmark's result: every figure `npm run bench` prints and writes to its JSON file,
 * put together from the phases' outcomes.
 */
import os from 'node:os';
import type { FloorStep } from './floor-workflow';
import type { TimingSummary } from './histories';
import type { BenchOptions } from './options';
import type { DrainOutcome } from './phases/drain';
import type { FloorOutcome } from './phases/floor';
import type { SteadyOutcome } from './phases/steady';
import type { BenchRun } from './setup';
import type { WorkerStats } from './worker-protocol';
import { documentsPerOrder, type Versions } from './world';

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
  /** The same with one activity per workflow: the least a durable per-order workflow costs. */
  floorOneActivity: {
    workflows: number;
    activity: string;
    seconds: number;
    ordersPerSecond: number;
    cpuMsPerOrder: { worker: number; temporalServer: number | null };
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
    /** Event → workflow started (discovery: the poll's wait, read and dispatch), started → document. */
    latencySplitMs: { toStart: Percentiles; startToDocument: Percentiles };
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

export interface PhaseOutcomes {
  startedAt: Date;
  loadAverageAtStart: number;
  versions: Versions;
  drain: DrainOutcome;
  steady: SteadyOutcome;
  floor: FloorOutcome;
  floorOneActivity: FloorOutcome;
  /** Per-activity timings of the integrator's orders (the floor has its own). */
  timings: { drain: TimingSummary; steady: TimingSummary };
}

function machine(loadAverageAtStart: number): BenchResult['machine'] {
  return {
    cores: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    totalMemoryMb: Math.round(os.totalmem() / 2 ** 20),
    platform: os.platform(),
    arch: os.arch(),
    loadAverageAtStart,
    loadAverageAtEnd: os.loadavg()[0],
  };
}

/** Read from the Optima files once every worker has stopped. */
function checks({ world }: BenchRun, needsAttention: number): BenchResult['checks'] {
  const perOrder = documentsPerOrder(world.optimaFile);
  const orderIds = world.simulator.admin.listOrderIds();
  const documented = orderIds.filter((id) => (perOrder.get(id) ?? 0) > 0);
  return {
    orders: orderIds.length,
    documents: documented.length,
    duplicates: orderIds.filter((id) => (perOrder.get(id) ?? 0) > 1).length,
    needsAttention,
    missing: orderIds.length - documented.length - needsAttention,
  };
}

/** The step with the longest mean time per order in the steady state. */
function dominantStep(steady: TimingSummary): BenchResult['timings']['dominantStep'] {
  const dominant = [...steady.steps].sort((a, b) => b.meanTotalMs - a.meanTotalMs)[0];
  return {
    activityType: dominant?.activityType ?? 'none',
    meanTotalMs: dominant?.meanTotalMs ?? NaN,
    meanRunMs: dominant?.meanRunMs ?? NaN,
    shareOfOrder: dominant ? dominant.meanTotalMs / steady.meanOrderMs : NaN,
  };
}

export function benchResult(run: BenchRun, outcomes: PhaseOutcomes): BenchResult {
  const { drain, steady, floor, floorOneActivity, timings } = outcomes;
  const { world, options } = run;
  const checked = checks(run, steady.needsAttention.count);
  const backlog = drain.backlog.length;
  const drainPerSecond = backlog / drain.seconds;
  const drainWorkflowsPerSecond = backlog / drain.workflowsSeconds;
  const floorPerSecond = floor.workflows / floor.seconds;
  const {
    log: _log,
    temporalAddress: _address,
    workflowBundlePath: _bundle,
    cpuProfileDir: _profile,
    ...shownOptions
  } = options;
  return {
    startedAt: outcomes.startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machine(outcomes.loadAverageAtStart),
    versions: outcomes.versions,
    options: { ...shownOptions, temporal: world.address, externalServer: world.externalServer },
    drain: {
      orders: backlog,
      documents: drain.documents,
      seconds: drain.seconds,
      ordersPerSecond: drainPerSecond,
      workflowsSeconds: drain.workflowsSeconds,
      workflowsPerSecond: drainWorkflowsPerSecond,
      secondsFromWorkerSpawn: drain.secondsFromWorkerSpawn,
    },
    floor: {
      workflows: floor.workflows,
      activitiesPerWorkflow: floor.steps.length,
      activities: floor.steps,
      seconds: floor.seconds,
      ordersPerSecond: floorPerSecond,
    },
    floorOneActivity: {
      workflows: floorOneActivity.workflows,
      activity: floorOneActivity.steps.map((step) => step.activityType).join(', '),
      seconds: floorOneActivity.seconds,
      ordersPerSecond: floorOneActivity.workflows / floorOneActivity.seconds,
      cpuMsPerOrder: {
        worker: floorOneActivity.workerCpuMs / floorOneActivity.workflows,
        temporalServer: floorOneActivity.serverCpuMsPerWorkflow,
      },
    },
    drainVsFloor: drainWorkflowsPerSecond / floorPerSecond,
    drainDocumentsVsFloor: drainPerSecond / floorPerSecond,
    steady: {
      ratePerSecond: options.rate,
      seconds: options.steadySeconds,
      pollIntervalSeconds: options.pollIntervalSeconds,
      orders: steady.orders,
      documents: steady.imported.length,
      needsAttention: steady.needsAttention.count,
      needsAttentionReasons: steady.needsAttention.reasons,
      latencyMs: steady.latencyMs,
      latencySplitMs: steady.splitMs,
    },
    worker: {
      startToReadyMs: drain.worker.startToReadyMs,
      rssAtReadyMb: drain.worker.atReady?.rssMb ?? null,
      peakRssAtReadyMb: drain.worker.atReady?.peakRssMb ?? null,
      peakRssMb: steady.lastReading?.peakRssMb ?? null,
      drainPeakRssMb: drain.peakRssMb,
      steadyPeakRssMb: steady.peakRssMb,
      floorWorkerStartToReadyMs: floor.workerStartToReadyMs,
      floorWorkerRssAtReadyMb: floor.workerRssAtReadyMb,
      floorWorkerPeakRssMb: floor.workerPeakRssMb,
      eventLoopDelayMs: { drain: drain.eventLoopDelay, steady: steady.eventLoopDelay, floor: floor.eventLoopDelay },
    },
    cpuMsPerOrder: {
      worker: {
        drain: drain.workerCpuMs / backlog,
        steady: steady.workerCpuMs / steady.orders,
        floor: floor.workerCpuMs / floor.workflows,
      },
      temporalServer: run.serverCpu.perOrder({ drain: backlog, steady: steady.orders, floor: floor.workflows }),
      benchProcess: drain.benchCpuMs / backlog,
    },
    timings: { ...timings, floor: floor.timings, dominantStep: dominantStep(timings.steady) },
    checks: checked,
    allegroRequests: world.simulator.admin.stats().requests,
  };
}
