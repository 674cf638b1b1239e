/**
 * Runs the integrator's workers in this process: one on the main task queue (all workflows,
 * the Optima and Temporal activities), one on the Allegro task queue (the activities that
 * call Allegro), whose rate the server enforces for all workers together, a small one on
 * the pollers' queue (pollerTaskQueue), whose slots no order task takes, and one that takes a
 * couple of a long page's dispatch parts at a time (dispatchTaskQueue). Used by
 * worker/main.ts, the demo, the benchmark and the tests.
 */
import path from 'node:path';
import type { DataConverter } from '@temporalio/common';
import { Worker, type NativeConnection, type WorkflowBundleOption } from '@temporalio/worker';
import { ALLEGRO_ACTIVITIES, type Activities } from '../activities';
import { DISPATCH_HEARTBEAT_MS } from '../activities/dispatch-progress';
import type { DispatchInput } from '../activities/types';
import { allegroTaskQueue, dispatchTaskQueue, pollerTaskQueue } from '../workflows/definitions';
import { activityInterceptors } from './interceptors';
import { MetricsActivityInterceptor } from './metrics';
import { workflowBundleForStart } from './workflow-bundle';

/**
 * Dispatch parts a worker runs at once. The parts of a burst's page are spread over the workers
 * as they free up; a killed worker holds up only these (until their heartbeat timeout), and its
 * process's starts in flight are shared by them (activities/poller-activities.ts).
 */
export const DISPATCH_PARTS_PER_WORKER = 2;

export interface WorkerTuning {
  /** Activity slots of the main worker (Optima writes; a long page's dispatch parts have a worker of their own). Default 20. */
  maxConcurrentActivityTaskExecutions?: number;
  /** Activity slots of the Allegro worker (HTTP calls). Default 20. */
  maxConcurrentAllegroActivityTaskExecutions?: number;
  /** Default 40. */
  maxConcurrentWorkflowTaskExecutions?: number;
  /** Workflows kept in memory between tasks. Default 2,000. */
  maxCachedWorkflows?: number;
  /**
   * Answer the Web UI's "Stack Trace" (where a running workflow waits in its code). Default
   * false: it costs every promise of every workflow a captured, source-mapped stack, ~15 ms of
   * CPU and ~20 % of the memory per order (bench/README.md); the history, the current details
   * and the status show an order's journey without it.
   */
  workflowStackTraces?: boolean;
  /**
   * The SDK's guard against workflow code stuck in a synchronous loop (the task fails after 5 s
   * instead of holding the workflow thread). Default false: Node starts and joins a watchdog
   * thread for every call into the workflow sandbox, several per workflow task, which on a busy
   * 2-core machine cost ~10 ms of worker CPU and ~15 ms of latency per task (bench/README.md).
   * Without it, such a loop (a bug in workflows/) stalls this worker's workflows until it is
   * restarted; their tasks time out and show in the UI.
   */
  workflowDeadlockGuard?: boolean;
}

/**
 * Read by the workflow threads (patches/@temporalio+worker+*.patch: the SDK has no option for
 * it), which copy the environment when a Worker creates them.
 */
export const WORKFLOW_STACK_TRACES_ENV = 'ALLEGRO_OPTIMA_WORKFLOW_STACK_TRACES';
/** Likewise for the sandbox's watchdog (patched into the SDK beside the stack traces). */
export const WORKFLOW_DEADLOCK_GUARD_ENV = 'ALLEGRO_OPTIMA_WORKFLOW_DEADLOCK_GUARD';

/**
 * Node's flags for a worker process: `npm run worker` (package.json), the benchmark's and the
 * chaos run's workers. With memory to spare, V8 lets each heap (the main thread's, and each
 * workflow thread's) grow to about four times what it holds before collecting; under a 512 MB
 * ceiling it collects at about 1.4 times. A 2,000-order backlog peaked at ~395 MB RSS instead of
 * ~520 MB, for no more CPU (bench/README.md). The young generation's semi-spaces are 4 MB (16 MB
 * by default, per heap: the worker has three): 401 → 344 MB peak, and the drain no slower.
 */
export const WORKER_NODE_FLAGS = ['--max-old-space-size=512', '--max-semi-space-size=4'] as const;

/**
 * How a worker process runs its TypeScript: `node <WORKER_NODE_FLAGS> COMPILED_WORKER <entry.ts>`
 * compiles the entry into one JS file (scripts/compiled-worker.cjs) and runs that. Through tsx a
 * start took ~1 s more CPU (3.0-3.5 s, now 2.2-2.6 s) and was running ~0.6 s later; a worker
 * restarted in a burst takes that CPU from the server (bench/README.md).
 */
export const COMPILED_WORKER = path.join(__dirname, '..', 'scripts', 'compiled-worker.cjs');

/**
 * Workflows kept in memory between their tasks, unless tuned: a 2,000-order backlog stays
 * cached within the ceiling above (the SDK's default, derived from the heap limit, would be ~200).
 */
const DEFAULT_MAX_CACHED_WORKFLOWS = 2000;

export interface StartWorkerDeps {
  connection: NativeConnection;
  /** Default `default`. */
  namespace?: string;
  taskQueue: string;
  /** From createActivities(…). */
  activities: Activities;
  /** A bundle made by the caller (tests); default: build/'s, made at build time (workflow-bundle.ts). */
  workflowBundle?: WorkflowBundleOption;
  /**
   * settings.allegroRateLimitPerMinute: Allegro allows 9,000 requests a minute per client id
   * across all workers. Sets the Allegro queue's maxTaskQueueActivitiesPerSecond (an activity
   * makes one request or a few; the client's backoff on 429 covers the rest).
   */
  allegroRequestsPerMinute?: number;
  tuning?: WorkerTuning;
  identity?: string;
  /** The payload codec (encryption/): workers and clients must agree on it. Default: none. */
  dataConverter?: DataConverter;
}

export interface RunningWorker {
  taskQueue: string;
  allegroTaskQueue: string;
  pollerTaskQueue: string;
  workers: Worker[];
  /** Settles when all workers stopped: after shutdown(), a shutdown signal, or a fatal error (rethrown). */
  done: Promise<void>;
  /** Stops polling, lets running tasks finish (shutdownGraceTime), resolves when stopped. */
  shutdown(): Promise<void>;
}

export async function startWorker(deps: StartWorkerDeps): Promise<RunningWorker> {
  const tuning = deps.tuning ?? {};
  const namespace = deps.namespace ?? 'default';
  const allegroQueue = allegroTaskQueue(deps.taskQueue);
  const pollerQueue = pollerTaskQueue(deps.taskQueue);
  const allegroNames = new Set<string>(ALLEGRO_ACTIVITIES);
  const allegroActivities = Object.fromEntries(
    Object.entries(deps.activities).filter(([name]) => allegroNames.has(name)),
  );

  // Typed failures, heartbeats (interceptors.ts); then counting what operators alert on (metrics.ts).
  const interceptors = { activity: [() => ({ inbound: new MetricsActivityInterceptor() }), activityInterceptors] };
  process.env[WORKFLOW_STACK_TRACES_ENV] = tuning.workflowStackTraces ? 'on' : 'off';
  process.env[WORKFLOW_DEADLOCK_GUARD_ENV] = tuning.workflowDeadlockGuard ? 'on' : 'off';
  // Bundled once for the two workers that run workflows.
  const workflowBundle = deps.workflowBundle ?? (await workflowBundleForStart());
  // Created together: the two workflow workers each load the bundle into a thread of their own,
  // ~0.6 s apiece, which two cores do at once.
  const creating = [
    Worker.create({
      interceptors,
      connection: deps.connection,
      namespace,
      taskQueue: deps.taskQueue,
      workflowBundle,
      // All of them: a local activity runs where its workflow task does (a poller started on this
      // queue before pollerTaskQueue existed reads Allegro locally). Regular Allegro activities
      // are only ever scheduled on the Allegro queue.
      activities: deps.activities,
      maxConcurrentActivityTaskExecutions: tuning.maxConcurrentActivityTaskExecutions ?? 20,
      maxConcurrentWorkflowTaskExecutions: tuning.maxConcurrentWorkflowTaskExecutions ?? 40,
      maxCachedWorkflows: tuning.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
      shutdownGraceTime: '10 seconds',
      ...(deps.identity ? { identity: deps.identity } : {}),
      ...(deps.dataConverter ? { dataConverter: deps.dataConverter } : {}),
    }),
    Worker.create({
      interceptors,
      connection: deps.connection,
      namespace,
      taskQueue: allegroQueue,
      activities: allegroActivities,
      maxConcurrentActivityTaskExecutions: tuning.maxConcurrentAllegroActivityTaskExecutions ?? 20,
      ...(deps.allegroRequestsPerMinute ? { maxTaskQueueActivitiesPerSecond: deps.allegroRequestsPerMinute / 60 } : {}),
      shutdownGraceTime: '10 seconds',
      ...(deps.identity ? { identity: `${deps.identity}/allegro` } : {}),
      ...(deps.dataConverter ? { dataConverter: deps.dataConverter } : {}),
    }),
    Worker.create({
      interceptors,
      connection: deps.connection,
      namespace,
      taskQueue: dispatchTaskQueue(deps.taskQueue),
      activities: { dispatchOrderEvents: (input: DispatchInput) => deps.activities.dispatchOrderEvents(input) },
      maxConcurrentActivityTaskExecutions: DISPATCH_PARTS_PER_WORKER,
      // Each progress beat reaches the server: the short heartbeat timeout counts from the last one.
      maxHeartbeatThrottleInterval: DISPATCH_HEARTBEAT_MS,
      defaultHeartbeatThrottleInterval: DISPATCH_HEARTBEAT_MS,
      shutdownGraceTime: '10 seconds',
      ...(deps.identity ? { identity: `${deps.identity}/dispatch` } : {}),
      ...(deps.dataConverter ? { dataConverter: deps.dataConverter } : {}),
    }),
    // One poller per account: a few slots suffice; after a worker dies its sticky queue is given
    // up soon, so the poller's next task goes to a live worker instead of waiting 10 s (in a
    // chaos run's burst the server fired a 2 s timeout 3.6-5.9 s late: the next page waited on it).
    Worker.create({
      interceptors,
      connection: deps.connection,
      namespace,
      taskQueue: pollerQueue,
      workflowBundle,
      activities: deps.activities,
      maxConcurrentWorkflowTaskExecutions: 4,
      maxConcurrentActivityTaskExecutions: 8,
      maxCachedWorkflows: 50,
      stickyQueueScheduleToStartTimeout: '1 second',
      shutdownGraceTime: '10 seconds',
      ...(deps.identity ? { identity: `${deps.identity}/poller` } : {}),
      ...(deps.dataConverter ? { dataConverter: deps.dataConverter } : {}),
    }),
  ];
  const workers = await Promise.all(creating);
  const stop = () => {
    // A worker already stopping (a signal, or the other one failed) is left to finish.
    for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  const done = Promise.allSettled(
    workers.map((worker) =>
      worker.run().catch((error: unknown) => {
        stop();
        throw error;
      }),
    ),
  ).then((results) => {
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  });
  // Callers that only ever call shutdown() still see the failure there, not as an unhandled rejection.
  done.catch(() => undefined);

  return {
    taskQueue: deps.taskQueue,
    allegroTaskQueue: allegroQueue,
    pollerTaskQueue: pollerQueue,
    workers,
    done,
    async shutdown() {
      stop();
      await done;
    },
  };
}
