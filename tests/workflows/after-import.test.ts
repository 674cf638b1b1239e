/**
 * Orders are never left behind, on the real dev server: a malformed journal event does not
 * stall the poller, a cancellation Allegro has not applied yet is re-checked, and the sweep
 * re-reads orders changed on Allegro after their import.
 */
import { cancelOrderWorkflowId, orderProgressQuery, orderWorkflowId } from '../../workflows/definitions';
import { cancelImportedOrder } from '../../workflows/after-import';
import { importOrder } from '../../workflows/import-order';
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

let env: TestEnv;
beforeEach(async () => {
  env = await startEnv();
});
afterEach(async () => {
  await env.close();
});

async function imported(orderId: string) {
  const handle = env.client.workflow.getHandle<typeof importOrder>(orderWorkflowId(env.account, orderId));
  return eventually(async () => handle.result(), `order ${orderId} to finish`);
}

describe('the poller and a malformed event', () => {
  test('an event without `type` is skipped with its id and reason; the orders around it are imported', async () => {
    const poller = await startPoller(env);
    await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    await poller.signal('pause');
    const before = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    env.simulator.admin.addMalformedEvent(before, { type: undefined });
    const after = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    await poller.signal('resume');

    expect(await imported(before)).toMatchObject({ status: 'Imported' });
    expect(await imported(after)).toMatchObject({ status: 'Imported' });
    expect(documentsOf(env, [before, after])).toHaveLength(2);
    const status = await statusWhen(poller, (s) => (s.eventsRejected ?? 0) > 0, 'the rejected event to be counted');
    expect(status.eventsRejected).toBe(1);
    expect(status.lastRejectedEvent?.reason).toMatch(/^type: /);
    expect(status.lastRejectedEvent?.id).toMatch(/^\d+$/);
    expect(BigInt(status.cursor!)).toBeGreaterThan(BigInt(status.lastRejectedEvent!.id));
    expect(status.lastError ?? null).toBeNull();
    await poller.terminate('test done');
  });
});

describe('a cancellation Allegro has not applied yet', () => {
  function cancellation(orderId: string) {
    return env.client.workflow.getHandle<typeof cancelImportedOrder>(cancelOrderWorkflowId(env.account, orderId));
  }

  test('is re-checked until the form reads CANCELLED, then the document is annotated', async () => {
    const poller = await startPoller(env, { orderTiming: { waitingRecheckSeconds: 1 } });
    await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    const orderId = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const result = await imported(orderId);
    expect(result.status).toBe('Imported');

    env.simulator.admin.cancel(orderId, 'BUYER', { applied: false });
    const waiting = await eventually(async () => {
      const progress = await cancellation(orderId).query(orderProgressQuery);
      return progress.status === 'Waiting' ? progress : undefined;
    }, 'the cancellation to wait for Allegro');
    expect(waiting.reason).toMatch(/still READY_FOR_PROCESSING/);
    expect(documentsOf(env, [orderId])[0].TrN_Opis ?? '').not.toMatch(/anulowane/);

    env.simulator.admin.applyCancellation(orderId);
    expect(await eventually(() => cancellation(orderId).result(), 'the cancellation')).toMatchObject({
      status: 'Cancelled',
      documentNumber: result.documentNumber,
    });
    expect(documentsOf(env, [orderId])[0].TrN_Opis).toMatch(/anulowane w Allegro: BUYER_CANCELLED/);
    await poller.terminate('test done');
  });

  test('a cancel workflow that gave up does not make a later cancel event count as done', async () => {
    const poller = await startPoller(env, { orderTiming: { waitingRecheckSeconds: 1, cancelRecheckForSeconds: 1 } });
    await statusWhen(poller, (s) => s.lastImportAt !== null, 'the first run');
    const orderId = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    expect(await imported(orderId)).toMatchObject({ status: 'Imported' });

    env.simulator.admin.cancel(orderId, 'AUTO', { applied: false });
    const first = await eventually(() => cancellation(orderId).result(), 'the first cancellation to give up');
    expect(first).toMatchObject({ status: 'Skipped' });

    env.simulator.admin.cancel(orderId, 'BUYER');
    const second = await eventually(async () => {
      const outcome = await cancellation(orderId).result();
      return outcome.status === 'Cancelled' ? outcome : undefined;
    }, 'the later cancel event to cancel');
    expect(second.reason).toMatch(/annotated/);
    expect(documentsOf(env, [orderId])[0].TrN_Opis).toMatch(/anulowane w Allegro: BUYER_CANCELLED/);
    await poller.terminate('test done');
  });
});

describe('the sweep', () => {
  test('a delivery address changed after the document, with no event: a note on the document, nothing edited', async () => {
    const poller = await startPoller(env, { sweepEverySeconds: 1 });
    await statusWhen(poller, (s) => s.lastSweepAt != null, 'the sweep to start its clock');
    const orderId = env.simulator.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    expect(await imported(orderId)).toMatchObject({ status: 'Imported', revision: expect.any(String) });
    const [before] = documentsOf(env, [orderId]);

    env.simulator.admin.changeDeliveryAddress(orderId);
    const [after] = await eventually(() => {
      const rows = documentsOf(env, [orderId]);
      return /zmieniono adres dostawy/.test(rows[0].TrN_Opis ?? '') ? rows : undefined;
    }, 'the note on the document');
    expect(after.TrN_Opis).toMatch(/dokument bez zmian/);
    expect(after.TrN_Opis).not.toMatch(/dane kupującego|dane do faktury/);
    expect(after.TrN_RazemBrutto).toBe(before.TrN_RazemBrutto);
    expect(after.TrN_PodID).toBe(before.TrN_PodID);
    expect(Number(after.TrN_Anulowany)).toBe(0);
    const status = await statusWhen(poller, (s) => (s.ordersReviewed ?? 0) >= 1, 'the review to be counted');
    expect(status.lastError ?? null).toBeNull();
    await poller.terminate('test done');
  });

  test('cancelled with no event, and returned: cancelled as configured (cancelledAfterDocument = cancel)', async () => {
    const policy = testPolicy({ cancelledAfterDocument: 'cancel' });
    const poller = await startPoller(env, { sweepEverySeconds: 1, policy });
    await statusWhen(poller, (s) => s.lastSweepAt != null, 'the sweep to start its clock');
    const [cancelled, returned, untouched] = env.simulator.admin.addOrders(3, { status: 'READY_FOR_PROCESSING' });
    for (const id of [cancelled, returned, untouched]) expect(await imported(id)).toMatchObject({ status: 'Imported' });

    env.simulator.admin.applyCancellation(cancelled);
    env.simulator.admin.markReturned(returned);
    const cancellation = env.client.workflow.getHandle<typeof cancelImportedOrder>(
      cancelOrderWorkflowId(env.account, cancelled),
    );
    expect(await eventually(() => cancellation.result(), 'the cancellation')).toMatchObject({ status: 'Cancelled' });
    await eventually(() => {
      const [row] = documentsOf(env, [returned]);
      return Number(row.TrN_Anulowany) === 1 ? row : undefined;
    }, "the returned order's document to be cancelled");
    expect(Number(documentsOf(env, [cancelled])[0].TrN_Anulowany)).toBe(1);
    expect(documentsOf(env, [returned])[0].TrN_Opis).toMatch(/anulowane w Allegro: RETURNED/);
    const [other] = documentsOf(env, [untouched]);
    expect(Number(other.TrN_Anulowany)).toBe(0);
    expect(other.TrN_Opis ?? '').not.toMatch(/Allegro:|anulowane/);
    await poller.terminate('test done');
  });
});

test('the runs of this file replay without a determinism error', async () => {
  const { failures } = await replayRunsOfThisFile();
  expect(failures).toEqual([]);
});
