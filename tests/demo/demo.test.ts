/**
 * `npm start` as a newcomer runs it, but bounded: the demo (starter/demo.ts) runs as a child
 * process against the jest run's Temporal server (TEMPORAL_ADDRESS, so it starts no second
 * server) with its own data folder, simulator port, task queue and account name. First run:
 * 60 s (--duration), from an empty data folder; the orders it imported in that first minute
 * are measured and printed. Second run: the same data folder, stopped with SIGINT (Ctrl-C).
 * Checked: orders imported, no Optima document twice for one Allegro order (TrN_NumerObcy),
 * a clean stop, and that the second run went on from the poller's cursor.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import Database from 'better-sqlite3';
import { freePort } from '../../scripts/dev-server';
import { ordersNeedingAttention } from '../../starter/demo/monitor';
import { startSimulatedAllegro } from '../../starter/demo/simulated-allegro';
import { pollerStatusQuery, pollerTaskQueue, pollerWorkflowId, type PollerStatus } from '../../workflows/definitions';
import { runWorker, testAddress, testClient, testNamespace, uniqueName } from '../harness/temporal';

const ROOT = path.resolve(__dirname, '../..');
const FIRST_RUN_SECONDS = 60;
/** The second run is stopped by SIGINT once it has been up this long (two poller rounds of 30 s). */
const SECOND_RUN_SECONDS = 50;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-test-'));
const account = `demo-${randomBytes(4).toString('hex')}`;
const taskQueue = uniqueName('demo');
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

function runDemo(args: string[], simulatorPort: number, interruptAfterMs?: number): Promise<Run> {
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('AO_')),
  );
  Object.assign(env, {
    TEMPORAL_ADDRESS: testAddress(),
    TEMPORAL_NAMESPACE: testNamespace(),
    AO_TEMPORAL__TASK_QUEUE: taskQueue,
    AO_ALLEGRO__ACCOUNTS__0__NAME: account,
    AO_ALLEGRO__SIMULATOR_URL: `http://127.0.0.1:${simulatorPort}`,
    // The run's codec key, so this test's client reads what the demo's worker encrypted.
    AO_CODEC_KEYS: process.env.AO_CODEC_KEYS,
  });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'starter/demo.ts', '--data-dir', dataDir, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const interrupt =
      interruptAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGINT'), interruptAfterMs);
    // A demo that does not stop by itself is a failure, not a hung test run.
    const guard = setTimeout(() => child.kill('SIGKILL'), (interruptAfterMs ?? FIRST_RUN_SECONDS * 1000) + 150_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (interrupt) clearTimeout(interrupt);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function explain(run: Run): string {
  return `exit ${String(run.code ?? run.signal)}\n--- stdout ---\n${run.stdout.slice(-4000)}\n--- stderr ---\n${run.stderr.slice(-4000)}`;
}

/** Optima's view: Allegro order id (TrN_NumerObcy) of every document, and the integrator's ledger. */
function optimaDocuments(): {
  numbers: string[];
  duplicates: { orderId: string; documents: number }[];
  ledger: Set<string>;
} {
  const file = path.join(dataDir, 'optima-demo.sqlite');
  const cdn = new Database(`${file}.cdn`, { readonly: true });
  const ao = new Database(`${file}.ao`, { readonly: true });
  try {
    const numbers = (
      cdn.prepare("SELECT TrN_NumerObcy AS orderId FROM TraNag WHERE TrN_NumerObcy <> ''").all() as {
        orderId: string;
      }[]
    ).map((r) => r.orderId);
    const duplicates = cdn
      .prepare(
        "SELECT TrN_NumerObcy AS orderId, COUNT(*) AS documents FROM TraNag WHERE TrN_NumerObcy <> '' GROUP BY TrN_NumerObcy HAVING COUNT(*) > 1",
      )
      .all() as { orderId: string; documents: number }[];
    const ledger = new Set(
      (ao.prepare('SELECT OrderId AS orderId FROM OrderDocuments').all() as { orderId: string }[]).map(
        (r) => r.orderId,
      ),
    );
    return { numbers, duplicates, ledger };
  } finally {
    cdn.close();
    ao.close();
  }
}

/** Paid orders on the simulated Allegro, from the journal the demo keeps (replayed on a free port, no new orders). */
async function paidOrders(): Promise<string[]> {
  const allegro = await startSimulatedAllegro({
    file: path.join(dataDir, 'allegro-simulator.jsonl'),
    port: 0,
    clientId: 'inspect',
    clientSecret: 'inspect',
    rate: 0,
    backlog: 0,
  });
  try {
    return [...allegro.readyAt.keys()];
  } finally {
    await allegro.close();
  }
}

/** Warnings only, less the expected "not polling" ones of workers that serve one kind of task. */
function installQuietRuntime(): void {
  try {
    const logger = new DefaultLogger('WARN', ({ level, message, meta }) => {
      if (!/not polling/.test(message)) process.stderr.write(`[${level}] ${message} ${JSON.stringify(meta ?? {})}\n`);
    });
    Runtime.install({ logger });
  } catch {
    // Installed already in this jest worker.
  }
}

/**
 * The poller's local activities on this test's worker: each refuses, not retried. A poller run
 * that falls due while the worker answers the query runs here, and must leave a history the
 * demo's worker replays: an activity missing from a worker fails inside the workflow, and records
 * nothing (the demo's second start then failed on "No command scheduled for event TimerStarted").
 * A refusal is recorded, and the run is repeated at the next start like any failed run.
 */
const refuse = (): never => {
  throw ApplicationFailure.nonRetryable('the demo test answers queries only; the demo reads Allegro');
};
const queryOnlyActivities = { readOrderEvents: refuse, dispatchOrderEvents: refuse };

/** The poller's state, answered by a worker of this test (the demo's worker is gone). */
async function pollerStatus(): Promise<PollerStatus> {
  installQuietRuntime();
  const client = await testClient();
  return runWorker({ taskQueue: pollerTaskQueue(taskQueue), activities: queryOnlyActivities }, () =>
    client.workflow.getHandle(pollerWorkflowId(account)).query(pollerStatusQuery),
  );
}

describe('npm start (the demo) on embedded defaults', () => {
  test('imports orders, stops cleanly, and a second start goes on from the cursor without duplicates', async () => {
    const simulatorPort = await freePort();

    // --- first run: 60 s from an empty data folder -------------------------------------------
    const first = await runDemo(['--duration', String(FIRST_RUN_SECONDS)], simulatorPort);
    expect({ code: first.code, output: first.code === 0 ? '' : explain(first) }).toEqual({ code: 0, output: '' });
    expect(first.stdout).toContain('30 orders waiting (first start)');
    const summary = /Imported this run: (\d+) \(first minute: (\d+)\); imported in total: (\d+)\./.exec(first.stdout);
    expect(summary).not.toBeNull();
    const afterFirst = optimaDocuments();
    process.stdout.write(
      `Demo, first minute: ${summary?.[2]} orders imported (Temporal visibility count at 60 s after start; ` +
        `${afterFirst.numbers.length} documents in the embedded Optima when the run had stopped), ` +
        `${(await paidOrders()).length} paid orders on the simulated Allegro.\n`,
    );
    expect(afterFirst.numbers.length).toBeGreaterThan(0);
    expect(afterFirst.duplicates).toEqual([]);
    expect(new Set(afterFirst.numbers)).toEqual(afterFirst.ledger);

    const statusAfterFirst = await pollerStatus();
    const paidAfterFirst = await paidOrders();
    const attention = await ordersNeedingAttention(await testClient(), [account]);
    // Paid before the stop but not imported yet (not waiting for a person either): the second run's job.
    const leftForSecond = paidAfterFirst.filter((id) => !afterFirst.ledger.has(id) && !attention.has(id));

    // --- second run: same data folder, stopped with Ctrl-C -------------------------------------
    const second = await runDemo([], simulatorPort, SECOND_RUN_SECONDS * 1000);
    expect({ code: second.code, output: second.code === 0 ? '' : explain(second) }).toEqual({ code: 0, output: '' });
    expect(second.stderr).toContain('SIGINT: stopping');
    expect(second.stdout).toMatch(/Stopped after \d+ s\./);
    expect(second.stdout).toContain('orders restored from allegro-simulator.jsonl');
    expect(second.stdout).toMatch(/poller:\S+ \(running, goes on from its cursor\)/);

    const afterSecond = optimaDocuments();
    expect(afterSecond.duplicates).toEqual([]);
    expect(new Set(afterSecond.numbers)).toEqual(afterSecond.ledger);
    // The demo's own output goes with a failure: a second run that imported nothing says why.
    const moreDocuments = afterSecond.numbers.length > afterFirst.numbers.length;
    expect({ moreDocuments, output: moreDocuments ? '' : explain(second) }).toEqual({ moreDocuments: true, output: '' });
    for (const id of afterFirst.ledger) expect(afterSecond.ledger.has(id)).toBe(true);

    // The cursor went on: it moved forward, the counters kept counting, and the orders of the
    // first run were not dispatched a second time (each would count as "already done").
    const statusAfterSecond = await pollerStatus();
    expect(BigInt(statusAfterSecond.cursor ?? '0')).toBeGreaterThan(BigInt(statusAfterFirst.cursor ?? '0'));
    expect(statusAfterSecond.ordersStarted).toBeGreaterThan(statusAfterFirst.ordersStarted);
    const repeats = (statusAfterSecond.ordersAlreadyDone ?? 0) - (statusAfterFirst.ordersAlreadyDone ?? 0);
    expect(repeats).toBeLessThan(afterFirst.ledger.size);
    const pickedUp = leftForSecond.filter((id) => afterSecond.ledger.has(id));
    process.stdout.write(
      `Demo, second run: ${afterSecond.numbers.length - afterFirst.numbers.length} more documents; ` +
        `${pickedUp.length} of the ${leftForSecond.length} orders paid before the stop and not yet imported were imported after the restart; ` +
        `poller cursor ${statusAfterFirst.cursor} → ${statusAfterSecond.cursor}, ${repeats} repeated dispatches.\n`,
    );
    if (leftForSecond.length > 0) expect(pickedUp.length).toBeGreaterThan(0);
  }, 420_000);
});
