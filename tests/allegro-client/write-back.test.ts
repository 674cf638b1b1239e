/**
 * The client's write-back calls against the simulator: offer change commands (a repeat after a
 * lost answer changes nothing again), their tasks with Allegro's reason, tracking numbers and carriers.
 */
import { startAllegroSimulator, type AllegroSimulator } from '../../dev/allegro-simulator';
import { AllegroClient } from '../../activities/allegro/client';
import { MemoryTokenStore } from '../../activities/allegro/token-store';
import { taskReason } from '../../domain/allegro-write-back';
import { PermanentError, TransientError } from '../../domain/errors';

let sim: AllegroSimulator;
let client: AllegroClient;

beforeEach(async () => {
  sim = await startAllegroSimulator({ seed: 31 });
  const tokens = sim.admin.issueTokens();
  const now = Date.now();
  client = new AllegroClient({
    account: 'shop',
    target: { baseUrl: sim.url },
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    tokenStore: new MemoryTokenStore({
      shop: { ...tokens, expiresAt: new Date(now + 3_600_000).toISOString(), obtainedAt: new Date(now).toISOString() },
    }),
  });
});

afterEach(async () => {
  await client.close();
  await sim.close();
});

test('a quantity command: the report, one task per offer, a refusal with Allegro reason', async () => {
  const [a, b] = sim.admin.addOffers(2);
  sim.admin.refuseOfferChanges(b.offerId, 'Oferta zakończona');
  const report = await client.registerOfferCommand(
    'quantity',
    '5d0c6a43-1111-4222-8333-000000000001',
    { changeType: 'FIXED', value: 9 },
    [a.offerId, b.offerId],
  );
  expect(report.taskCount).toEqual({ total: 2, success: 1, failed: 1 });
  const tasks = await client.offerCommandTasks('quantity', report.id);
  expect(tasks.map((t) => [t.offer.id, t.status])).toEqual([
    [a.offerId, 'SUCCESS'],
    [b.offerId, 'FAIL'],
  ]);
  expect(taskReason(tasks[1])).toBe('Oferta zakończona');
  expect(sim.admin.getOffer(a.offerId)?.stock).toBe(9);
});

test('the answer lost after Allegro registered the command: the repeat reads that command, nothing is changed twice', async () => {
  const [a] = sim.admin.addOffers(1);
  const id = '5d0c6a43-1111-4222-8333-000000000002';
  sim.admin.setFault({
    method: 'PUT',
    path: `/sale/offer-quantity-change-commands/${id}`,
    reset: true,
    afterServing: true,
  });
  const modification = { changeType: 'GAIN', value: 5 };
  await expect(client.registerOfferCommand('quantity', id, modification, [a.offerId])).rejects.toBeInstanceOf(
    TransientError,
  );
  const repeat = await client.registerOfferCommand('quantity', id, modification, [a.offerId]);
  expect(repeat).toMatchObject({ id, taskCount: { total: 1, success: 1, failed: 0 } });
  expect(sim.admin.getOffer(a.offerId)?.stock).toBe(a.stock + 5);
  expect(sim.admin.stats().offerChanges.quantity).toBe(1);
});

test('a price command in the marketplace currency', async () => {
  const [a] = sim.admin.addOffers(1);
  const report = await client.registerOfferCommand(
    'price',
    '5d0c6a43-1111-4222-8333-000000000003',
    { type: 'FIXED_PRICE', price: { amount: '12.34', currency: 'PLN' } },
    [a.offerId],
  );
  expect(report.taskCount?.success).toBe(1);
  expect(sim.admin.getOffer(a.offerId)?.priceGross).toBe('12.34');
});

test('tracking numbers: added, listed; carriers listed; an unknown carrier is refused', async () => {
  const orderId = sim.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
  expect(await client.listShipments(orderId)).toEqual([]);
  const added = await client.addShipment(orderId, { carrierId: 'INPOST', waybill: '620000111222333444555666' });
  expect(added).toMatchObject({ carrierId: 'INPOST', waybill: '620000111222333444555666' });
  expect((await client.listShipments(orderId)).map((s) => s.waybill)).toEqual(['620000111222333444555666']);
  expect((await client.getCarriers()).map((c) => c.id)).toContain('OTHER');
  await expect(client.addShipment(orderId, { carrierId: 'PIGEON', waybill: 'X' })).rejects.toBeInstanceOf(
    PermanentError,
  );
});
