/**
 * The poller on the real dev server: events → order workflows (signal-with-start), the
 * cursor, resets (event id, now, a date in and beyond the journal), pause/resume/import now,
 * continue-as-new, and what the poller does with cancel and merge events.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import {
  dispatchTaskQueue,
  cancelOrderWorkflowId,
  importNowSignal,
  orderProgressQuery,
  orderWorkflowId,
  pauseSignal,
  pollerStatusQuery,
  pollerWorkflowId,
  resetUpdate,
  resumeSignal,
} from '../../workflows/definitions';
import { countWaitingOrders } from '../../activities/poller-activities';
import { DISPATCH_PART_EVENTS } from '../../workflows/page-parts';
import { importOrder } from '../../workflows/import-order';
import { DOCUMENT_NUMBER, ORDER_ID, ORDER_STATUS } from '../../workflows/search-attributes';
import {
  documentsOf,
  eventually,
  replayRunsOfThisFile,
  startEnv,
  startPoller,
  statusWhen,
  testPolicy,
  type TestEnv,
} from './env';

const DAY = 24 * 3600_000;

let env: TestEnv;
beforeEach(async () => {
  env = await startEnv();
});
afterEach(async () => {
  await env.close();
});

function orderHandle(orderId: string) {
  return env.client.workflow.getHandle<typeof importOrder>(orderWorkflowId(env.account, orderId));
}

/** The order's workflow result, once the poller has started it. */
async function imported(orderId: string) {
  return eventually(async () => orderHandle(orderId).result(), `order ${orderId} to finish`);
}

async function scheduledActivities(poller: WorkflowHandle): Promise<string[]> {
  const { events } = await poller.fetchHistory();
  return (events ?? []).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
}

async function stop(poller: WorkflowHandle): Promise<void> {
  await poller.terminate('test done');
}

describe('pollAllegroEvents', () => {
  test('starts at "now": older orders are left alone, new ones are imported; status shows cursor and counts', async () => {
    const before = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const poller = await startPoller(env);
    const synced = await statusWhen(poller, (s) => s.cursor !== null && s.lastImportAt !== null, 'the first run');

    const paid = env.simulator.admin.addOrders(2, { status: 'READY_FOR_PROCESSING' });
    const unpaid = env.simulator.admin.addOrder({ status: 'FILLED_IN' });
    for (const id of paid) expect(await imported(id)).toMatchObject({ status: 'Imported' });
    await eventually(
      async () => ((await orderHandle(unpaid).query(orderProgressQuery)).status === 'Waiting' ? true : undefined),
      'waiting',
    );

    expect(documentsOf(env, [...paid, unpaid, before])).toHaveLength(2);
    await eventually(
      async () => ((await countWaitingOrders(env.client, env.account)) === 1 ? true : undefined),
      'the waiting order to be counted',
    );
    const status = await statusWhen(poller, (s) => s.ordersStarted === 3, 'the three orders started');
    expect(status.waitingOrders).toBeUndefined(); // the poller no longer counts them each run
    expect(status.ordersStarted).toBe(3);
    expect(status.cursor).not.toBe(synced.cursor);
    expect(status.lastEventAt).not.toBeNull();
    expect(Date.parse(status.nextRunAt!)).toBeGreaterThan(Date.parse(status.lastImportAt!));
    await expect(orderHandle(before).describe()).rejects.toThrow(/not found/i);
    await stop(poller);
  });

  test('repeated READY events give one workflow and one document; later repeats count as already done', async () => {
    const poller = await startPoller(env);
    await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    const orderId = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    env.simulator.admin.repeatReadyEvent(orderId);
    env.simulator.admin.repeatReadyEvent(orderId);
    expect(await imported(orderId)).toMatchObject({ status: 'Imported' });

    env.simulator.admin.repeatReadyEvent(orderId);
    const status = await statusWhen(poller, (s) => (s.ordersAlreadyDone ?? 0) >= 1, 'the late repeat to be seen');
    expect(status.ordersStarted).toBe(1);
    expect(documentsOf(env, [orderId])).toHaveLength(1);
    const runs = await eventually(async () => {
      const list = [];
      for await (const run of env.client.workflow.list({
        query: `WorkflowId = '${orderWorkflowId(env.account, orderId)}'`,
      }))
        list.push(run);
      return list.length > 0 ? list : undefined;
    }, 'the order run to be listed');
    expect(runs).toHaveLength(1);
    await stop(poller);
  });

  test('a run reads and dispatches a short page as local activities (its order writes its search attributes once); a page of over 100 events goes to the heartbeating dispatch activity', async () => {
    const poller = await startPoller(env, { pageSize: 200 });
    await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    const orderId = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const result = await imported(orderId);
    expect(result).toMatchObject({ status: 'Imported' });
    // Started with its id, account and first status, it writes its own search attributes once, at
    // the end; started on a journey version (ORDER_JOURNEY), it records no patch (whose
    // TemporalChangeVersion would be one more write).
    const upserts = ((await orderHandle(orderId).fetchHistory()).events ?? []).flatMap((e) =>
      Object.keys(e.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields ?? {})
        .sort()
        .join(),
    );
    expect(upserts.filter(Boolean)).toEqual([[DOCUMENT_NUMBER.name, ORDER_STATUS.name].sort().join()]);
    const attributes = (await orderHandle(orderId).describe()).typedSearchAttributes;
    expect(attributes.get(ORDER_ID)).toBe(orderId);
    expect(attributes.get(ORDER_STATUS)).toBe('Imported');
    expect(attributes.get(DOCUMENT_NUMBER)).toBe(result.documentNumber);
    const { eventsSeen } = await statusWhen(poller, (s) => s.ordersStarted === 1, 'the short page');
    expect(await scheduledActivities(poller)).toEqual(['latestEventId']); // the initial sync to "now"

    for (let i = 0; i < 101; i++) env.simulator.admin.repeatReadyEvent(orderId);
    await statusWhen(poller, (s) => s.eventsSeen === eventsSeen + 101, 'the long page');
    expect(await scheduledActivities(poller)).toEqual(['latestEventId', 'dispatchOrderEvents']);
    await stop(poller);
  });

  test('a page of more than 100 events is dispatched in parts, each an activity of its own on the dispatch queue; every order is started once', async () => {
    const poller = await startPoller(env, { pageSize: 1000 });
    const { eventsSeen, ordersStarted } = await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    // Unpaid orders: each is started and waits for payment (cheap for the test's worker).
    const orders = env.simulator.admin.addOrders(300, { status: 'FILLED_IN' });
    const status = await statusWhen(poller, (s) => s.ordersStarted === ordersStarted + orders.length, 'the burst');
    expect(status.eventsSeen - eventsSeen).toBeGreaterThan(DISPATCH_PART_EVENTS);
    const { events } = await poller.fetchHistory();
    const dispatches = (events ?? []).flatMap((e) => {
      const scheduled = e.activityTaskScheduledEventAttributes;
      return scheduled?.activityType?.name === 'dispatchOrderEvents' ? [scheduled.taskQueue?.name] : [];
    });
    // A killed worker's part is noticed in 1.5 s (its beats reach the server every 300 ms).
    const timeouts = (events ?? []).flatMap((e) => {
      const scheduled = e.activityTaskScheduledEventAttributes;
      const timeout = scheduled?.heartbeatTimeout;
      return scheduled?.activityType?.name === 'dispatchOrderEvents' && timeout
        ? [Number(timeout.seconds ?? 0) * 1000 + (timeout.nanos ?? 0) / 1e6]
        : [];
    });
    expect(new Set(timeouts)).toEqual(new Set([1500]));
    expect(dispatches.length).toBeGreaterThan(1);
    expect(dispatches.length).toBeLessThanOrEqual(Math.ceil((status.eventsSeen - eventsSeen) / DISPATCH_PART_EVENTS));
    expect(new Set(dispatches)).toEqual(new Set([dispatchTaskQueue(env.taskQueue)]));
    expect(status.ordersAlreadyDone).toBe(0);
    await stop(poller);
  });

  test('a burst over several full pages is dispatched together: one workflow task schedules the parts of its first pages, not a page after another', async () => {
    const poller = await startPoller(env, { pageSize: 100 });
    const { ordersStarted } = await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    // Unpaid orders (cheap for the test's worker): 200 forms, each with one or two events.
    const orders = env.simulator.admin.addOrders(200, { status: 'FILLED_IN' });
    await statusWhen(poller, (s) => s.ordersStarted >= ordersStarted + orders.length, 'the burst');
    const { events } = await poller.fetchHistory();
    const partsPerTask = new Map<string, number>();
    let reads = 0;
    for (const e of events ?? []) {
      const scheduled = e.activityTaskScheduledEventAttributes;
      if (scheduled?.activityType?.name === 'readOrderEvents') reads++;
      if (scheduled?.activityType?.name !== 'dispatchOrderEvents') continue;
      const task = String(scheduled.workflowTaskCompletedEventId);
      partsPerTask.set(task, (partsPerTask.get(task) ?? 0) + 1);
    }
    // Pages 2 and 3 were read ahead (the first is read locally); the first dispatch took all
    // three pages' parts (page after page, each task would schedule one part of 100 events).
    expect(reads).toBeGreaterThanOrEqual(2);
    expect([...partsPerTask.values()][0]).toBeGreaterThanOrEqual(3);
    await stop(poller);
  });

  test('a 1 s poll whose read takes 0.4 s still polls every second: each wait is what is left of the second', async () => {
    env.simulator.admin.setLatency(400);
    const poller = await startPoller(env);
    // The interval counts from the run's start: the wait after a 0.4 s run is what is left.
    const waits = await eventually(async () => {
      const { events } = await poller.fetchHistory();
      const timers = (events ?? []).flatMap((e) => {
        const fire = e.timerStartedEventAttributes?.startToFireTimeout;
        return fire ? [Number(fire.seconds ?? 0) * 1000 + (fire.nanos ?? 0) / 1e6] : [];
      });
      return timers.length >= 3 ? timers : undefined;
    }, 'three runs');
    for (const wait of waits) {
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(650);
    }
    await stop(poller);
  });

  test('buyer cancelled after the import: the cancel path annotates the document, never deletes it', async () => {
    const poller = await startPoller(env);
    await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    const orderId = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const result = await imported(orderId);
    expect(result.status).toBe('Imported');

    env.simulator.admin.cancel(orderId, 'BUYER');
    const cancellation = env.client.workflow.getHandle(cancelOrderWorkflowId(env.account, orderId));
    expect(await eventually(() => cancellation.result(), 'the cancellation')).toMatchObject({
      status: 'Cancelled',
      documentNumber: result.documentNumber,
    });
    const [document] = documentsOf(env, [orderId]);
    expect(document.TrN_Opis).toMatch(/anulowane w Allegro: BUYER_CANCELLED/);
    expect(Number(document.TrN_Anulowany)).toBe(0);
    await stop(poller);
  });

  test('with cancelledAfterDocument = cancel the document (still in the buffer) is marked cancelled, not deleted', async () => {
    const poller = await startPoller(env, { policy: testPolicy({ cancelledAfterDocument: 'cancel' }) });
    await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    const orderId = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    expect(await imported(orderId)).toMatchObject({ status: 'Imported' });

    env.simulator.admin.cancel(orderId, 'AUTO');
    const cancellation = env.client.workflow.getHandle(cancelOrderWorkflowId(env.account, orderId));
    expect(await eventually(() => cancellation.result(), 'the cancellation')).toMatchObject({ status: 'Cancelled' });
    const documents = documentsOf(env, [orderId]);
    expect(documents).toHaveLength(1);
    expect(Number(documents[0].TrN_Anulowany)).toBe(1);
    await stop(poller);
  });

  test('merged payment: the waiting orders are superseded, the new form gets the only document', async () => {
    const poller = await startPoller(env);
    await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    const a = env.simulator.admin.addOrder({ lines: [{ offerId: '17000000001' }], status: 'FILLED_IN' });
    const b = env.simulator.admin.addOrder({ lines: [{ offerId: '17000000003' }], status: 'FILLED_IN' });
    for (const id of [a, b]) {
      await eventually(
        async () => ((await orderHandle(id).query(orderProgressQuery)).status === 'Waiting' ? true : undefined),
        'waiting',
      );
    }
    const merged = env.simulator.admin.merge([a, b]);

    expect(await imported(merged)).toMatchObject({ status: 'Imported' });
    for (const id of [a, b]) {
      const result = await imported(id);
      expect(result.status).toBe('Superseded');
      expect(result.reason).toContain(merged);
    }
    expect(documentsOf(env, [a, b, merged])).toHaveLength(1);
    await stop(poller);
  });

  test('reset to a date within the journal re-dispatches from there and imports only what is missing', async () => {
    const tenDaysAgo = new Date(Date.now() - 10 * DAY);
    const old = env.simulator.admin.addOrders(3, {
      status: 'READY_FOR_PROCESSING',
      occurredAt: tenDaysAgo,
      spreadOverSeconds: 3600,
    });
    const poller = await startPoller(env);
    await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    // One of them was imported earlier (say by hand).
    const first = await env.client.workflow.execute(importOrder, {
      taskQueue: env.taskQueue,
      workflowId: orderWorkflowId(env.account, old[0]),
      args: [{ account: env.account, checkoutFormId: old[0], policy: env.policy }],
    });
    expect(documentsOf(env, old)).toHaveLength(1);

    const status = await poller.executeUpdate(resetUpdate, {
      args: [{ to: 'date', date: new Date(Date.now() - 11 * DAY).toISOString() }],
    });
    expect(status.backfillFrom).toBeNull();
    for (const id of old) expect(await imported(id)).toMatchObject({ status: 'Imported' });
    const after = await statusWhen(
      poller,
      (s) => (s.ordersAlreadyDone ?? 0) >= 1,
      'the imported order counted as done',
    );
    expect(after.ordersStarted).toBe(2);
    expect(documentsOf(env, old)).toHaveLength(3);
    expect(documentsOf(env, [old[0]])[0].TrN_NumerPelny).toBe(first.documentNumber);
    await stop(poller);
  });

  test('reset to a date older than the 60-day journal: backfilled from the checkout-form list, then polling from now', async () => {
    const ninetyDaysAgo = new Date(Date.now() - 90 * DAY);
    const old = env.simulator.admin.addOrders(3, {
      status: 'READY_FOR_PROCESSING',
      occurredAt: ninetyDaysAgo,
      spreadOverSeconds: 3600,
    });
    const tooOld = env.simulator.admin.addOrder({
      status: 'READY_FOR_PROCESSING',
      occurredAt: new Date(Date.now() - 200 * DAY),
    });
    const poller = await startPoller(env);
    await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    await env.client.workflow.execute(importOrder, {
      taskQueue: env.taskQueue,
      workflowId: orderWorkflowId(env.account, old[1]),
      args: [{ account: env.account, checkoutFormId: old[1], policy: env.policy }],
    });

    const reset = await poller.executeUpdate(resetUpdate, {
      args: [{ to: 'date', date: new Date(Date.now() - 100 * DAY).toISOString() }],
    });
    expect(reset.backfillFrom).not.toBeNull();
    for (const id of old) expect(await imported(id)).toMatchObject({ status: 'Imported' });
    const after = await statusWhen(
      poller,
      (s) => s.backfillFrom === null && (s.ordersAlreadyDone ?? 0) >= 1,
      'the backfill',
    );
    expect(after.ordersStarted).toBe(2);
    expect(documentsOf(env, old)).toHaveLength(3);
    expect(documentsOf(env, [tooOld])).toHaveLength(0);

    const fresh = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    expect(await imported(fresh)).toMatchObject({ status: 'Imported' });
    await stop(poller);
  });

  test('reset to "now" skips what is in the journal; reset to an event id replays from it', async () => {
    const poller = await startPoller(env, { schedule: { kind: 'interval', seconds: 3600 } });
    await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    await poller.signal(pauseSignal);
    await statusWhen(poller, (s) => s.paused, 'paused');
    const skipped = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const status = await poller.executeUpdate(resetUpdate, { args: [{ to: 'now' }] });
    await poller.signal(resumeSignal);
    const later = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    await poller.signal(importNowSignal);
    expect(await imported(later)).toMatchObject({ status: 'Imported' });
    await expect(orderHandle(skipped).describe()).rejects.toThrow(/not found/i);

    // Back to the cursor before `skipped`'s event: it is dispatched now, `later` is not again.
    await poller.executeUpdate(resetUpdate, {
      args: [{ to: 'event', eventId: status.cursor === null ? '0' : String(BigInt(status.cursor) - 1n) }],
    });
    expect(await imported(skipped)).toMatchObject({ status: 'Imported' });
    expect(documentsOf(env, [skipped, later])).toHaveLength(2);
    await stop(poller);
  });

  test('a reset to a future date or to a non-numeric event id is refused (the update fails, nothing changes)', async () => {
    const poller = await startPoller(env);
    const before = await statusWhen(poller, (s) => s.cursor !== null || s.lastImportAt !== null, 'the first run');
    await expect(
      poller.executeUpdate(resetUpdate, { args: [{ to: 'date', date: new Date(Date.now() + DAY).toISOString() }] }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(poller.executeUpdate(resetUpdate, { args: [{ to: 'event', eventId: 'abc' }] })).rejects.toThrow();
    expect((await poller.query(pollerStatusQuery)).cursor).toBe(before.cursor);
    await stop(poller);
  });

  test('paused: no run imports; resume and "import now" bring the order in at once', async () => {
    const poller = await startPoller(env, { schedule: { kind: 'interval', seconds: 3600 } });
    await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    await poller.signal(pauseSignal);
    await statusWhen(poller, (s) => s.paused, 'paused');
    const orderId = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    await poller.signal(importNowSignal);
    // A paused poller ignores "import now": give it the time a run takes, then check nothing started.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await expect(orderHandle(orderId).describe()).rejects.toThrow(/not found/i);

    await poller.signal(resumeSignal);
    expect(await imported(orderId)).toMatchObject({ status: 'Imported' });
    const status = await poller.query(pollerStatusQuery);
    expect(status.paused).toBe(false);
    expect(Date.parse(status.nextRunAt!) - Date.now()).toBeGreaterThan(3000_000);
    await stop(poller);
  });

  test("Allegro's 5xx on the first cursor lookup is retried within a second, and the orders after it are imported", async () => {
    env.simulator.admin.setFault({ path: '/order/events', status: 503, times: 2 });
    const poller = await startPoller(env, { initialSync: new Date(Date.now() - 60_000).toISOString() });
    await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    const { events } = await poller.fetchHistory();
    const scheduled = (events ?? []).find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'locateEventCursor',
    );
    const started = (events ?? []).find(
      (e) => e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === scheduled?.eventId?.toString(),
    );
    // Third attempt, after two quick retries (at 2 s and 4 s a burst waited 6 s for its first read).
    expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(3);
    expect(Number(scheduled?.activityTaskScheduledEventAttributes?.retryPolicy?.initialInterval?.seconds ?? 0)).toBe(0);
    expect(Number(scheduled?.activityTaskScheduledEventAttributes?.retryPolicy?.initialInterval?.nanos)).toBe(
      500_000_000,
    );
    const orderId = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    expect(await imported(orderId)).toMatchObject({ status: 'Imported' });
    await stop(poller);
  });

  test('a failed run shows as lastError; the next run recovers and imports', async () => {
    const poller = await startPoller(env);
    await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    env.simulator.admin.setFault({ path: '/order/events', status: 403, times: 1 });
    const failed = await statusWhen(poller, (s) => !!s.lastError, 'the failure to show');
    expect(failed.lastError).toMatch(/403/);
    const orderId = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    expect(await imported(orderId)).toMatchObject({ status: 'Imported' });
    await statusWhen(poller, (s) => s.lastError === null, 'the error to clear');
    await stop(poller);
  });

  test('daily at an hour in a time zone: the next run is that wall-clock time, within a day', async () => {
    const poller = await startPoller(env, {
      schedule: { kind: 'daily', hour: 3, minute: 15, timeZone: 'Europe/Warsaw' },
    });
    const status = await statusWhen(poller, (s) => s.nextRunAt !== null, 'the next run to be planned');
    const next = new Date(status.nextRunAt!);
    const wall = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/Warsaw',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(next);
    expect(wall).toBe('03:15');
    expect(next.getTime() - Date.now()).toBeGreaterThan(0);
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(DAY);
    await stop(poller);
  });

  test('continue-as-new keeps the cursor and the counts: nothing is dispatched twice', async () => {
    const poller = await startPoller(env, { runsBeforeContinueAsNew: 2 });
    const firstRunId = (await poller.describe()).runId;
    await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    const one = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    expect(await imported(one)).toMatchObject({ status: 'Imported' });
    const kept = await statusWhen(poller, (s) => s.ordersStarted === 1, 'the first order counted');

    const latest = env.client.workflow.getHandle(pollerWorkflowId(env.account));
    await eventually(
      async () => ((await latest.describe()).runId !== firstRunId ? true : undefined),
      'a continue-as-new',
    );
    const afterCan = await latest.query(pollerStatusQuery);
    expect(afterCan.cursor).toBe(kept.cursor);
    expect(afterCan.eventsSeen).toBe(kept.eventsSeen);

    const two = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    expect(await imported(two)).toMatchObject({ status: 'Imported' });
    const final = await statusWhen(latest, (s) => s.ordersStarted === 2, 'the second order counted');
    expect(final.ordersAlreadyDone ?? 0).toBe(0);
    expect(documentsOf(env, [one, two])).toHaveLength(2);
    await stop(latest);
  });

  test('a brand-new poller with an initial sync date imports the orders since then', async () => {
    const old = env.simulator.admin.addOrders(2, {
      status: 'READY_FOR_PROCESSING',
      occurredAt: new Date(Date.now() - 5 * DAY),
      spreadOverSeconds: 60,
    });
    const older = env.simulator.admin.addOrder({
      status: 'READY_FOR_PROCESSING',
      occurredAt: new Date(Date.now() - 20 * DAY),
    });
    const poller = await startPoller(env, { initialSync: new Date(Date.now() - 6 * DAY).toISOString() });
    for (const id of old) expect(await imported(id)).toMatchObject({ status: 'Imported' });
    await statusWhen(poller, (s) => s.ordersStarted === 2, 'both dispatched');
    await expect(orderHandle(older).describe()).rejects.toThrow(/not found/i);
    await stop(poller);
  });
});

describe('determinism', () => {
  test('every run this file made replays against the current workflow code', async () => {
    const { replayed, failures } = await replayRunsOfThisFile();
    expect(failures).toEqual([]);
    expect(replayed).toBeGreaterThanOrEqual(20);
  });
});
