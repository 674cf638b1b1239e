/**
 * The activities alone, in MockActivityEnvironment (@temporalio/testing), over the Allegro
 * simulator and an in-memory embedded Optima: what each returns, how failures are typed,
 * and that repeating one is harmless.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { createActivities, type Activities } from '../../activities';
import type { CheckoutForm } from '../../domain/allegro';
import { orderWorkflowId } from '../../workflows/definitions';
import { testClient, uniqueName } from '../harness/temporal';
import { activityInterceptors } from '../../worker/interceptors';
import { policySource } from '../../worker/settings-source';
import { countRows, documentsOf, startStandIns, testPolicy, testSettings, type StandIns } from './env';

let standIns: StandIns;
let activities: Activities;
let taskQueue: string;
const policy = testPolicy();

beforeEach(async () => {
  standIns = await startStandIns();
  taskQueue = uniqueName('no-worker');
  activities = createActivities({
    allegro: () => standIns.allegro,
    optima: standIns.optima,
    rates: standIns.rates,
    policy: policySource({ settings: testSettings() }),
    temporal: await testClient(),
    taskQueue,
    log: { info: () => undefined, warn: () => undefined },
  });
});
afterEach(async () => {
  await standIns.close();
});

/** As the worker runs them: its interceptor types the failures. Expected failures would each print a WARN block. */
const quiet = { logger: new DefaultLogger('ERROR'), interceptors: [activityInterceptors] };

function run<A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A): Promise<R> {
  return new MockActivityEnvironment(undefined, quiet).run(fn, ...args);
}

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

async function fetch(orderId: string): Promise<CheckoutForm> {
  return run(activities.fetchOrder, { account: standIns.account, checkoutFormId: orderId });
}

describe('order activities', () => {
  test('fetchOrder of a merged-away form fails as OrderGoneError (the type the workflow keys on, not the subclass name)', async () => {
    const a = standIns.simulator.admin.addOrder({ status: 'FILLED_IN' });
    const b = standIns.simulator.admin.addOrder({ status: 'FILLED_IN' });
    expect((await fetch(a)).id).toBe(a);
    standIns.simulator.admin.merge([a, b]);
    const failure = await failureOf(fetch(a));
    expect(failure.type).toBe('OrderGoneError');
  });

  test('matchProducts: EAN, code and name matches, a created card, and the saved links on the second call', async () => {
    const orderId = standIns.simulator.admin.addOrder({
      lines: [
        { offerId: '17000000001' },
        { offerId: '17000000005' },
        { offerId: '17000000006' },
        { offerId: '17000000012' },
      ],
      status: 'READY_FOR_PROCESSING',
    });
    const order = await fetch(orderId);
    const first = await run(activities.matchProducts, { account: standIns.account, order, policy });
    expect(first.map((m) => [m.product?.code, m.rule])).toEqual([
      ['KUB-350-KRK', 'ean'],
      ['KAB-CC-2M', 'externalId'],
      ['ETUI-S23U-NIL', 'name'],
      ['LAM-LED-QI', 'created'],
    ]);
    const products = countRows(standIns, 'CDN.Towary');
    const again = await run(activities.matchProducts, { account: standIns.account, order, policy });
    expect(again.map((m) => [m.product?.id, m.rule])).toEqual(first.map((m) => [m.product?.id, 'link']));
    expect(countRows(standIns, 'CDN.Towary')).toBe(products);
  });

  test('matchProducts withoutAllegro (its local attempt): refuses with AllegroNeededError before any Allegro call when an offer is not linked yet; matches a linked one', async () => {
    const orderId = standIns.simulator.admin.addOrder({
      lines: [{ offerId: '17000000007' }],
      status: 'READY_FOR_PROCESSING',
    });
    const order = await fetch(orderId);
    const allegroCalls = () => Object.values(standIns.simulator.admin.stats().requests).reduce((a, b) => a + b, 0);
    const before = allegroCalls();
    const input = { account: standIns.account, order, policy, withoutAllegro: true };
    const refused = await failureOf(run(activities.matchProducts, input));
    expect(refused.type).toBe('AllegroNeededError');
    expect(refused.message).toMatch(/lineItems\[0\]: offer 17000000007/);
    expect(allegroCalls()).toBe(before);

    const linked = await run(activities.matchProducts, { account: standIns.account, order, policy });
    expect(await run(activities.matchProducts, input)).toEqual(linked.map((m) => ({ ...m, rule: 'link' })));
  });

  test('matchProducts with productNotFound = lineWithoutCard or wait', async () => {
    const orderId = standIns.simulator.admin.addOrder({
      lines: [{ offerId: '17000000012' }],
      status: 'READY_FOR_PROCESSING',
    });
    const order = await fetch(orderId);
    const none = await run(activities.matchProducts, {
      account: standIns.account,
      order,
      policy: { ...policy, productNotFound: 'lineWithoutCard' },
    });
    expect(none).toEqual([{ lineItemId: order.lineItems[0].id, product: null, rule: 'none' }]);
    const failure = await failureOf(
      run(activities.matchProducts, {
        account: standIns.account,
        order,
        policy: { ...policy, productNotFound: 'wait' },
      }),
    );
    expect(failure.type).toBe('NeedsPersonError');
    expect(failure.details).toEqual([{ reason: 'product-not-found' }]);
  });

  test('matchProducts of a set with productSets = split: each component by its EAN, then by the saved product link; no card created', async () => {
    const order = await fetch(
      standIns.simulator.admin.addOrder({ lines: [{ offerId: '17000000101' }], status: 'READY_FOR_PROCESSING' }),
    );
    const products = countRows(standIns, 'CDN.Towary');
    const split = { ...policy, productSets: 'split' as const };
    const first = await run(activities.matchProducts, { account: standIns.account, order, policy: split });
    expect(first[0].components?.map((c) => [c.product.code, c.perSet, c.rule])).toEqual([
      ['KUB-350-KRK', 2, 'ean'],
      ['SWI-LAS-200', 3, 'ean'],
    ]);
    const again = await run(activities.matchProducts, { account: standIns.account, order, policy: split });
    expect(again[0].components?.map((c) => c.rule)).toEqual(['link', 'link']);
    expect(countRows(standIns, 'CDN.Towary')).toBe(products);
    // The default (wait) never books a set without a card of its own, nor creates one.
    const failure = await failureOf(run(activities.matchProducts, { account: standIns.account, order, policy }));
    expect(failure.message).toMatch(/lineItems\[0\]\.offer\.productSet/);
    expect(countRows(standIns, 'CDN.Towary')).toBe(products);
  });

  test('matchContractor creates the buyer once, then finds it by the saved link', async () => {
    const order = await fetch(standIns.simulator.admin.addOrder({ buyer: 'person', status: 'READY_FOR_PROCESSING' }));
    const before = countRows(standIns, 'CDN.Kontrahenci');
    const created = await run(activities.matchContractor, { account: standIns.account, order, policy });
    expect(created.rule).toBe('created');
    expect(created.linkKey).toBe(`buyer:${standIns.account}:${order.buyer.id}`);
    const linked = await run(activities.matchContractor, { account: standIns.account, order, policy });
    expect(linked).toMatchObject({ rule: 'link', contractor: { id: created.contractor.id } });
    expect(countRows(standIns, 'CDN.Kontrahenci')).toBe(before + 1);
  });

  test('createDocument: an unmapped payment is NeedsPersonError with its reason; mapped, one document however often it runs', async () => {
    const orderId = standIns.simulator.admin.addOrder({ paymentType: 'SOMETHING_NEW', status: 'READY_FOR_PROCESSING' });
    const order = await fetch(orderId);
    const lines = await run(activities.matchProducts, { account: standIns.account, order, policy });
    const { contractor } = await run(activities.matchContractor, { account: standIns.account, order, policy });
    const input = { account: standIns.account, order, lines, contractor, policy, importedAt: new Date().toISOString() };
    const failure = await failureOf(run(activities.createDocument, input));
    expect(failure.type).toBe('NeedsPersonError');
    expect(failure.details).toEqual([{ reason: 'unmapped-payment' }]);
    expect(failure.message).toMatch(/SOMETHING_NEW/);

    const mapped = {
      ...policy,
      paymentMappings: [...policy.paymentMappings, { type: 'SOMETHING_NEW', paymentForm: 'przelew' }],
    };
    const first = await run(activities.createDocument, { ...input, policy: mapped });
    const second = await run(activities.createDocument, { ...input, policy: mapped });
    expect(first.existed).toBe(false);
    expect(second).toMatchObject({ id: first.id, number: first.number, existed: true });
    expect(documentsOf(standIns, [orderId])).toHaveLength(1);
  });

  test('findExistingDocument: none, its own, and (merged payment) another form holding its lines, which it links', async () => {
    const orderId = standIns.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const order = await fetch(orderId);
    const lineIds = order.lineItems.map((l) => l.id);
    expect(
      await run(activities.findExistingDocument, { account: standIns.account, checkoutFormId: orderId, lineIds }),
    ).toBeNull();

    const lines = await run(activities.matchProducts, { account: standIns.account, order, policy });
    const { contractor } = await run(activities.matchContractor, { account: standIns.account, order, policy });
    const document = await run(activities.createDocument, {
      account: standIns.account,
      order,
      lines,
      contractor,
      policy,
      importedAt: new Date().toISOString(),
    });
    expect(
      await run(activities.findExistingDocument, { account: standIns.account, checkoutFormId: orderId, lineIds }),
    ).toMatchObject({
      merged: false,
      document: { id: document.id },
    });
    const merged = await run(activities.findExistingDocument, {
      account: standIns.account,
      checkoutFormId: 'new-form',
      lineIds,
    });
    expect(merged).toMatchObject({ merged: true, document: { id: document.id, orderId } });
    expect(await standIns.optima.findDocumentByOrder('new-form')).toMatchObject({ id: document.id });
  });

  test('recordLink refuses a missing link; marks PROCESSING once, not again (Allegro caps status changes)', async () => {
    const orderId = standIns.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const missing = await failureOf(
      run(activities.recordLink, {
        account: standIns.account,
        checkoutFormId: orderId,
        documentId: 1,
        markProcessing: false,
      }),
    );
    expect(missing.type).toBe('PermanentError');

    const order = await fetch(orderId);
    const lines = await run(activities.matchProducts, { account: standIns.account, order, policy });
    const buyer = await run(activities.matchContractor, { account: standIns.account, order, policy });
    const document = await run(activities.createDocument, {
      account: standIns.account,
      order,
      lines,
      contractor: buyer.contractor,
      policy,
      importedAt: new Date().toISOString(),
    });
    const link = {
      account: standIns.account,
      checkoutFormId: orderId,
      documentId: document.id,
      contractorLinkKey: buyer.linkKey,
    };
    expect(await run(activities.recordLink, { ...link, markProcessing: true })).toEqual({ markedProcessing: true });
    expect(await run(activities.recordLink, { ...link, markProcessing: true })).toEqual({ markedProcessing: false });
    expect(standIns.simulator.admin.stats().requests['PUT /order/checkout-forms/{id}/fulfillment']).toBe(1);
    expect(standIns.simulator.admin.getOrder(orderId)!.fulfillment.status).toBe('PROCESSING');
  });

  test('cancelDocument without a document is null (nothing to cancel)', async () => {
    expect(
      await run(activities.cancelDocument, {
        account: standIns.account,
        checkoutFormId: 'no-such',
        mode: 'cancel',
        reason: 'test',
      }),
    ).toBeNull();
  });
});

describe('poller activities', () => {
  test('readOrderEvents sets a malformed event aside with its reason, in place; one without an id takes the id before it', async () => {
    const order = standIns.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    standIns.simulator.admin.addMalformedEvent(order, { type: undefined });
    standIns.simulator.admin.addMalformedEvent(order, { id: undefined, occurredAt: 17 });
    const next = standIns.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const events = await run(activities.readOrderEvents, { account: standIns.account, from: null, limit: 100 });
    const rejected = events.filter((e) => e.rejected !== undefined);
    expect(rejected).toHaveLength(2);
    const [noType, noId] = rejected;
    expect(noType.rejected).toMatch(/^type: /);
    expect(noType.checkoutFormId).toBeUndefined();
    expect(noId.rejected).toMatch(/^id: .*; occurredAt: /);
    expect(noId.id).toBe(noType.id);
    // Journal order kept: ids never go down, so the cursor after the page is the last event's.
    const ids = events.map((e) => BigInt(e.id));
    expect(ids.every((id, i) => i === 0 || id >= ids[i - 1])).toBe(true);
    expect(events.some((e) => e.checkoutFormId === order) && events.some((e) => e.checkoutFormId === next)).toBe(true);
  });

  test('readOrderEvents gives compact events; latestEventId is the newest; locateEventCursor finds the event before a date', async () => {
    const day = 24 * 3600_000;
    const [old] = standIns.simulator.admin.addOrders(1, {
      status: 'READY_FOR_PROCESSING',
      occurredAt: new Date(Date.now() - 5 * day),
    });
    const recent = standIns.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const events = await run(activities.readOrderEvents, { account: standIns.account, from: null, limit: 100 });
    expect(events.map((e) => e.checkoutFormId)).toEqual([old, old, recent, recent]);
    expect(events[0]).toEqual({
      id: expect.stringMatching(/^\d+$/),
      type: 'FILLED_IN',
      occurredAt: expect.any(String),
      checkoutFormId: old,
      lineItemIds: standIns.simulator.admin.getOrder(old)!.lineItems.map((l) => l.id),
    });
    expect(await run(activities.latestEventId, { account: standIns.account })).toBe(events[3].id);

    const cursor = await run(activities.locateEventCursor, {
      account: standIns.account,
      date: new Date(Date.now() - day).toISOString(),
      pageSize: 1,
    });
    expect(cursor).toBe(events[1].id);
    const fromStart = await run(activities.locateEventCursor, {
      account: standIns.account,
      date: new Date(Date.now() - 10 * day).toISOString(),
      pageSize: 2,
    });
    expect(fromStart).toBeNull();
  });

  test('locateEventCursor steps over a malformed event as the poller does, instead of failing the reset', async () => {
    const day = 24 * 3600_000;
    const [old] = standIns.simulator.admin.addOrders(1, {
      status: 'READY_FOR_PROCESSING',
      occurredAt: new Date(Date.now() - 5 * day),
    });
    standIns.simulator.admin.addMalformedEvent(old, { type: undefined });
    const recent = standIns.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const events = await run(activities.readOrderEvents, { account: standIns.account, from: null, limit: 100 });
    const lastOld = events.filter((e) => e.checkoutFormId === old).at(-1)!;
    // The second page of two holds the malformed event: read strictly, the whole page failed.
    expect(events.slice(2, 4).some((e) => e.rejected !== undefined)).toBe(true);
    const cursor = await run(activities.locateEventCursor, {
      account: standIns.account,
      date: new Date(Date.now() - day).toISOString(),
      pageSize: 2,
    });
    // The event before the first one on or after the date: the old order's last.
    expect(cursor).toBe(lastOld.id);
    expect(events.some((e) => e.checkoutFormId === recent)).toBe(true);
  });

  test('dispatchOrderEvents: one workflow per form, a running one is signalled, a terminated one may start again', async () => {
    const client = await testClient();
    const form = uniqueName('form');
    const other = uniqueName('form');
    const at = new Date().toISOString();
    const input = {
      account: standIns.account,
      policy,
      superseded: [],
      events: [
        { id: '10', type: 'FILLED_IN', occurredAt: at, checkoutFormId: form, lineItemIds: ['l1'] },
        { id: '11', type: 'FULFILLMENT_STATUS_CHANGED', occurredAt: at, lineItemIds: [] },
        { id: '12', type: 'READY_FOR_PROCESSING', occurredAt: at, checkoutFormId: form, lineItemIds: ['l1'] },
        { id: '13', type: 'READY_FOR_PROCESSING', occurredAt: at, checkoutFormId: other, lineItemIds: ['l2'] },
      ],
    };
    expect(await run(activities.dispatchOrderEvents, input)).toEqual({
      cursor: '13',
      dispatched: 2,
      alreadyDone: 0,
      cancellationsStarted: 0,
    });
    const handle = client.workflow.getHandle(orderWorkflowId(standIns.account, form));
    const started = await handle.describe();
    expect(started.taskQueue).toBe(taskQueue);
    const signalNames = async () =>
      ((await handle.fetchHistory()).events ?? []).flatMap((e) =>
        e.workflowExecutionSignaledEventAttributes ? [e.workflowExecutionSignaledEventAttributes.signalName] : [],
      );
    // Started with its event in the input: no signal yet.
    expect(await signalNames()).toEqual([]);

    // Running (no worker here): the next dispatch is a signal to the same run.
    await run(activities.dispatchOrderEvents, { ...input, events: input.events.slice(2, 3) });
    expect(await signalNames()).toEqual(['orderEvent']);
    expect((await handle.describe()).runId).toBe(started.runId);

    await handle.terminate('test');
    await client.workflow.getHandle(orderWorkflowId(standIns.account, other)).terminate('test');
    await run(activities.dispatchOrderEvents, { ...input, events: input.events.slice(2, 3) });
    expect((await handle.describe()).runId).not.toBe(started.runId);
    await handle.terminate('test done');
  });

  test('dispatchOrderEvents paces a long page: its first orders’ first tasks wait for the page; a local (short) dispatch does not', async () => {
    const client = await testClient();
    const forms = Array.from({ length: 80 }, () => uniqueName('form'));
    const at = new Date().toISOString();
    const events = forms.map((form, i) => ({
      id: String(100 + i),
      type: 'READY_FOR_PROCESSING',
      occurredAt: at,
      checkoutFormId: form,
      lineItemIds: [`l${i}`],
    }));
    const input = { account: standIns.account, policy, superseded: [], events: events.slice(0, 70) };
    await run(activities.dispatchOrderEvents, input);
    const local = { ...input, events: events.slice(70) };
    await new MockActivityEnvironment({ isLocal: true }, quiet).run(activities.dispatchOrderEvents, local);
    const waitMs = async (form: string) => {
      const { startTime, executionTime } = await client.workflow
        .getHandle(orderWorkflowId(standIns.account, form))
        .describe();
      return (executionTime ?? startTime).getTime() - startTime.getTime();
    };
    // 69 forms after the first at the first guess of 100 a second: ~690 ms.
    expect(await waitMs(forms[0])).toBeGreaterThanOrEqual(500);
    expect(await waitMs(forms[69])).toBe(0);
    expect(await waitMs(forms[70])).toBe(0);
    await Promise.all(
      forms.map((form) => client.workflow.getHandle(orderWorkflowId(standIns.account, form)).terminate('test done')),
    );
  });

  test('dispatchOrderEvents retried after a worker died resumes after the forms its last heartbeat counted', async () => {
    const client = await testClient();
    const forms = [uniqueName('form'), uniqueName('form'), uniqueName('form')];
    const at = new Date().toISOString();
    const input = {
      account: standIns.account,
      policy,
      superseded: [],
      events: forms.map((form, i) => ({
        id: String(20 + i),
        type: 'READY_FOR_PROCESSING',
        occurredAt: at,
        checkoutFormId: form,
        lineItemIds: [`l${i}`],
      })),
    };
    // The dead attempt's heartbeat: the first two forms were handed over (one was already done).
    const heartbeatDetails = { done: 2, counts: { dispatched: 1, alreadyDone: 1, cancellationsStarted: 0 } };
    const result = await new MockActivityEnvironment({ heartbeatDetails }, quiet).run(
      activities.dispatchOrderEvents,
      input,
    );
    expect(result).toEqual({ cursor: '22', dispatched: 2, alreadyDone: 1, cancellationsStarted: 0 });
    const started = await Promise.all(
      forms.map((form) =>
        client.workflow
          .getHandle(orderWorkflowId(standIns.account, form))
          .describe()
          .then(
            () => true,
            () => false,
          ),
      ),
    );
    expect(started).toEqual([false, false, true]);
    await client.workflow.getHandle(orderWorkflowId(standIns.account, forms[2])).terminate('test done');
  });

  test('backfillOrders dispatches each listed form once and resumes from its last heartbeat', async () => {
    const day = 24 * 3600_000;
    const client = await testClient();
    const old = standIns.simulator.admin.addOrders(4, {
      status: 'READY_FOR_PROCESSING',
      occurredAt: new Date(Date.now() - 80 * day),
      spreadOverSeconds: (4 * day) / 1000,
    });
    const input = {
      account: standIns.account,
      policy,
      from: new Date(Date.now() - 90 * day).toISOString(),
      to: new Date().toISOString(),
      statuses: ['READY_FOR_PROCESSING' as const],
    };
    // A retry after a crash: the heartbeat said the first two were done.
    const third = standIns.simulator.admin.getOrder(old[2])!;
    const resumed = await new MockActivityEnvironment(
      { heartbeatDetails: { statusIndex: 0, boughtAt: third.lineItems[0].boughtAt } },
      quiet,
    ).run(activities.backfillOrders, input);
    expect(resumed).toEqual({ forms: 2, dispatched: 2, alreadyDone: 0 });
    const all = await run(activities.backfillOrders, input);
    expect(all.forms).toBe(4);
    for (const id of old) await client.workflow.getHandle(orderWorkflowId(standIns.account, id)).terminate('test done');
  });
});
