/**
 * One chaos run: paid orders (some merged payments) arrive on the simulated Allegro while it
 * answers a share of calls with 503/429, the embedded Optima refuses a share of logins, worker
 * processes are SIGKILLed and started again, the Temporal dev server restarts once, buyers
 * cancel and Allegro repeats READY events; then it waits until everything has settled and
 * counts what happened (chaos/verdict.ts).
 */
import { pollerStartOptions, pollerWorkflowId, type PollerInput } from '../../workflows/definitions';
import type { pollAllegroEvents } from '../../workflows/poller';
import { paidTo, startedOf, workflowStarts, type Percentiles } from './latency';
import { chaosWithDefaults, seededRandom, type ChaosOptions } from './options';
import { contractorIds, documentTimes, judge, readDocuments, type Injected, type Verdict } from './verdict';
import { workerPool } from './workers';
import { createChaosWorld, type ChaosWorld } from './world';

export interface ChaosResult {
  options: Omit<ChaosOptions, 'log'>;
  verdict: Verdict;
  paidToWorkflowStarted: Percentiles;
  /** Whole seconds: Optima's audit time has no finer grain. */
  paidToDocument: Percentiles;
  faults: { kills: number; serverRestarts: number; allegroRequests: number; allegroFaults: number };
  /** Last fault over (the process or server back) → every paid order settled. */
  settleSecondsAfterLastFault: number | null;
  settled: boolean;
  wallSeconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MARKETPLACE = { marketplace: 'allegro-pl' } as const;

/** At random moments within the window, in time order: `count` calls of `act`. */
async function atRandomMoments(
  count: number,
  windowMs: number,
  random: () => number,
  start: number,
  act: (i: number) => Promise<void> | void,
) {
  const moments = Array.from({ length: count }, () => 2000 + random() * Math.max(0, windowMs - 2000)).sort(
    (a, b) => a - b,
  );
  for (const [i, at] of moments.entries()) {
    await sleep(Math.max(0, start + at - Date.now()));
    await act(i);
  }
}

function injectOrders(world: ChaosWorld, options: ChaosOptions, random: () => number, injected: Injected) {
  const { admin } = world.simulator;
  const merges = Math.round(options.orders * options.mergeRate);
  const unpaid: string[][] = [];
  return {
    /** The plain paid orders, spread over options.spreadSeconds; the merges' unpaid forms first. */
    async arrive() {
      for (let i = 0; i < merges; i++) {
        unpaid.push([0, 1].map(() => admin.addOrder({ status: 'FILLED_IN', ...MARKETPLACE })));
      }
      const plain = options.orders - merges;
      const batches = Math.max(1, Math.round(options.spreadSeconds * 4));
      const start = Date.now();
      for (let b = 0; b < batches; b++) {
        await sleep(Math.max(0, start + (b * options.spreadSeconds * 1000) / batches - Date.now()));
        const size = Math.floor(((b + 1) * plain) / batches) - Math.floor((b * plain) / batches);
        for (let i = 0; i < size; i++)
          injected.paidAt.set(admin.addOrder({ status: 'READY_FOR_PROCESSING', ...MARKETPLACE }), Date.now());
      }
    },
    /** The buyer pays two unpaid forms at once: Allegro makes one form of them (the old ones are gone). */
    merge(i: number) {
      const parts = unpaid[i];
      const merged = admin.merge(parts, 'READY_FOR_PROCESSING');
      for (const part of parts) injected.mergedAway.add(part);
      injected.paidAt.set(merged, Date.now());
    },
    pick(): string | undefined {
      const ids = [...injected.paidAt.keys()].filter((id) => !injected.cancelled.has(id));
      return ids.length === 0 ? undefined : ids[Math.floor(random() * ids.length)];
    },
  };
}

export async function runChaos(input: Partial<ChaosOptions>): Promise<ChaosResult> {
  const options = chaosWithDefaults(input);
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const random = seededRandom(options.seed);
  const world = await createChaosWorld(options, log);
  const pool = workerPool({
    count: options.workers,
    settingsFile: world.settingsFile,
    workflowBundle: world.workflowBundle,
    licenceRefusalRate: options.licenceRefusalRate,
    dir: world.dir,
    log,
  });
  try {
    const seedContractorMax = Math.max(0, ...contractorIds(world.optimaFile));
    await pool.start();
    // The import rules by reference, as `npm run poller start` starts it: the orders read the
    // workers' settings, not ~2 KB of rules carried in every start and history.
    const pollerInput: PollerInput = {
      account: world.account,
      schedule: { kind: 'interval', seconds: options.pollIntervalSeconds },
      pageSize: options.pageSize,
      initialSync: new Date(Date.now() - 60_000).toISOString(),
    };
    await world.client.workflow.start<typeof pollAllegroEvents>('pollAllegroEvents', {
      ...pollerStartOptions(world.account, world.taskQueue),
      args: [pollerInput],
    });

    const injected: Injected = { paidAt: new Map(), cancelled: new Set(), mergedAway: new Set() };
    const orders = injectOrders(world, options, random, injected);
    const windowMs = (options.faultWindowSeconds ?? options.spreadSeconds + 20) * 1000;
    const t0 = Date.now();
    log(`Injecting ${options.orders} paid orders over ${options.spreadSeconds} s; faults within ${windowMs / 1000} s`);
    const merges = Math.round(options.orders * options.mergeRate);
    let lastFaultAt = t0;
    const faultDone = () => void (lastFaultAt = Math.max(lastFaultAt, Date.now()));
    const plan = [
      orders.arrive(),
      atRandomMoments(merges, windowMs / 2, random, t0, (i) => orders.merge(i)),
      atRandomMoments(Math.round(options.orders * options.repeatRate), windowMs, random, t0, () => {
        const id = orders.pick();
        if (id) world.simulator.admin.repeatReadyEvent(id);
      }),
      atRandomMoments(Math.round(options.orders * options.cancelRate), windowMs, random, t0, () => {
        const id = orders.pick();
        if (!id) return;
        world.simulator.admin.cancel(id, 'BUYER');
        injected.cancelled.add(id);
      }),
      atRandomMoments(options.kills, windowMs, random, t0, async () => {
        await pool.killAndRestart(Math.floor(random() * options.workers), 500 + random() * 2500);
        faultDone();
      }),
      atRandomMoments(options.serverRestarts, windowMs, random, t0, async () => {
        log('Restarting the Temporal dev server');
        await world.restartServer();
        log('Temporal dev server back');
        faultDone();
      }),
    ];
    await Promise.all(plan);
    faultDone();
    log(`Faults over after ${((lastFaultAt - t0) / 1000).toFixed(1)} s; waiting for the run to settle…`);

    const settledAt = await waitUntilSettled(world, options, injected, log);
    const traffic = world.simulator.admin.stats();
    const allegroRequests = Object.values(traffic.requests).reduce((sum, n) => sum + n, 0);
    await pool.stop();
    const verdict = await judge({
      injected,
      simulator: world.simulator,
      optimaFile: world.optimaFile,
      seedContractorMax,
      client: world.client,
      taskQueue: world.taskQueue,
      account: world.account,
    });
    const starts = await workflowStarts(world.client, world.taskQueue);
    const documents = documentTimes(world.optimaFile);
    const { log: _log, ...shown } = options;
    return {
      options: shown,
      verdict,
      paidToWorkflowStarted: paidTo(injected.paidAt, startedOf(starts, world.account)),
      paidToDocument: paidTo(injected.paidAt, (id) => documents.get(id)),
      faults: {
        kills: options.kills,
        serverRestarts: options.serverRestarts,
        allegroRequests,
        allegroFaults: traffic.faultsInjected,
      },
      settleSecondsAfterLastFault: settledAt === null ? null : Math.max(0, (settledAt - lastFaultAt) / 1000),
      settled: settledAt !== null,
      wallSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    await pool.stop();
    await world.client.workflow
      .getHandle(pollerWorkflowId(world.account))
      .terminate('chaos run over')
      .catch(() => undefined);
    await world.close();
  }
}

/**
 * Settled: every paid order not cancelled has its document and no order workflow runs except
 * those waiting with a reason. Null when that did not happen within settleTimeoutSeconds.
 */
async function waitUntilSettled(
  world: ChaosWorld,
  options: ChaosOptions,
  injected: Injected,
  log: (line: string) => void,
): Promise<number | null> {
  const deadline = Date.now() + options.settleTimeoutSeconds * 1000;
  const running = `TaskQueue = '${world.taskQueue}' AND ExecutionStatus = 'Running' AND WorkflowType != 'pollAllegroEvents'`;
  const waiting = `${running} AND OrderStatus IN ('Waiting', 'NeedsAttention')`;
  const count = (query: string) => world.client.workflow.count(query).then((c) => c.count);
  let lastReport = 0;
  while (Date.now() < deadline) {
    let missing: string[] | undefined;
    let busy = -1;
    try {
      const documented = new Set(readDocuments(world.optimaFile).map((d) => d.orderId));
      missing = [...injected.paidAt.keys()].filter((id) => !injected.cancelled.has(id) && !documented.has(id));
      busy = (await count(running)) - (await count(waiting));
    } catch {
      // A worker holds the write lock, or the server is restarting: looked at again in a second.
    }
    if (missing?.length === 0 && busy === 0) return Date.now();
    if (missing && Date.now() - lastReport > 10_000) {
      lastReport = Date.now();
      log(`  ${missing.length} paid orders without a document yet; ${busy} order workflows busy`);
    }
    await sleep(1000);
  }
  return null;
}
