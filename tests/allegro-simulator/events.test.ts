/**
 * The event journal behaves like Allegro's (CONTRACT.md §3, PITFALLS.md A): oldest first,
 * `from` exclusive, limit 1..1000 (default 100), duplicate READY_FOR_PROCESSING, 60 days.
 */
import { startAllegroSimulator, type AllegroSimulator, type WireEvent } from '../../dev/allegro-simulator';
import { api } from './helpers';

const DAY = 86_400_000;

describe('Allegro simulator: order events', () => {
  let clock = Date.parse('2026-03-02T10:00:00.000Z');
  let sim: AllegroSimulator;
  let client: ReturnType<typeof api>;

  const events = async (query = '') => {
    const reply = await client.get<{ events: WireEvent[] }>(`/order/events${query}`);
    expect(reply.status).toBe(200);
    return reply.body.events;
  };
  /** Every retained event, paging with `from` as a poller does. */
  const allEvents = async (extra = '') => {
    const out: WireEvent[] = [];
    for (let pages = 0; pages < 100; pages++) {
      const page = await events(`?limit=1000${extra}${out.length ? `&from=${out[out.length - 1].id}` : ''}`);
      if (page.length === 0) return out;
      out.push(...page);
    }
    throw new Error('the journal never ended: `from` does not move forward');
  };

  beforeAll(async () => {
    sim = await startAllegroSimulator({ seed: 5, now: () => new Date(clock) });
    client = api(sim, sim.admin.issueTokens().accessToken);
    // A month of history, then orders arriving "now".
    sim.admin.addOrders(1200, { spreadOverSeconds: 30 * 86_400, occurredAt: new Date(clock - 60_000) });
    sim.admin.addOrders(30);
  });

  afterAll(() => sim.close());

  test('oldest first; ids are numeric strings growing like microsecond timestamps', async () => {
    const all = await allEvents();
    expect(all.length).toBeGreaterThan(1200);
    for (let i = 0; i < all.length; i++) {
      expect(all[i].id).toMatch(/^\d{16}$/);
      expect(Number(all[i].id)).toBeGreaterThanOrEqual(Date.parse(all[i].occurredAt) * 1000);
      if (i > 0) expect(Number(all[i].id)).toBeGreaterThan(Number(all[i - 1].id));
    }
    const first = (await events())[0];
    expect(first).toEqual(all[0]);
  });

  test('`from` is exclusive: the next page starts right after the given event', async () => {
    const page = await events('?limit=10');
    const next = await events(`?limit=10&from=${page[4].id}`);
    expect(next.slice(0, 5)).toEqual(page.slice(5));
    expect(next.map((e) => e.id)).not.toContain(page[4].id);
  });

  test('from = latest event id (event-stats) gives an empty page, until something happens', async () => {
    const stats = await client.get<{ latestEvent: { id: string; occurredAt: string } }>('/order/event-stats');
    expect(stats.body.latestEvent.id).toBe((await allEvents()).pop()?.id);
    expect(await events(`?from=${stats.body.latestEvent.id}`)).toEqual([]);
    const id = sim.admin.addOrder({ status: 'FILLED_IN' });
    const fresh = await events(`?from=${stats.body.latestEvent.id}`);
    expect(fresh.map((e) => [e.type, e.order.checkoutForm.id])).toEqual([['FILLED_IN', id]]);
  });

  test('limit: default 100, at most 1000, outside 1..1000 → 422', async () => {
    expect(await events()).toHaveLength(100);
    expect(await events('?limit=1000')).toHaveLength(1000);
    expect(await events('?limit=7')).toHaveLength(7);
    for (const bad of ['1001', '0', '-5', 'ten']) {
      const reply = await client.get<{ errors: { code: string; path: string }[] }>(`/order/events?limit=${bad}`);
      expect(reply.status).toBe(422);
      expect(reply.body.errors[0]).toMatchObject({ code: 'VALIDATION_ERROR', path: 'limit' });
    }
  });

  test('type filter, repeated or comma-separated', async () => {
    const ready = await allEvents('&type=READY_FOR_PROCESSING');
    expect(ready.length).toBeGreaterThan(1000);
    expect(new Set(ready.map((e) => e.type))).toEqual(new Set(['READY_FOR_PROCESSING']));
    const two = await allEvents('&type=BOUGHT&type=FILLED_IN');
    const comma = await allEvents('&type=BOUGHT,FILLED_IN');
    expect(two).toEqual(comma);
    expect(new Set(two.map((e) => e.type))).toEqual(new Set(['BOUGHT', 'FILLED_IN']));
    expect((await client.get('/order/events?type=PAID')).status).toBe(422);
  });

  test('READY_FOR_PROCESSING repeats with a new id, the same occurredAt and revision', async () => {
    // The generator repeats some on its own (Allegro does, #10716)...
    const ready = await allEvents('&type=READY_FOR_PROCESSING');
    const byOrder = new Map<string, WireEvent[]>();
    for (const e of ready) byOrder.set(e.order.checkoutForm.id, [...(byOrder.get(e.order.checkoutForm.id) ?? []), e]);
    const repeated = [...byOrder.values()].filter((list) => list.length > 1);
    expect(repeated.length).toBeGreaterThan(10);
    for (const [a, b] of repeated) {
      expect(b.id).not.toBe(a.id);
      expect(b.occurredAt).toBe(a.occurredAt);
      expect(b.order.checkoutForm.revision).toBe(a.order.checkoutForm.revision);
    }
    // ...and on demand.
    const id = sim.admin.addOrder();
    const before = (await client.get<{ latestEvent: { id: string } }>('/order/event-stats')).body.latestEvent.id;
    clock += 5_000;
    const repeatId = sim.admin.repeatReadyEvent(id);
    const after = await events(`?from=${before}`);
    expect(after).toHaveLength(1);
    expect(after[0].id).toBe(repeatId);
    const original = (await allEvents('&type=READY_FOR_PROCESSING')).find((e) => e.order.checkoutForm.id === id);
    expect(after[0].occurredAt).toBe(original?.occurredAt);
    expect(Number(after[0].id)).toBeGreaterThan(Number(original?.id));
  });

  test('event payload carries seller, buyer, line items, checkout form and marketplace', async () => {
    const id = sim.admin.addOrder({ buyer: 'company', marketplace: 'allegro-pl' });
    const form = sim.admin.getOrder(id);
    const ev = (await allEvents()).filter((e) => e.order.checkoutForm.id === id).pop();
    expect(ev?.order).toEqual({
      seller: { id: '44001122' },
      buyer: {
        id: form?.buyer.id,
        email: form?.buyer.email,
        login: form?.buyer.login,
        guest: false,
        preferences: { language: 'pl-PL' },
      },
      lineItems: form?.lineItems.map((l) => ({
        id: l.id,
        offer: { id: l.offer.id, name: l.offer.name, external: l.offer.external },
        quantity: l.quantity,
        originalPrice: l.originalPrice,
        price: l.price,
        boughtAt: l.boughtAt,
      })),
      checkoutForm: { id, revision: form?.revision },
      marketplace: { id: 'allegro-pl' },
    });
  });

  test('60-day retention: older events are not returned, their orders still are', async () => {
    const oldIds = sim.admin.addOrders(5, { occurredAt: new Date(clock - 70 * DAY), spreadOverSeconds: 3600 });
    const backdated = sim.admin.addOrder();
    sim.admin.backdate(backdated, new Date(clock - 61 * DAY));
    const visible = new Set((await allEvents()).map((e) => e.order.checkoutForm.id));
    for (const id of [...oldIds, backdated]) expect(visible.has(id)).toBe(false);
    const forms = await client.get<{ checkoutForms: { id: string }[] }>(
      `/order/checkout-forms?lineItems.boughtAt.lte=${new Date(clock - 60 * DAY).toISOString()}`,
    );
    expect(forms.body.checkoutForms.map((f) => f.id).sort()).toEqual([...oldIds, backdated].sort());
    expect(sim.admin.getOrder(backdated)?.lineItems[0].boughtAt).toBe(new Date(clock - 61 * DAY).toISOString());

    // Time passing works the same way: the first history events fall out of the window.
    const firstBefore = (await events('?limit=1'))[0];
    clock += 35 * DAY;
    expect((await client.get('/order/events')).status).toBe(401); // the 12-hour token expired meanwhile
    client = api(sim, sim.admin.issueTokens().accessToken);
    const firstAfter = (await events('?limit=1'))[0];
    expect(Date.parse(firstAfter.occurredAt)).toBeGreaterThanOrEqual(clock - 60 * DAY);
    expect(Number(firstAfter.id)).toBeGreaterThan(Number(firstBefore.id));
    // A `from` older than the window starts at the window.
    expect((await events(`?limit=1&from=${firstBefore.id}`))[0]).toEqual(firstAfter);
  });
});
