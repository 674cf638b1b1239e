/**
 * The poller's commands against a real worker: start, status, pause, resume, import-now,
 * reset, retry, backfill and stop, in the order an operator would use them. The tests of this
 * file share one world and run in order (each leaves the poller as the next one expects).
 */
import fs from 'node:fs';
import { parseDocument } from 'yaml';
import type { WorkflowHandle } from '@temporalio/client';
import type { OrderStatus } from '../../domain/types';
import {
  orderProgressQuery,
  orderWorkflowId,
  pollerTaskQueue,
  pollerWorkflowId,
  type ImportOrderResult,
} from '../../workflows/definitions';
import { testClient } from '../harness/temporal';
import { createWorld, eventually, type World } from './world';

let world: World;
beforeAll(async () => {
  world = await createWorld('cli-poller');
  await world.startWorker();
});
afterAll(() => world?.close());

interface StatusJson {
  account: string;
  poller: {
    workflowId: string;
    execution: string;
    status?: {
      cursor: string | null;
      paused: boolean;
      eventsSeen: number;
      ordersStarted: number;
      lastImportAt: string | null;
    };
  };
  orders: {
    byStatus: Record<OrderStatus, number>;
    waiting: { checkoutFormId: string; progress?: { status: string; reason?: string } }[];
  };
}

async function statusJson(): Promise<{ code: number; report: StatusJson }> {
  const { code, stdout, stderr } = await world.run(['status', '--json']);
  expect(stderr).toBe('');
  return { code, report: JSON.parse(stdout) as StatusJson };
}

async function orderHandle(checkoutFormId: string): Promise<WorkflowHandle> {
  return (await testClient()).workflow.getHandle(orderWorkflowId(world.account, checkoutFormId));
}

async function orderResult(checkoutFormId: string): Promise<ImportOrderResult> {
  return (await orderHandle(checkoutFormId)).result() as Promise<ImportOrderResult>;
}

test('start runs the poller; starting again changes nothing', async () => {
  const first = await world.run(['start']);
  expect(first.stdout).toContain(`Started the poller ${pollerWorkflowId(world.account)}`);
  expect(first.stdout).toContain(`task queue "${pollerTaskQueue(world.taskQueue)}"`);
  expect(first.code).toBe(0);
  // A worker killed while it holds the poller's task is given up after 4 s, not Temporal's 10 s.
  const handle = (await testClient()).workflow.getHandle(pollerWorkflowId(world.account));
  const config = (await handle.describe()).raw.executionConfig;
  expect(Number(config?.defaultWorkflowTaskTimeout?.seconds)).toBe(4);

  const again = await world.run(['start']);
  expect(again.stdout).toContain('is already running');
  expect(again.code).toBe(0);
});

test('status shows the running poller', async () => {
  const { code, report } = await eventually(async () => {
    const result = await statusJson();
    expect(result.report.poller.status).toBeDefined();
    return result;
  });
  expect(report.account).toBe(world.account);
  expect(report.poller).toMatchObject({ workflowId: pollerWorkflowId(world.account), execution: 'RUNNING' });
  expect(report.poller.status?.paused).toBe(false);
  expect(report.orders.waiting).toEqual([]);
  expect(code).toBe(0);

  const text = await world.run(['status']);
  expect(text.stdout).toContain(`Poller ${pollerWorkflowId(world.account)}: running`);
  expect(text.stdout).toMatch(/schedule +every 3600 s/);
  expect(text.stdout).toMatch(/^NeedsAttention +0$/m);
});

test('pause and resume change the poller status; import-now refuses while paused', async () => {
  const paused = await world.run(['pause']);
  expect(paused.stdout).toContain('Paused the poller');
  expect(paused.code).toBe(0);
  expect((await statusJson()).report.poller.status?.paused).toBe(true);

  const refused = await world.run(['import-now']);
  expect(refused.stdout).toContain('is paused');
  expect(refused.code).toBe(3);

  const resumed = await world.run(['resume']);
  expect(resumed.stdout).toContain('Resumed the poller');
  expect(resumed.code).toBe(0);
  expect((await statusJson()).report.poller.status?.paused).toBe(false);
});

test('import-now reads the new events and their orders get imported', async () => {
  const before = (await statusJson()).report.poller.status!;
  const ids = world.simulator.admin.addOrders(2, { status: 'READY_FOR_PROCESSING' });
  const { code, stdout } = await world.run(['import-now']);
  expect(stdout).toContain('ran:');
  expect(code).toBe(0);

  const after = (await statusJson()).report.poller.status!;
  expect(after.eventsSeen).toBeGreaterThan(before.eventsSeen);
  expect(after.ordersStarted).toBeGreaterThanOrEqual(before.ordersStarted + 2);
  expect(after.lastImportAt).not.toBe(before.lastImportAt);
  for (const id of ids) expect((await orderResult(id)).status).toBe('Imported');

  await eventually(async () => expect((await statusJson()).report.orders.byStatus.Imported).toBe(2));
});

test('reset moves the cursor to an event, to now, and to a date', async () => {
  const [firstEvent] = await world.allegro.getOrderEvents({ limit: 1 });
  const toEvent = await world.run(['reset', '--to-event', firstEvent.id]);
  expect(toEvent.stdout).toMatch(new RegExp(`cursor \\(last event id\\) +${firstEvent.id}$`, 'm'));
  expect(toEvent.code).toBe(0);

  const latest = (await world.allegro.getEventStats()).latestEvent?.id;
  expect(latest).toBeDefined();
  const toNow = await world.run(['reset', '--now']);
  expect(toNow.stdout).toMatch(new RegExp(`cursor \\(last event id\\) +${latest}$`, 'm'));
  expect(toNow.code).toBe(0);

  const toDate = await world.run(['reset', '--to-date', new Date(Date.now() - 3600_000).toISOString()]);
  expect(toDate.stdout).toContain('Reset the poller');
  expect(toDate.code).toBe(0);
  // Reading the events again imports nothing twice: still the same two orders.
  await world.run(['import-now']);
  await eventually(async () => expect((await statusJson()).report.orders.byStatus.Imported).toBe(2));
});

test('an order waiting for a payment mapping continues after the fix and retry --all-waiting', async () => {
  const id = world.simulator.admin.addOrder({
    paymentType: 'CRYPTO',
    paymentProvider: null,
    status: 'READY_FOR_PROCESSING',
  });
  await world.run(['import-now']);
  const handle = await eventually(async () => {
    const h = await orderHandle(id);
    expect((await h.query(orderProgressQuery)).status).toBe('NeedsAttention');
    return h;
  });

  const waiting = await eventually(async () => {
    const result = await world.run(['status']);
    expect(result.stdout).toContain(id);
    return result;
  });
  expect(waiting.stdout).toContain('Waiting for a person');
  expect(waiting.stdout).toContain('CRYPTO');
  expect(waiting.code).toBe(3);

  // The fix: a mapping for the new payment type in the settings file.
  const doc = parseDocument(fs.readFileSync(world.settingsFile, 'utf8'));
  doc.addIn(['mappings', 'payment'], { type: 'CRYPTO', paymentForm: 'przelew' });
  fs.writeFileSync(world.settingsFile, doc.toString());

  const retried = await world.run(['retry', '--all-waiting']);
  expect(retried.stdout).toContain(id);
  expect(retried.stdout).toContain('Sent retry to 1 of 1 waiting order(s).');
  expect(retried.code).toBe(0);
  expect(((await handle.result()) as ImportOrderResult).status).toBe('Imported');

  const none = await eventually(async () => {
    const result = await world.run(['retry', '--all-waiting']);
    expect(result.stdout).toContain('waits for a person');
    return result;
  });
  expect(none.code).toBe(0);
});

test('retry of one order: unknown or finished orders fail with exit 1', async () => {
  const unknown = await world.run(['retry', '00000000-0000-4000-8000-000000000000']);
  expect(unknown.stderr).toContain('no order workflow');
  expect(unknown.code).toBe(1);

  const [imported] = world.simulator.admin.listOrderIds();
  const finished = await world.run(['retry', imported]);
  expect(finished.stderr).toContain('has finished');
  expect(finished.code).toBe(1);
});

test('backfill of a closed window hands its orders to their workflows', async () => {
  const day = 24 * 3600_000;
  const ids = world.simulator.admin.addOrders(2, {
    status: 'READY_FOR_PROCESSING',
    occurredAt: new Date(Date.now() - 3 * day),
  });
  const from = new Date(Date.now() - 4 * day).toISOString();
  const to = new Date(Date.now() - 2 * day).toISOString();
  const { code, stdout } = await world.run(['backfill', '--from', from, '--to', to]);
  expect(stdout).toContain('2 checkout form(s): 2 handed to their order workflows');
  expect(code).toBe(0);
  for (const id of ids) expect((await orderResult(id)).status).toBe('Imported');

  const again = await world.run(['backfill', '--from', from, '--to', to]);
  expect(again.stdout).toContain('2 checkout form(s): 0 handed to their order workflows');
  expect(again.stdout).toContain('2 already finished');
});

test('backfill --from alone resets the poller to the date', async () => {
  const { code, stdout } = await world.run(['backfill', '--from', new Date(Date.now() - 600_000).toISOString()]);
  expect(stdout).toContain('goes back to');
  expect(code).toBe(0);
});

test('stop cancels with the reason; commands then say it is not running; start goes on from the cursor', async () => {
  // A finished run first: the cursor then stays put until new events come.
  expect((await world.run(['import-now'])).code).toBe(0);
  const cursor = (await statusJson()).report.poller.status?.cursor;
  expect(cursor).toEqual(expect.any(String));
  const stopped = await world.run(['stop', '--reason', 'maintenance window']);
  expect(stopped.stdout).toContain('Stopped the poller');
  expect(stopped.stdout).toContain('maintenance window');
  expect(stopped.code).toBe(0);

  const handle = (await testClient()).workflow.getHandle(pollerWorkflowId(world.account));
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  const history = await handle.fetchHistory();
  const request = history.events?.find((e) => e.workflowExecutionCancelRequestedEventAttributes);
  expect(request?.workflowExecutionCancelRequestedEventAttributes?.cause).toBe('maintenance window');

  const status = await world.run(['status']);
  expect(status.stdout).toContain('cancelled');
  expect(status.code).toBe(3);
  const pause = await world.run(['pause']);
  expect(pause.stderr).toContain('is not running');
  expect(pause.code).toBe(1);
  expect((await world.run(['stop'])).stdout).toContain('is not running');

  const restarted = await world.run(['start']);
  expect(restarted.stdout).toContain(`goes on from the previous run: cursor ${cursor}`);
  expect(restarted.code).toBe(0);
  const resumedCursor = await eventually(async () => {
    const s = (await statusJson()).report.poller.status;
    expect(s).toBeDefined();
    return s?.cursor;
  });
  expect(resumedCursor).toBe(cursor);

  const terminated = await world.run(['stop', '--terminate']);
  expect(terminated.stdout).toContain('Terminated the poller');
  expect((await handle.describe()).status.name).toBe('TERMINATED');
});
