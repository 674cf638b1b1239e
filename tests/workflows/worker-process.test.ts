/**
 * The worker (starter/worker.ts, npm run worker) as its own process, wired from a settings
 * file (simulator, embedded Optima in a file, the shared dev server): it imports orders, dies
 * by SIGKILL in the middle of a batch and a fresh process finishes the batch with exactly one
 * document per order and one contractor per buyer; SIGTERM stops it gracefully.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { FileTokenStore } from '../../activities/allegro/token-store';
import { EAGER_START_MAX_FORMS } from '../../activities/poller-activities';
import { startAllegroSimulator, type AllegroSimulator } from '../../dev/allegro-simulator';
import { DEMO_SETTINGS } from '../../dev/demo-settings';
import { openEmbeddedOptima, type EmbeddedOptima } from '../../dev/embedded-optima';
import { orderWorkflowId, pollerStatusQuery, pollerWorkflowId } from '../../workflows/definitions';
import type { importOrder } from '../../workflows/import-order';
import { pollAllegroEvents } from '../../workflows/poller';
import { COMPILED_WORKER } from '../../worker/start';
import { testAddress, testClient, testNamespace, uniqueName } from '../harness/temporal';
import { countRows, documentsOf, eventually, testPolicy } from './env';

const ROOT = path.resolve(__dirname, '../..');

let dir: string;
let simulator: AllegroSimulator;
let account: string;
let taskQueue: string;
let settingsFile: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'worker-process-'));
  simulator = await startAllegroSimulator({ seed: 11 });
  account = uniqueName('shop').slice(0, 24);
  taskQueue = uniqueName('orders');
  const issued = simulator.admin.issueTokens();
  await new FileTokenStore({ dir: path.join(dir, 'tokens') }).save(account, {
    accessToken: issued.accessToken,
    refreshToken: issued.refreshToken,
    expiresAt: new Date(Date.now() + 12 * 3600_000).toISOString(),
    obtainedAt: new Date().toISOString(),
  });
  // JSON is YAML: the settings file the worker reads, as an implementer would write it.
  settingsFile = path.join(dir, 'settings.yaml');
  fs.writeFileSync(
    settingsFile,
    JSON.stringify({
      optima: { kind: 'embedded', file: path.join(dir, 'optima.sqlite') },
      allegro: {
        clientId: simulator.clientId,
        clientSecret: simulator.clientSecret,
        environment: 'simulator',
        simulatorUrl: simulator.url,
        userAgent: 'allegro-optima-tests/0.1 (+https://github.com/allegro-optima/allegro-optima)',
        accounts: [{ name: account }],
        tokenStoreDir: path.join(dir, 'tokens'),
      },
      temporal: { address: testAddress(), namespace: testNamespace(), taskQueue },
      mappings: DEMO_SETTINGS.mappings,
    }),
  );
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await simulator.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Starts starter/worker.ts compiled, as `npm run worker` does (one process: a kill reaches the worker itself). */
async function startWorkerProcess(...flags: string[]): Promise<{
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}> {
  const env = { ...process.env };
  // Settings come from the file alone; the run's codec key stays, as the worker must read what the test encrypts.
  for (const name of Object.keys(env)) {
    if ((name.startsWith('AO_') && !name.startsWith('AO_CODEC_')) || name.startsWith('TEMPORAL_')) delete env[name];
  }
  const bundle = process.env.TEMPORAL_TEST_WORKFLOW_BUNDLE;
  if (!bundle) throw new Error('no shared workflow bundle');
  const child = spawn(
    process.execPath,
    [
      COMPILED_WORKER,
      'starter/worker.ts',
      '--settings',
      settingsFile,
      '--workflow-bundle',
      bundle,
      '--max-activities',
      '4',
      ...flags,
    ],
    { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await eventually(() => (/worker running/.test(text) ? true : undefined), `the worker to start (output: ${text})`);
  return { child, exited, output: () => text };
}

function withOptima<T>(fn: (optima: EmbeddedOptima) => T): T {
  const optima = openEmbeddedOptima({ file: path.join(dir, 'optima.sqlite') });
  try {
    return fn(optima);
  } finally {
    optima.close();
  }
}

const { EventType } = temporal.api.enums.v1;

/** Whether the workflow's first task was handed over in its start's answer (an eager start). */
async function startedEagerly(client: Client, workflowId: string): Promise<boolean> {
  const events = (await client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const at = (type: string) => {
    const event = events.find((e) => e.eventType === EventType[type as keyof typeof EventType]);
    return event?.eventTime ? Number(event.eventTime.seconds) * 1e3 + (event.eventTime.nanos ?? 0) / 1e6 : undefined;
  };
  const scheduled = at('EVENT_TYPE_WORKFLOW_TASK_SCHEDULED');
  const started = at('EVENT_TYPE_WORKFLOW_TASK_STARTED');
  return scheduled !== undefined && started !== undefined && started - scheduled < 1;
}

test('killed mid-batch (SIGKILL), a new worker process finishes it: one document per order, one contractor per buyer; SIGTERM exits cleanly', async () => {
  const client = await testClient();
  const first = await startWorkerProcess();
  const poller = await client.workflow.start(pollAllegroEvents, {
    taskQueue,
    workflowId: pollerWorkflowId(account),
    args: [
      { account, policy: testPolicy(), schedule: { kind: 'interval', seconds: 1 }, pageSize: 100, initialSync: 'now' },
    ],
  });
  const contractorsBefore = withOptima((optima) => countRows({ optimaDb: optima }, 'CDN.Kontrahenci'));
  // The poller starts at "now": orders must come after its first run.
  await eventually(
    async () => ((await poller.query(pollerStatusQuery)).lastImportAt ? true : undefined),
    'the first poll',
  );

  // Slow Allegro answers keep several orders in flight when the kill comes.
  simulator.admin.setLatency(150);
  // Polish orders: the gateway writes PLN documents only (others wait for a person).
  const pl = { marketplace: 'allegro-pl', status: 'READY_FOR_PROCESSING' } as const;
  const returning = simulator.admin.addOrder({ ...pl, buyer: 'person' });
  const buyerId = simulator.admin.getOrder(returning)!.buyer.id;
  const orders = [returning, ...simulator.admin.addOrders(7, pl), simulator.admin.addOrder({ ...pl, buyerId })];
  await eventually(
    () => withOptima((optima) => (documentsOf({ optimaDb: optima }, orders).length > 0 ? true : undefined)),
    'a first document',
  );
  // Started eagerly (activities/poller-activities.ts): the first workflow task is started in the
  // same write as the workflow, microseconds after it was scheduled; through the task queue, a
  // worker's poll takes milliseconds at least.
  const eager = await Promise.all(orders.map((id) => startedEagerly(client, orderWorkflowId(account, id))));
  expect(eager.filter(Boolean).length).toBeGreaterThan(0);
  first.child.kill('SIGKILL');
  await first.exited;
  const atKill = withOptima((optima) => documentsOf({ optimaDb: optima }, orders).length);

  const second = await startWorkerProcess();
  for (const id of orders) {
    const result = await eventually(
      () => client.workflow.getHandle<typeof importOrder>(orderWorkflowId(account, id)).result(),
      `order ${id}`,
      90_000,
    );
    expect(result.status).toBe('Imported');
  }
  withOptima((optima) => {
    const documents = documentsOf({ optimaDb: optima }, orders);
    expect(documents).toHaveLength(orders.length);
    expect(new Set(documents.map((d) => d.TrN_NumerObcy)).size).toBe(orders.length);
    const buyers = new Set(orders.map((id) => simulator.admin.getOrder(id)!.buyer.id));
    expect(buyers.size).toBe(orders.length - 1); // the returning buyer bought twice
    expect(countRows({ optimaDb: optima }, 'CDN.Kontrahenci')).toBe(contractorsBefore + buyers.size);
  });
  console.log(`documents when the first worker was killed: ${atKill} of ${orders.length}`);

  // A burst (more new orders in a page than EAGER_START_MAX_FORMS) goes through matching instead.
  const burst = simulator.admin.addOrders(EAGER_START_MAX_FORMS + 2, pl);
  for (const id of burst) {
    await eventually(() => client.workflow.getHandle(orderWorkflowId(account, id)).result(), `order ${id}`, 90_000);
  }
  const burstEager = await Promise.all(burst.map((id) => startedEagerly(client, orderWorkflowId(account, id))));
  expect(burstEager.filter(Boolean)).toEqual([]);

  await poller.terminate('test done');
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
}, 240_000);

test("the Web UI's Stack Trace: off by default (the query says so), on with --workflow-stack-traces", async () => {
  const client = await testClient();
  const plain = await startWorkerProcess();
  const poller = await client.workflow.start(pollAllegroEvents, {
    taskQueue,
    workflowId: uniqueName('poller'),
    args: [
      { account, policy: testPolicy(), schedule: { kind: 'interval', seconds: 60 }, pageSize: 100, initialSync: 'now' },
    ],
  });
  await eventually(async () => ((await poller.query(pollerStatusQuery)).lastImportAt ? true : undefined), 'a run');
  await expect(poller.query<string>('__stack_trace')).rejects.toThrow(/stack traces are not enabled/);
  plain.child.kill('SIGTERM');
  expect(await plain.exited).toBe(0);

  const traced = await startWorkerProcess('--workflow-stack-traces');
  // The poller waits for its next run: the trace shows where in its code.
  await expect(poller.query<string>('__stack_trace')).resolves.toMatch(/at run \(.*workflows\/poller\.ts/);
  await poller.terminate('test done');
  traced.child.kill('SIGTERM');
  expect(await traced.exited).toBe(0);
}, 120_000);
