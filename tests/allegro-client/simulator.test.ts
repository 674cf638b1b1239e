/**
 * The client against the team's Allegro simulator (dev/allegro-simulator): real HTTP, real
 * OAuth rules (refresh tokens work once), counts taken from the simulator's own stats.
 */
import { startAllegroSimulator, type AllegroSimulator } from '../../dev/allegro-simulator';
import { DEMO_DELIVERY_METHODS, DEMO_OFFERS, DEMO_PRODUCT_SETS } from '../../dev/catalogue';
import { parseMinor } from '../../domain/money';
import { OrderGoneError, PermanentError, TransientError } from '../../domain/errors';
import { AllegroClient } from '../../activities/allegro/client';
import { authorizeDevice, DeviceFlowError } from '../../activities/allegro/oauth';
import { MemoryTokenStore, type StoredToken } from '../../activities/allegro/token-store';

let sim: AllegroSimulator;
let store: MemoryTokenStore;
let client: AllegroClient;

function stored(tokens: { accessToken: string; refreshToken: string }): StoredToken {
  const now = new Date();
  return { ...tokens, expiresAt: new Date(now.getTime() + 3_600_000).toISOString(), obtainedAt: now.toISOString() };
}

beforeEach(async () => {
  sim = await startAllegroSimulator({ seed: 7, deviceIntervalSeconds: 1 });
  store = new MemoryTokenStore({ shop: stored(sim.admin.issueTokens()) });
  client = newClient(store);
  sim.admin.resetStats();
});

afterEach(async () => {
  await client.close();
  await sim.close();
});

function newClient(tokenStore: MemoryTokenStore, account = 'shop'): AllegroClient {
  return new AllegroClient({
    account,
    target: { baseUrl: sim.url },
    clientId: sim.clientId,
    clientSecret: sim.clientSecret,
    tokenStore,
  });
}

test('events → checkout forms: every answer validates and keeps money in minor units', async () => {
  const ids = sim.admin.addOrders(12, { status: 'READY_FOR_PROCESSING' });
  const events = await client.getOrderEvents({ limit: 1000 });
  const formIds = [...new Set(events.map((e) => e.order.checkoutForm?.id).filter((id): id is string => !!id))];
  expect(new Set(formIds)).toEqual(new Set(ids));
  for (const id of formIds) {
    const form = await client.getCheckoutForm(id);
    const raw = sim.admin.getOrder(id)!;
    expect(form.summary.totalToPay.amount).toBe(parseMinor(raw.summary.totalToPay.amount));
  }
  const stats = await client.getEventStats();
  expect(stats.latestEvent?.id).toBe(events[events.length - 1].id);
  expect(await client.getOrderEvents({ from: stats.latestEvent!.id })).toEqual([]);
});

test('iterateCheckoutForms returns every form once', async () => {
  const ids = sim.admin.addOrders(230, { status: 'READY_FOR_PROCESSING', spreadOverSeconds: 86_400 });
  const seen: string[] = [];
  for await (const form of client.iterateCheckoutForms({ status: 'READY_FOR_PROCESSING' })) seen.push(form.id);
  expect(seen.sort()).toEqual([...ids].sort());
  expect(sim.admin.stats().requests['GET /order/checkout-forms']).toBe(3);
});

test('offers, EANs and delivery methods match the demo catalogue', async () => {
  for (const demo of DEMO_OFFERS) {
    const offer = await client.getProductOffer(demo.offerId);
    expect(offer).toMatchObject({
      id: demo.offerId,
      name: demo.name,
      ean: demo.ean,
      externalId: demo.externalId,
      stock: demo.stock,
    });
    expect(offer.price).toEqual({ amount: parseMinor(demo.priceGross), currency: 'PLN' });
  }
  const listed: string[] = [];
  for await (const offer of client.iterateOffers({ limit: 5 })) listed.push(offer.id);
  expect(listed.sort()).toEqual(DEMO_OFFERS.map((o) => o.offerId).sort());
  const methods = await client.getDeliveryMethods();
  expect(methods.map((m) => m.id)).toEqual(expect.arrayContaining(DEMO_DELIVERY_METHODS.map((m) => m.id)));
  await expect(client.getProductOffer('99999999999')).rejects.toBeInstanceOf(PermanentError);
});

test('a set order names its component products, and the set offer gives each one its EAN', async () => {
  const set = DEMO_PRODUCT_SETS[0];
  const id = sim.admin.addOrder({ lines: [{ offerId: set.offerId, quantity: 2 }], status: 'READY_FOR_PROCESSING' });
  const [line] = (await client.getCheckoutForm(id)).lineItems;
  expect(line.offer.productSet?.products.map((p) => p.quantity)).toEqual(set.components.map((c) => c.quantity));
  const offer = await client.getProductOffer(set.offerId);
  expect(offer.products.map((p) => p.id)).toEqual(line.offer.productSet?.products.map((p) => p.id));
  expect(offer.products.map((p) => p.ean)).toEqual(
    set.components.map((c) => DEMO_OFFERS.find((o) => o.offerId === c.offerId)?.ean),
  );
  // The same product sold alone has the same Allegro product id.
  const mug = await client.getProductOffer(set.components[0].offerId);
  expect(mug.products.map((p) => p.id)).toEqual([offer.products[0].id]);
});

test('fulfillment: PUT with the current revision works; an outdated one is a 409 PermanentError', async () => {
  const [id] = sim.admin.addOrders(1, { status: 'READY_FOR_PROCESSING' });
  const form = await client.getCheckoutForm(id);
  await client.setFulfillmentStatus(id, 'PROCESSING', form.revision ?? undefined);
  expect((await client.getCheckoutForm(id)).fulfillment?.status).toBe('PROCESSING');
  const error = await client.setFulfillmentStatus(id, 'SENT', '00000000').catch((e: unknown) => e);
  expect(error).toBeInstanceOf(PermanentError);
  expect((error as PermanentError).details.status).toBe(409);
  expect((error as PermanentError).details.traceId).toMatch(/^[0-9a-f]{32}$/);
});

test('a merged-away checkout form is OrderGoneError', async () => {
  const ids = sim.admin.addOrders(2, { status: 'FILLED_IN' });
  sim.admin.merge(ids, 'READY_FOR_PROCESSING');
  await expect(client.getCheckoutForm(ids[0])).rejects.toBeInstanceOf(OrderGoneError);
});

test('injected 503, 429 and a dropped connection are TransientError', async () => {
  sim.admin.setFault({ path: '/order/events', status: 503 });
  const e503 = await client.getOrderEvents().catch((e: unknown) => e);
  expect(e503).toBeInstanceOf(TransientError);
  expect((e503 as TransientError).details.traceId).toBeTruthy();
  sim.admin.setRateLimit(1);
  await client.getOrderEvents();
  const e429 = await client.getOrderEvents().catch((e: unknown) => e);
  expect((e429 as TransientError).details.status).toBe(429);
  sim.admin.setRateLimit(null);
  sim.admin.setFault({ path: '/order/events', reset: true });
  await expect(client.getOrderEvents()).rejects.toBeInstanceOf(TransientError);
});

test('401 → exactly one refresh at the simulator, then the call succeeds', async () => {
  sim.admin.expireAccessTokens();
  await client.getEventStats();
  const stats = sim.admin.stats();
  expect(stats.tokenRefreshes).toBe(1);
  expect(stats.requests['GET /order/event-stats']).toBe(2);
  expect(stats.unauthorized).toBe(1);
});

test('50 concurrent calls with an expired access token cause exactly ONE refresh at the simulator', async () => {
  sim.admin.addOrders(3);
  sim.admin.expireAccessTokens();
  sim.admin.setLatency(20);
  const results = await Promise.all(Array.from({ length: 50 }, () => client.getOrderEvents()));
  expect(results.every((events) => events.length === results[0].length)).toBe(true);
  const stats = sim.admin.stats();
  expect(stats.tokenRefreshes).toBe(1);
  expect(stats.requests['POST /auth/oauth/token']).toBe(1);
});

test('a spent refresh token → PermanentError (re-authorise); neither token is in the error', async () => {
  const tokens = sim.admin.issueTokens();
  const spentStore = new MemoryTokenStore({ shop: stored(tokens) });
  const first = newClient(spentStore);
  const second = newClient(spentStore);
  try {
    await first.tokens.refresh(tokens.accessToken); // spends tokens.refreshToken
    await spentStore.save('shop', stored(tokens)); // the newer pair got lost: back to the spent one
    sim.admin.expireAccessTokens();
    const error = await second.getEventStats().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentError);
    expect((error as PermanentError).details.code).toBe('invalid_grant');
    const text = `${(error as Error).message} ${JSON.stringify(error)}`;
    expect(text).not.toContain(tokens.refreshToken);
    expect(text).not.toContain(tokens.accessToken);
  } finally {
    await first.close();
    await second.close();
  }
});

describe('device flow against the simulator', () => {
  test('authorization_pending, slow_down, approval → tokens stored and usable', async () => {
    const fresh = new MemoryTokenStore();
    const requested: number[] = [];
    let userCode = '';
    const token = await authorizeDevice(client.oauth, {
      account: 'other-shop',
      store: fresh,
      onPrompt: (d) => void (userCode = d.userCode),
      // The first two polls come back to back (too fast: slow_down); later ones wait a real second.
      sleep: (ms) => {
        requested.push(ms);
        return new Promise((r) => setTimeout(r, requested.length <= 2 ? 0 : 1100));
      },
      onPending: ({ slowDown }) => {
        if (slowDown) sim.admin.approveDevice(userCode);
      },
    });
    expect(requested).toEqual([1000, 1000, 6000]);
    expect(await fresh.load('other-shop')).toEqual(token);
    const viaNewToken = newClient(fresh, 'other-shop');
    try {
      await expect(viaNewToken.getEventStats()).resolves.toBeDefined();
    } finally {
      await viaNewToken.close();
    }
  });

  test('a refusal ends the flow with access_denied', async () => {
    let userCode = '';
    const error = await authorizeDevice(client.oauth, {
      account: 'other-shop',
      store: new MemoryTokenStore(),
      onPrompt: (d) => void (userCode = d.userCode),
      sleep: () => new Promise((r) => setTimeout(r, 1050)),
      onPending: () => sim.admin.denyDevice(userCode),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeviceFlowError);
    expect((error as DeviceFlowError).reason).toBe('access_denied');
  });
});
