/**
 * Phase 1, the backlog drain: N allegro.pl orders already READY_FOR_PROCESSING; the worker
 * process and the poller start; until every order has its document in Optima and its
 * workflow has closed. The worker and the poller stay running for the steady state.
 */
import type { WorkflowHandle } from '@temporalio/client';
import { pollerStartOptions, type PollerInput } from '../../workflows/definitions';
import type { pollAllegroEvents } from '../../workflows/poller';
import { cpuMs } from '../cpu';
import type { BenchRun } from '../setup';
import { explainStuckOrders, waitForCount, waitForWorkflowsClosed } from '../watch';
import type { BenchWorker } from '../worker-child';
import type { WorkerStats } from '../worker-protocol';
import { readCreatedLog } from '../world';
import { startIntegratorWorker } from './worker-start';

export interface DrainOutcome {
  backlog: string[];
  worker: BenchWorker;
  poller: WorkflowHandle<typeof pollAllegroEvents>;
  /** Backlog orders with a document. */
  documents: number;
  /** Poller start → the last backlog document created. */
  seconds: number;
  /** Poller start → the last backlog order workflow closed. */
  workflowsSeconds: number;
  secondsFromWorkerSpawn: number;
  peakRssMb: number | null;
  workerCpuMs: number;
  eventLoopDelay: WorkerStats['eventLoopDelay'];
  /** The benchmark's own process (the simulator, the counting). */
  benchCpuMs: number;
}

export const importOrdersQuery = (taskQueue: string) => `WorkflowType = 'importOrder' AND TaskQueue = '${taskQueue}'`;

export async function drainBacklog(run: BenchRun): Promise<DrainOutcome> {
  const { world, options, client, log } = run;
  const { taskQueue, account } = world;
  const syncFrom = new Date(Date.now() - 60_000).toISOString();
  // allegro.pl orders only: a backlog that can all be imported (the embedded Optima takes PLN
  // documents only; CZK and EUR orders wait for a person, see the steady phase).
  const backlog = world.simulator.admin.addOrders(options.orders, {
    status: 'READY_FOR_PROCESSING',
    marketplace: 'allegro-pl',
  });
  log(`Backlog: ${backlog.length} allegro.pl orders READY_FOR_PROCESSING. Starting the worker process…`);
  const { worker, spawnedAt } = await startIntegratorWorker(run);

  const pollerInput: PollerInput = {
    // The import rules by reference, as `npm run poller start` starts it (the worker reads its settings).
    account,
    schedule: { kind: 'interval', seconds: options.pollIntervalSeconds },
    pageSize: options.pageSize,
    initialSync: syncFrom,
  };
  run.serverCpu.mark('drain');
  const before = await worker.stats();
  const benchCpu = process.cpuUsage();
  const drainStart = Date.now();
  const poller = await client.workflow.start<typeof pollAllegroEvents>('pollAllegroEvents', {
    ...pollerStartOptions(account, taskQueue),
    args: [pollerInput],
  });
  const explain = () => explainStuckOrders(client, taskQueue);
  await waitForCount(run, { what: 'drain, documents', count: world.countDocuments, target: backlog.length, explain });
  const closedAt = await waitForWorkflowsClosed(
    run,
    'drain, order workflows closed',
    importOrdersQuery(taskQueue),
    backlog.length,
    explain,
  );
  const created = readCreatedLog(world.createdLog);
  const lastDocument = Math.max(...backlog.map((id) => created.get(id) ?? NaN));
  const peakRssMb = worker.takePhasePeakMb();
  const after = await worker.stats();
  run.serverCpu.mark('drain');
  const benchCpuUsed = process.cpuUsage(benchCpu);
  const seconds = (lastDocument - drainStart) / 1000;
  log(
    `Drain: ${backlog.length} documents in ${seconds.toFixed(1)} s (${(backlog.length / seconds).toFixed(1)} orders/s).`,
  );
  return {
    backlog,
    worker,
    poller,
    documents: backlog.filter((id) => created.has(id)).length,
    seconds,
    workflowsSeconds: (closedAt - drainStart) / 1000,
    secondsFromWorkerSpawn: (lastDocument - spawnedAt) / 1000,
    peakRssMb,
    workerCpuMs: cpuMs(before, after),
    eventLoopDelay: after.eventLoopDelay,
    benchCpuMs: (benchCpuUsed.user + benchCpuUsed.system) / 1000,
  };
}
