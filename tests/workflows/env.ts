/**
 * One integration environment per test: the Allegro simulator, an in-memory embedded
 * Optima behind the real gateway, the real activities and both workers (startWorker) on the
 * run's shared Temporal dev server, on a task queue of its own.
 */
import {
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { createActivities, type Activities } from '../../activities';
import { AllegroClient } from '../../activities/allegro/client';
import { MemoryTokenStore } from '../../activities/allegro/token-store';
import { SqlOptimaGateway } from '../../activities/optima';
import { createNbpExchangeRates, type NbpExchangeRates } from '../../activities/rates/nbp';
import { loadSettings, toImportPolicy, type Settings } from '../../config/settings';
import { startAllegroSimulator, type AllegroSimulator } from '../../dev/allegro-simulator';
import { DEMO_FALLBACK } from '../../dev/demo-settings';
import { openEmbeddedOptima, type EmbeddedOptima } from '../../dev/embedded-optima';
import { startNbpStandIn, type NbpStandIn } from '../../dev/nbp-rates';
import { sqliteDriver } from '../../dev/embedded-optima/driver';
import type { ImportPolicy } from '../../domain/types';
import { policySource } from '../../worker/settings-source';
import { startWorker, type RunningWorker } from '../../worker/start';
import {
  orderProgressQuery,
  ORDER_JOURNEY,
  orderWorkflowId,
  pollerStatusQuery,
  pollerTaskQueue,
  pollerWorkflowId,
  type ImportOrderInput,
  type OrderProgress,
  type PollerInput,
  type PollerStatus,
} from '../../workflows/definitions';
import { importOrder } from '../../workflows/import-order';
import { pollAllegroEvents } from '../../workflows/poller';
import { testClient, testDataConverter, testNamespace, testNativeConnection, uniqueName } from '../harness/temporal';

const testDataConverterOption = () => {
  const dataConverter = testDataConverter();
  return dataConverter ? { dataConverter } : {};
};

const USER_AGENT = 'allegro-optima-tests/0.1 (+https://github.com/allegro-optima/allegro-optima)';

export interface TestEnv {
  /** An account name of this environment only: workflow ids never meet another test's. */
  account: string;
  simulator: AllegroSimulator;
  /** The embedded Optima's databases, to look into CDN tables directly. */
  optimaDb: EmbeddedOptima;
  /** NBP's stand-in: setDown / setMissing make rates unavailable. */
  nbp: NbpStandIn;
  client: Client;
  taskQueue: string;
  worker: RunningWorker;
  /** The demo settings' rules, with a 1 s licence delay. */
  policy: ImportPolicy;
  /** The next `times` runs of activity `name` do their work and then fail, as if the worker died before reporting. */
  failAfter(name: keyof Activities, times: number): void;
  /** Calls of each activity so far (all attempts). */
  calls: Map<string, number>;
  /** Runs (and awaits) `hook` at the start of every call of activity `name`; undefined removes it. */
  beforeCall(name: keyof Activities, hook: (() => Promise<void> | void) | undefined): void;
  close(): Promise<void>;
}

try {
  // Expected failures (licence busy, order gone, needs a person) would each print a WARN block.
  Runtime.install({ logger: new DefaultLogger('ERROR') });
} catch {
  // Installed already in this test process.
}

function bundle(): { codePath: string } {
  const codePath = process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE;
  if (!codePath)
    throw new Error(process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE_ERROR ?? 'no shared workflow bundle: run through jest');
  return { codePath };
}

/** The demo settings, with a 1 s licence delay. */
export function testSettings(): Settings {
  const demo = loadSettings({ env: {}, fallback: DEMO_FALLBACK });
  return { ...demo, import: { ...demo.import, licenceRetryDelaySeconds: 1 } };
}

export function testPolicy(overrides: Partial<ImportPolicy> = {}): ImportPolicy {
  return { ...toImportPolicy(testSettings()), ...overrides };
}

export interface StandIns {
  account: string;
  simulator: AllegroSimulator;
  optimaDb: EmbeddedOptima;
  optima: SqlOptimaGateway;
  allegro: AllegroClient;
  /** NBP's stand-in (down, or a currency missing, on request) and the real adapter on it. */
  nbp: NbpStandIn;
  rates: NbpExchangeRates;
  close(): Promise<void>;
}

/**
 * The Allegro simulator with an authorised account, an in-memory embedded Optima behind the
 * real gateway, and NBP's stand-in behind the real rates adapter.
 */
export async function startStandIns(options: { seed?: number } = {}): Promise<StandIns> {
  const account = uniqueName('shop').slice(0, 24);
  const simulator = await startAllegroSimulator({ seed: options.seed ?? 7 });
  const optimaDb = openEmbeddedOptima();
  const nbp = await startNbpStandIn();
  const rates = createNbpExchangeRates({ baseUrl: nbp.url });
  const optima = new SqlOptimaGateway(async () => sqliteDriver(optimaDb, { ownsOptima: false }), { operator: 'ADMIN' });
  const issued = simulator.admin.issueTokens();
  const tokenStore = new MemoryTokenStore({
    [account]: {
      accessToken: issued.accessToken,
      refreshToken: issued.refreshToken,
      expiresAt: new Date(Date.now() + 12 * 3600_000).toISOString(),
      obtainedAt: new Date().toISOString(),
    },
  });
  const allegro = new AllegroClient({
    account,
    target: { baseUrl: simulator.url },
    clientId: simulator.clientId,
    clientSecret: simulator.clientSecret,
    tokenStore,
    userAgent: USER_AGENT,
  });
  return {
    account,
    simulator,
    optimaDb,
    optima,
    allegro,
    nbp,
    rates,
    async close() {
      await optima.close();
      await allegro.close();
      await rates.close();
      await nbp.close();
      optimaDb.close();
      await simulator.close();
    },
  };
}

/** Task queues of this test file's environments: their runs are replayed at the end (replayRunsOf). */
const usedTaskQueues: string[] = [];

/**
 * `settingsFile`: the worker reads the import policy from this file, re-read when it changes
 * (as `npm run worker -- --settings FILE` does); default: testSettings() in memory.
 */
export async function startEnv(options: { seed?: number; settingsFile?: string } = {}): Promise<TestEnv> {
  const standIns = await startStandIns(options);
  const { account, simulator, optimaDb, optima, allegro, rates } = standIns;
  const client = await testClient();
  const taskQueue = uniqueName('orders');
  usedTaskQueues.push(taskQueue);
  const policy = policySource({
    settings: testSettings(),
    ...(options.settingsFile ? { file: options.settingsFile, env: {} } : {}),
  });
  const real = createActivities({ allegro: () => allegro, optima, rates, policy, temporal: client, taskQueue });

  const pendingFailures = new Map<string, number>();
  const calls = new Map<string, number>();
  const hooks = new Map<string, () => Promise<void> | void>();
  const activities = Object.fromEntries(
    Object.entries(real).map(([name, activity]) => [
      name,
      async (...args: unknown[]) => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        await hooks.get(name)?.();
        const result: unknown = await (activity as (...a: unknown[]) => Promise<unknown>)(...args);
        const left = pendingFailures.get(name) ?? 0;
        if (left > 0) {
          pendingFailures.set(name, left - 1);
          throw new Error(`simulated worker crash after ${name} did its work`);
        }
        return result;
      },
    ]),
  ) as unknown as Activities;

  const worker = await startWorker({
    connection: await testNativeConnection(),
    namespace: testNamespace(),
    taskQueue,
    activities,
    workflowBundle: bundle(),
    ...testDataConverterOption(),
  });
  return {
    account,
    simulator,
    optimaDb,
    nbp: standIns.nbp,
    client,
    taskQueue,
    worker,
    policy: testPolicy(),
    failAfter: (name, times) => pendingFailures.set(name, times),
    beforeCall: (name, hook) => (hook ? hooks.set(name, hook) : hooks.delete(name)),
    calls,
    async close() {
      await worker.shutdown();
      await standIns.close();
    },
  };
}

/** Polls `probe` until it returns a defined value (workflows progress asynchronously). */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${lastError instanceof Error ? `: ${lastError.message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until the order workflow's progress satisfies `test`, and returns it. */
export function progressWhen(
  handle: WorkflowHandle,
  test: (p: OrderProgress) => boolean,
  what: string,
): Promise<OrderProgress> {
  return eventually(async () => {
    const progress = await handle.query(orderProgressQuery);
    return test(progress) ? progress : undefined;
  }, what);
}

/** An order's workflow on the test's queue, as the poller would start it, with the test's policy unless `input` says otherwise. */
export function startOrder(
  env: TestEnv,
  checkoutFormId: string,
  input: Partial<ImportOrderInput> = {},
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof importOrder>> {
  return env.client.workflow.start(importOrder, {
    taskQueue: env.taskQueue,
    workflowId: orderWorkflowId(env.account, checkoutFormId),
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    args: [{ account: env.account, checkoutFormId, journey: ORDER_JOURNEY, policy: env.policy, ...input }],
  });
}

/** The account's poller on the test's queue: a 1 s interval from now, unless `input` says otherwise. */
export function startPoller(
  env: TestEnv,
  input: Partial<PollerInput> = {},
): Promise<WorkflowHandle<typeof pollAllegroEvents>> {
  // On its own queue, as `allegro-optima poller start` starts it.
  return env.client.workflow.start(pollAllegroEvents, {
    taskQueue: pollerTaskQueue(env.taskQueue),
    workflowId: pollerWorkflowId(env.account),
    args: [
      {
        account: env.account,
        policy: env.policy,
        schedule: { kind: 'interval', seconds: 1 },
        pageSize: 100,
        initialSync: 'now',
        ...input,
      },
    ],
  });
}

/** Waits until the poller's status satisfies `test`, and returns it. */
export function statusWhen(
  poller: WorkflowHandle,
  test: (s: PollerStatus) => boolean,
  what: string,
): Promise<PollerStatus> {
  return eventually(async () => {
    const status = await poller.query(pollerStatusQuery);
    return test(status) ? status : undefined;
  }, what);
}

export interface DocumentRow {
  TrN_TrNID: number;
  TrN_NumerPelny: string;
  TrN_NumerObcy: string;
  TrN_RazemBrutto: number;
  TrN_Opis: string;
  TrN_Anulowany: number;
  TrN_PodID: number;
}

export function documentsOf(env: { optimaDb: EmbeddedOptima }, orderIds: string[]): DocumentRow[] {
  const marks = orderIds.map(() => '?').join(', ');
  return env.optimaDb.company
    .prepare(`SELECT * FROM CDN.TraNag WHERE TrN_NumerObcy IN (${marks})`)
    .all(...orderIds) as DocumentRow[];
}

export function countRows(env: { optimaDb: EmbeddedOptima }, table: string): number {
  return (env.optimaDb.company.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
}

/**
 * Replays every closed run this file's tests made (on their task queues) against the current
 * workflow bundle; returns how many replayed and the determinism failures.
 */
export async function replayRunsOfThisFile(): Promise<{ replayed: number; failures: string[] }> {
  const client = await testClient();
  const queues = usedTaskQueues.map((q) => `'${q}'`).join(', ');
  const runs = client.workflow.list({
    query: `TaskQueue IN (${queues}) AND ExecutionStatus != 'Running'`,
    pageSize: 100,
  });
  const failures: string[] = [];
  let replayed = 0;
  const options = { workflowBundle: bundle(), ...testDataConverterOption() };
  for await (const result of Worker.runReplayHistories(options, runs.intoHistories())) {
    replayed++;
    if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
  }
  return { replayed, failures };
}
