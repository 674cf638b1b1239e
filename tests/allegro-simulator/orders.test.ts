/**
 * Checkout forms behave like Allegro's: data appears stage by stage, merges replace ids but
 * keep line ids, fulfillment PUT with optimistic revision, list filters and the 10,000 cap.
 */
import {
  startAllegroSimulator,
  type AllegroSimulator,
  type WireCheckoutForm,
  type WireEvent,
} from '../../dev/allegro-simulator';
import { api, cents } from './helpers';

describe('Allegro simulator: checkout forms', () => {
  let clock = Date.parse('2026-03-02T10:00:00.000Z');
  let sim: AllegroSimulator;
  let client: ReturnType<typeof api>;

  const form = async (id: string) => {
    const reply = await client.get<WireCheckoutForm>(`/order/checkout-forms/${id}`);
    expect(reply.status).toBe(200);
    return reply.body;
  };
  const eventsOf = async (id: string) => {
    const reply = await client.get<{ events: WireEvent[] }>('/order/events?limit=1000');
    return reply.body.events.filter((e) => e.order.checkoutForm.id === id);
  };

  beforeAll(async () => {
    sim = await startAllegroSimulator({ seed: 9, now: () => new Date(clock) });
    client = api(sim, sim.admin.issueTokens().accessToken);
  });

  afterAll(() => sim.close());

  test('data appears as the buyer gives it: BOUGHT → FILLED_IN → READY_FOR_PROCESSING', async () => {
    const id = sim.admin.addOrder({
      status: 'BOUGHT',
      buyer: 'company',
      paymentType: 'ONLINE',
      messageToSeller: 'Szybko proszę',
    });
    const bought = await form(id);
    expect(bought).toMatchObject({ status: 'BOUGHT', payment: null, delivery: null, messageToSeller: null });
    expect(bought.invoice).toEqual({ required: false, address: null, dueDate: null, features: null });
    const linesOnly = bought.lineItems.reduce((s, l) => s + cents(l.price.amount) * l.quantity, 0);
    expect(cents(bought.summary.totalToPay.amount)).toBe(linesOnly);

    clock += 60_000;
    sim.admin.advance(id, 'FILLED_IN');
    const filled = await form(id);
    expect(filled.status).toBe('FILLED_IN');
    expect(filled.revision).not.toBe(bought.revision);
    expect(filled.updatedAt).toBe(new Date(clock).toISOString());
    expect(filled.payment).toMatchObject({ type: 'ONLINE', finishedAt: null, paidAmount: null });
    expect(filled.delivery?.address).toBeNull();
    expect(filled.delivery?.method.id).toMatch(/-/);
    expect(filled.invoice).toMatchObject({ required: true, address: null });
    expect(filled.messageToSeller).toBe('Szybko proszę');

    clock += 60_000;
    sim.admin.advance(id, 'READY_FOR_PROCESSING');
    const ready = await form(id);
    expect(ready.payment?.finishedAt).toBe(new Date(clock).toISOString());
    expect(ready.payment?.paidAmount).toEqual(ready.summary.totalToPay);
    expect(ready.delivery?.address?.street).toBeTruthy();
    expect(ready.invoice.address?.company?.ids?.[0].type).toBe('PL_NIP');
    expect((await eventsOf(id)).map((e) => e.type).slice(-2)).toEqual(['FILLED_IN', 'READY_FOR_PROCESSING']);
    expect(() => sim.admin.advance(id, 'FILLED_IN')).toThrow(/already READY_FOR_PROCESSING/);
  });

  test('payments that are ready without money: COD, split payment, deferred term', async () => {
    const cod = await form(sim.admin.addOrder({ paymentType: 'CASH_ON_DELIVERY' }));
    expect(cod.payment).toMatchObject({ provider: null, paidAmount: null });
    expect(cod.payment?.finishedAt).not.toBeNull();
    expect(cod.delivery?.method.name).toMatch(/pobranie/);
    const split = await form(sim.admin.addOrder({ paymentType: 'SPLIT_PAYMENT', buyer: 'company' }));
    expect(split.payment).toMatchObject({ provider: 'OFFLINE', paidAmount: null });
    const ept = await form(sim.admin.addOrder({ paymentType: 'EXTENDED_TERM', buyer: 'company' }));
    expect(ept.payment).toMatchObject({ provider: 'EPT', finishedAt: null, paidAmount: null });
  });

  test('cancel by buyer or by Allegro emits its event and keeps the data', async () => {
    const [a, b] = sim.admin.addOrders(2);
    clock += 1000;
    sim.admin.cancel(a, 'BUYER');
    sim.admin.cancel(b, 'AUTO');
    expect((await form(a)).status).toBe('CANCELLED');
    expect((await form(a)).delivery?.address).not.toBeNull();
    expect((await eventsOf(a)).pop()?.type).toBe('BUYER_CANCELLED');
    expect((await eventsOf(b)).pop()?.type).toBe('AUTO_CANCELLED');
    expect(() => sim.admin.cancel(a, 'BUYER')).toThrow(/already cancelled/);
  });

  test('merge: a new id with the same line item ids; the old ids answer 404', async () => {
    const first = sim.admin.addOrder({ buyer: 'person', status: 'FILLED_IN' });
    const buyerId = (await form(first)).buyer.id;
    const second = sim.admin.addOrder({ buyerId, status: 'FILLED_IN' });
    const lineIds = [...(await form(first)).lineItems, ...(await form(second)).lineItems].map((l) => l.id);
    clock += 1000;
    const merged = sim.admin.merge([first, second]);

    expect(merged).not.toBe(first);
    const mergedForm = await form(merged);
    expect(mergedForm.lineItems.map((l) => l.id)).toEqual(lineIds);
    expect(mergedForm.buyer.id).toBe(buyerId);
    expect(mergedForm.status).toBe('READY_FOR_PROCESSING');
    const total = mergedForm.lineItems.reduce((s, l) => s + cents(l.price.amount) * l.quantity, 0);
    expect(cents(mergedForm.summary.totalToPay.amount)).toBe(total + cents(mergedForm.delivery?.cost.amount ?? 'NaN'));
    for (const old of [first, second]) {
      const gone = await client.get<{ errors: { code: string }[] }>(`/order/checkout-forms/${old}`);
      expect(gone.status).toBe(404);
      expect(gone.body.errors[0].code).toBe('CheckoutFormNotFoundException');
      expect(sim.admin.getOrder(old)).toBeUndefined();
      expect(sim.admin.listOrderIds()).not.toContain(old);
    }
    expect((await eventsOf(merged)).map((e) => e.type)).toEqual(['FILLED_IN', 'READY_FOR_PROCESSING']);
    expect(() => sim.admin.merge([first, merged])).toThrow(/merged away/);
  });

  test('fulfillment PUT: 204 with the current revision, event, 409 when stale, 422 for RETURNED', async () => {
    const id = sim.admin.addOrder({ status: 'FILLED_IN' });
    const before = await form(id);
    clock += 1000;
    const ok = await client.put(`/order/checkout-forms/${id}/fulfillment?checkoutForm.revision=${before.revision}`, {
      status: 'PROCESSING',
    });
    expect(ok.status).toBe(204);
    expect(ok.body).toBe('');
    const after = await form(id);
    expect(after.fulfillment.status).toBe('PROCESSING');
    expect(after.revision).toBe(before.revision); // seller changes keep it (captured sandbox forms)
    expect(after.updatedAt).toBe(new Date(clock).toISOString());
    const event = (await eventsOf(id)).pop();
    expect(event).toMatchObject({
      type: 'FULFILLMENT_STATUS_CHANGED',
      order: { checkoutForm: { id, revision: before.revision } },
    });

    sim.admin.advance(id, 'READY_FOR_PROCESSING'); // the buyer pays: new revision
    const stale = await client.put(`/order/checkout-forms/${id}/fulfillment?checkoutForm.revision=${before.revision}`, {
      status: 'SENT',
    });
    expect(stale.status).toBe(409);
    expect((await form(id)).fulfillment.status).toBe('PROCESSING');
    const noRevision = await client.put(`/order/checkout-forms/${id}/fulfillment`, { status: 'SENT' });
    expect(noRevision.status).toBe(204);
    expect((await client.put(`/order/checkout-forms/${id}/fulfillment`, { status: 'RETURNED' })).status).toBe(422);
  });

  test('Allegro caps fulfillment changes at 100 per order', async () => {
    const id = sim.admin.addOrder();
    const statuses = ['PROCESSING', 'READY_FOR_SHIPMENT'];
    for (let i = 0; i < 100; i++) {
      expect((await client.put(`/order/checkout-forms/${id}/fulfillment`, { status: statuses[i % 2] })).status).toBe(
        204,
      );
    }
    const refused = await client.put<{ errors: { code: string }[] }>(`/order/checkout-forms/${id}/fulfillment`, {
      status: 'SENT',
    });
    expect(refused.status).toBe(422);
    expect(refused.body.errors[0].code).toBe('SellerOrdersStoreUnprocessableEntityException');
  });

  describe('GET /order/checkout-forms', () => {
    let list: AllegroSimulator;
    let listClient: ReturnType<typeof api>;
    const now = Date.parse('2026-03-02T10:00:00.000Z');

    beforeAll(async () => {
      list = await startAllegroSimulator({ seed: 10, now: () => new Date(now) });
      listClient = api(list, list.admin.issueTokens().accessToken);
      list.admin.addOrders(240, { spreadOverSeconds: 10 * 86_400, occurredAt: new Date(now) });
      list.admin.addOrders(15, { status: 'FILLED_IN' });
    });
    afterAll(() => list.close());

    const page = async (query: string) => {
      const reply = await listClient.get<{ checkoutForms: WireCheckoutForm[]; count: number; totalCount: number }>(
        `/order/checkout-forms${query}`,
      );
      expect(reply.status).toBe(200);
      return reply.body;
    };
    const lastBought = (f: WireCheckoutForm) => Math.max(...f.lineItems.map((l) => Date.parse(l.boughtAt)));

    test('default: newest purchase first, 100 per page, totalCount of all', async () => {
      const p = await page('');
      expect(p.count).toBe(100);
      expect(p.totalCount).toBe(255);
      const times = p.checkoutForms.map(lastBought);
      expect(times).toEqual([...times].sort((a, b) => b - a));
    });

    test('offset/limit pages cover everything exactly once', async () => {
      const ids: string[] = [];
      for (let offset = 0; offset < 255; offset += 40)
        ids.push(...(await page(`?offset=${offset}&limit=40&sort=lineItems.boughtAt`)).checkoutForms.map((f) => f.id));
      expect(ids).toHaveLength(255);
      expect(new Set(ids).size).toBe(255);
      expect(new Set(ids)).toEqual(new Set(list.admin.listOrderIds()));
    });

    test('filters: status, lineItems.boughtAt window, updatedAt, marketplace, buyer login', async () => {
      const filled = await page('?status=FILLED_IN');
      expect(filled.totalCount).toBe(15);
      expect(filled.checkoutForms.every((f) => f.status === 'FILLED_IN')).toBe(true);

      const from = now - 3 * 86_400_000;
      const to = now - 86_400_000;
      const window = await page(
        `?lineItems.boughtAt.gte=${new Date(from).toISOString()}&lineItems.boughtAt.lte=${new Date(to).toISOString()}`,
      );
      const all = [
        ...(await page('?limit=100')).checkoutForms,
        ...(await page('?limit=100&offset=100')).checkoutForms,
        ...(await page('?limit=100&offset=200')).checkoutForms,
      ];
      const expected = all.filter((f) => lastBought(f) >= from && lastBought(f) <= to).map((f) => f.id);
      expect(window.totalCount).toBe(expected.length);
      expect(window.checkoutForms.map((f) => f.id).sort()).toEqual(expected.sort());

      const recent = await page(`?updatedAt.gte=${new Date(now - 86_400_000).toISOString()}&sort=updatedAt`);
      const updates = recent.checkoutForms.map((f) => Date.parse(f.updatedAt));
      expect(updates.every((t) => t >= now - 86_400_000)).toBe(true);
      expect(updates).toEqual([...updates].sort((a, b) => a - b));

      const cz = all.find((f) => f.marketplace.id !== 'allegro-pl');
      if (cz)
        expect(
          (await page(`?marketplace.id=${cz.marketplace.id}`)).checkoutForms.every(
            (f) => f.marketplace.id === cz.marketplace.id,
          ),
        ).toBe(true);
      const login = all[0].buyer.login;
      expect(
        (await page(`?buyer.login=${encodeURIComponent(login)}`)).checkoutForms.every((f) => f.buyer.login === login),
      ).toBe(true);
    });

    test('limit ≤ 100 and offset + limit ≤ 10,000; bad values are refused', async () => {
      const refused = async (query: string) => (await listClient.get(`/order/checkout-forms${query}`)).status;
      expect(await refused('?limit=101')).toBe(422);
      expect(await refused('?limit=0')).toBe(422);
      expect(await refused('?offset=9900&limit=100')).toBe(200);
      expect(await refused('?offset=9901&limit=100')).toBe(422);
      expect(await refused('?offset=-1')).toBe(400);
      expect(await refused('?sort=price')).toBe(400);
      expect(await refused('?updatedAt.gte=yesterday')).toBe(400);
      const beyond = await page('?offset=9900&limit=100');
      expect(beyond).toEqual({ checkoutForms: [], count: 0, totalCount: 255 });
    });
  });
});
