import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { NeedsPersonError, OrderGoneError, PermanentError, TransientError } from '../../domain/errors';
import { DEFAULT_USER_AGENT } from '../../activities/allegro/client';
import { FileTokenStore, MemoryTokenStore } from '../../activities/allegro/token-store';
import {
  clientFor,
  memoryStoreWith,
  startFakeAllegro,
  syntheticForm,
  tokenPair,
  TokenAuthority,
  type FakeAllegro,
} from './fake-allegro';

const EXAMPLES = path.resolve(__dirname, '../../../shared/reference/allegro/examples');
const example = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(EXAMPLES, name), 'utf8'));

let server: FakeAllegro | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('requests', () => {
  test('send the Allegro headers, bearer token and User-Agent; PUT carries the content type and revision', async () => {
    const token = tokenPair('a');
    server = await startFakeAllegro((req) => {
      if (req.method === 'PUT') return { status: 204 };
      return { status: 200, body: { latestEvent: { id: '1', occurredAt: '2026-01-01T00:00:00Z' } } };
    });
    const client = clientFor(server.url, memoryStoreWith(token));
    try {
      await client.getEventStats();
      await client.setFulfillmentStatus('cf-1', 'PROCESSING', '819b5836');
    } finally {
      await client.close();
    }
    const [get, put] = server.requests;
    expect(get.headers.accept).toBe('application/vnd.allegro.public.v1+json');
    expect(get.headers.authorization).toBe(`Bearer ${token.accessToken}`);
    expect(get.headers['user-agent']).toBe(DEFAULT_USER_AGENT);
    expect(DEFAULT_USER_AGENT).toMatch(
      /^AllegroOptima\/\d+\.\d+\.\d+ \(\+https:\/\/github\.com\/allegro-optima\/allegro-optima\)$/,
    );
    expect(get.headers['content-type']).toBeUndefined();
    expect(put.path).toBe('/order/checkout-forms/cf-1/fulfillment');
    expect(put.query.get('checkoutForm.revision')).toBe('819b5836');
    expect(put.headers['content-type']).toBe('application/vnd.allegro.public.v1+json');
    expect(JSON.parse(put.body)).toEqual({ status: 'PROCESSING' });
  });

  test('a configured User-Agent replaces the default', async () => {
    server = await startFakeAllegro(() => ({ status: 200, body: { events: [] } }));
    const client = clientFor(server.url, memoryStoreWith(tokenPair('a')), {
      userAgent: 'Sklep-Kowalski/2.1 (+https://sklep.example)',
    });
    try {
      await client.getOrderEvents();
    } finally {
      await client.close();
    }
    expect(server.requests[0].headers['user-agent']).toBe('Sklep-Kowalski/2.1 (+https://sklep.example)');
  });

  test('getOrderEvents sends from, repeated type and limit; refuses limit > 1000 without calling', async () => {
    server = await startFakeAllegro(() => ({
      status: 200,
      body: {
        events: [
          {
            id: '1532603898317497',
            occurredAt: '2026-01-01T10:00:00.000Z',
            type: 'READY_FOR_PROCESSING',
            order: { seller: { id: '42' }, checkoutForm: { id: 'cf-1', revision: 'aa' } },
          },
        ],
      },
    }));
    const client = clientFor(server.url, memoryStoreWith(tokenPair('a')));
    try {
      const events = await client.getOrderEvents({
        from: '123',
        types: ['READY_FOR_PROCESSING', 'BUYER_CANCELLED'],
        limit: 1000,
      });
      expect(events.map((e) => e.order.checkoutForm?.id)).toEqual(['cf-1']);
      await expect(client.getOrderEvents({ limit: 1001 })).rejects.toBeInstanceOf(PermanentError);
    } finally {
      await client.close();
    }
    expect(server.requests).toHaveLength(1);
    const q = server.requests[0].query;
    expect(q.get('from')).toBe('123');
    expect(q.getAll('type')).toEqual(['READY_FOR_PROCESSING', 'BUYER_CANCELLED']);
    expect(q.get('limit')).toBe('1000');
  });

  test('listCheckoutForms maps the filter onto Allegro query names and refuses offset+limit > 10,000', async () => {
    server = await startFakeAllegro(() => ({ status: 200, body: { checkoutForms: [], count: 0, totalCount: 0 } }));
    const client = clientFor(server.url, memoryStoreWith(tokenPair('a')));
    try {
      await client.listCheckoutForms({
        status: 'READY_FOR_PROCESSING',
        updatedAtGte: '2026-01-01T00:00:00.000Z',
        boughtAtLte: '2026-02-01T00:00:00.000Z',
        sort: '-updatedAt',
        offset: 9900,
        limit: 100,
      });
      await expect(client.listCheckoutForms({ offset: 9901, limit: 100 })).rejects.toThrow(/offset/);
      await expect(client.listCheckoutForms({ limit: 101 })).rejects.toThrow(/limit/);
    } finally {
      await client.close();
    }
    expect(server.requests).toHaveLength(1);
    const q = server.requests[0].query;
    expect(Object.fromEntries(q)).toEqual({
      status: 'READY_FOR_PROCESSING',
      'updatedAt.gte': '2026-01-01T00:00:00.000Z',
      'lineItems.boughtAt.lte': '2026-02-01T00:00:00.000Z',
      sort: '-updatedAt',
      offset: '9900',
      limit: '100',
    });
  });
});

describe('answers', () => {
  test('getProductOffer reads name, EAN (GTIN) from the product parameters, external id, stock and price', async () => {
    const offer = example('product-offer.sandbox.json') as Record<string, unknown>;
    server = await startFakeAllegro((req) =>
      req.path === '/sale/product-offers/7778274837'
        ? { status: 200, body: offer }
        : { status: 200, body: { ...offer, id: '1', external: { id: 'SKU-1' }, productSet: [] } },
    );
    const client = clientFor(server.url, memoryStoreWith(tokenPair('a')));
    try {
      const product = await client.getProductOffer('7778274837');
      expect(product).toEqual({
        id: '7778274837',
        name: 'Nillkin backs for Samsung Galaxy S23 Ultra Nature TPU Pro colorless',
        ean: '6902048258341',
        externalId: null,
        stock: 99,
        price: { amount: 2000, currency: 'PLN' },
        products: [{ id: '017b8c28-4cde-4779-aafc-eb241c6e7d8d', ean: '6902048258341' }],
      });
      const other = await client.getProductOffer('1');
      expect(other.ean).toBeNull();
      expect(other.externalId).toBe('SKU-1');
      expect(other.products).toEqual([]);
    } finally {
      await client.close();
    }
  });

  test('iterateOffers pages /sale/offers to the end', async () => {
    const total = 7;
    server = await startFakeAllegro((req) => {
      const offset = Number(req.query.get('offset'));
      const limit = Number(req.query.get('limit'));
      const ids = Array.from({ length: total }, (_, i) => String(17000000001 + i)).slice(offset, offset + limit);
      return {
        status: 200,
        body: {
          offers: ids.map((id) => ({
            id,
            name: `Offer ${id}`,
            sellingMode: { format: 'BUY_NOW', price: { amount: '1.50', currency: 'PLN' } },
            stock: { available: 3, sold: 0 },
            external: null,
          })),
          count: ids.length,
          totalCount: total,
        },
      };
    });
    const client = clientFor(server.url, memoryStoreWith(tokenPair('a')));
    const seen: string[] = [];
    try {
      for await (const offer of client.iterateOffers({ limit: 3, publicationStatus: ['ACTIVE'] })) seen.push(offer.id);
    } finally {
      await client.close();
    }
    expect(new Set(seen).size).toBe(total);
    expect(server.count('GET', '/sale/offers')).toBe(Math.ceil(total / 3));
    expect(server.requests[0].query.getAll('publication.status')).toEqual(['ACTIVE']);
  });

  test('getDeliveryMethods returns the methods, with the marketplace filter', async () => {
    server = await startFakeAllegro(() => ({
      status: 200,
      body: {
        deliveryMethods: [
          {
            id: '2488f7b7-5d1c-4d65-b85c-4cbcf253fd93',
            name: 'Allegro Paczkomaty InPost',
            paymentPolicy: 'IN_ADVANCE',
            marketplaces: ['allegro-pl'],
            allegroEndorsed: true,
            shippingRatesConstraints: { allowed: true },
          },
          { id: 'x', name: 'Kurier', paymentPolicy: 'SOMETHING_NEW' },
        ],
      },
    }));
    const client = clientFor(server.url, memoryStoreWith(tokenPair('a')));
    try {
      const methods = await client.getDeliveryMethods('allegro-pl');
      expect(methods.map((m) => m.id)).toEqual(['2488f7b7-5d1c-4d65-b85c-4cbcf253fd93', 'x']);
      expect(methods[1].paymentPolicy).toBe('SOMETHING_NEW');
    } finally {
      await client.close();
    }
    expect(server.requests[0].query.get('marketplace')).toBe('allegro-pl');
  });

  test('a checkout form failing validation is NeedsPersonError naming the field path', async () => {
    const form = syntheticForm('cf-bad', '2026-01-01T00:00:00.000Z') as { lineItems: { price: { amount: string } }[] };
    form.lineItems[0].price.amount = '12.345';
    server = await startFakeAllegro(() => ({ status: 200, body: form, headers: { 'trace-id': 'trace-bad' } }));
    const client = clientFor(server.url, memoryStoreWith(tokenPair('a')));
    try {
      const error = await client.getCheckoutForm('cf-bad').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NeedsPersonError);
      expect((error as NeedsPersonError).reason).toBe('invalid-order-data');
      expect((error as Error).message).toContain('lineItems.0.price');
      expect((error as Error).message).toContain('trace-bad');
    } finally {
      await client.close();
    }
  });

  test('any other answer failing validation is PermanentError with the zod path', async () => {
    server = await startFakeAllegro(() => ({ status: 200, body: { events: [{ id: 7 }] } }));
    const client = clientFor(server.url, memoryStoreWith(tokenPair('a')));
    try {
      const error = await client.getOrderEvents().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermanentError);
      expect((error as PermanentError).details.path).toBe('events.0.id');
    } finally {
      await client.close();
    }
  });
});

describe('errors', () => {
  test('404 on a checkout form → OrderGoneError; 409 on fulfillment → PermanentError; both keep Trace-Id', async () => {
    server = await startFakeAllegro((req) =>
      req.method === 'GET'
        ? {
            status: 404,
            headers: { 'trace-id': 'trace-gone' },
            body: example('api-error.404.checkout-form-not-found.issue-8898.json'),
          }
        : {
            status: 409,
            headers: { 'trace-id': 'trace-409' },
            body: {
              errors: [{ code: 'InvalidRevision', message: 'revision outdated', path: null, userMessage: 'Odśwież' }],
            },
          },
    );
    const client = clientFor(server.url, memoryStoreWith(tokenPair('a')));
    try {
      const gone = await client.getCheckoutForm('cab01d70-ecfb-11ee-b593-3bd3bdb54a12').catch((e: unknown) => e);
      expect(gone).toBeInstanceOf(OrderGoneError);
      expect((gone as Error).message).toContain('trace-gone');
      const conflict = await client.setFulfillmentStatus('cf', 'PROCESSING', 'old').catch((e: unknown) => e);
      expect(conflict).toBeInstanceOf(PermanentError);
      expect((conflict as PermanentError).details).toMatchObject({
        status: 409,
        code: 'InvalidRevision',
        userMessage: 'Odśwież',
        traceId: 'trace-409',
      });
    } finally {
      await client.close();
    }
  });

  test('429 and 503 are TransientError (no in-client repeat: Temporal backs off)', async () => {
    let n = 0;
    server = await startFakeAllegro(() =>
      ++n === 1 ? { status: 429, headers: { 'trace-id': 't429' } } : { status: 503, body: 'Service Unavailable' },
    );
    const client = clientFor(server.url, memoryStoreWith(tokenPair('a')));
    try {
      const first = await client.getEventStats().catch((e: unknown) => e);
      expect(first).toBeInstanceOf(TransientError);
      expect((first as TransientError).details).toMatchObject({ system: 'allegro', status: 429, traceId: 't429' });
      const second = await client.getEventStats().catch((e: unknown) => e);
      expect((second as TransientError).details.status).toBe(503);
    } finally {
      await client.close();
    }
    expect(server.requests).toHaveLength(2);
  });

  test('connection refused → TransientError', async () => {
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((r) => probe.close(() => r()));
    const client = clientFor(`http://127.0.0.1:${port}`, memoryStoreWith(tokenPair('a')));
    try {
      const error = await client.getEventStats().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientError);
      expect((error as TransientError).details.code).toBe('ECONNREFUSED');
    } finally {
      await client.close();
    }
  });

  test('headers timeout → TransientError', async () => {
    server = await startFakeAllegro(() => ({ status: 200, body: { events: [] }, delayMs: 1500 }));
    const client = clientFor(server.url, memoryStoreWith(tokenPair('a')), { timeouts: { headersMs: 200 } });
    try {
      const error = await client.getOrderEvents().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransientError);
      expect((error as TransientError).details.code).toBe('UND_ERR_HEADERS_TIMEOUT');
    } finally {
      await client.close();
    }
  });

  test('an account without tokens is PermanentError NOT_AUTHORISED, with no request made', async () => {
    server = await startFakeAllegro(() => ({ status: 200, body: {} }));
    const client = clientFor(server.url, new MemoryTokenStore());
    try {
      const error = await client.getEventStats().catch((e: unknown) => e);
      expect((error as PermanentError).details.code).toBe('NOT_AUTHORISED');
    } finally {
      await client.close();
    }
    expect(server.requests).toHaveLength(0);
  });
});

describe('401 and token refresh', () => {
  test('401 → exactly one refresh, then the call is repeated once and succeeds; the new pair is stored', async () => {
    const authority = new TokenAuthority(tokenPair('server-side'));
    const store = memoryStoreWith({ ...tokenPair('stale'), refreshToken: authority.current.refreshToken });
    server = await startFakeAllegro((req) => authority.handle(req) ?? { status: 200, body: { events: [] } });
    const client = clientFor(server.url, store);
    try {
      await expect(client.getOrderEvents()).resolves.toEqual([]);
    } finally {
      await client.close();
    }
    expect(authority.refreshes).toBe(1);
    expect(server.count('GET', '/order/events')).toBe(2);
    const stored = await store.load('shop');
    expect(stored!.accessToken).toBe(authority.current.accessToken);
    expect(stored!.refreshToken).toBe(authority.current.refreshToken);
    const tokenRequest = server.requests.find((r) => r.path === '/auth/oauth/token')!;
    expect(tokenRequest.headers.authorization).toBe(
      `Basic ${Buffer.from('test-client-id:test-client-secret').toString('base64')}`,
    );
    expect(tokenRequest.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  test('401 again after the refresh → PermanentError, one refresh, two calls, no token in the message', async () => {
    const authority = new TokenAuthority(tokenPair('server-side'));
    const store = memoryStoreWith({ ...tokenPair('stale'), refreshToken: authority.current.refreshToken });
    server = await startFakeAllegro((req) =>
      req.path === '/auth/oauth/token'
        ? authority.handle(req)!
        : {
            status: 401,
            headers: { 'trace-id': 'tr' },
            body: { error: 'invalid_token', error_description: `bad token ${req.headers.authorization}` },
          },
    );
    const client = clientFor(server.url, store);
    try {
      const error = await client.getEventStats().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermanentError);
      expect((error as PermanentError).details).toMatchObject({ status: 401, code: 'invalid_token', traceId: 'tr' });
      const message = (error as Error).message;
      expect(message).not.toContain(authority.current.accessToken);
      expect(message).not.toContain('stale');
      expect(JSON.stringify(error)).not.toContain(authority.current.accessToken);
    } finally {
      await client.close();
    }
    expect(authority.refreshes).toBe(1);
    expect(server.count('GET', '/order/event-stats')).toBe(2);
  });

  test.each(['locally expired', 'rejected by the server'])(
    '50 concurrent calls with an access token %s cause exactly one refresh request',
    async (how) => {
      const authority = new TokenAuthority(tokenPair('server-side'));
      authority.refreshDelayMs = 150; // keep the refresh in flight while the other calls pile up
      const stale = {
        ...tokenPair('stale', { expired: how === 'locally expired' }),
        refreshToken: authority.current.refreshToken,
      };
      const store = memoryStoreWith(stale);
      server = await startFakeAllegro(
        (req) => authority.handle(req) ?? { status: 200, body: { events: [] }, delayMs: 5 },
      );
      const client = clientFor(server.url, store);
      try {
        const results = await Promise.all(Array.from({ length: 50 }, () => client.getOrderEvents()));
        expect(results).toHaveLength(50);
      } finally {
        await client.close();
      }
      expect(server.count('POST', '/auth/oauth/token')).toBe(1);
      const apiCalls = server.requests.filter((r) => r.path === '/order/events');
      const okCalls = apiCalls.filter((r) => r.headers.authorization === `Bearer ${authority.current.accessToken}`);
      expect(okCalls).toHaveLength(50);
    },
  );

  test('a refresh that lost the race reloads the stored token instead of refreshing again', async () => {
    const authority = new TokenAuthority(tokenPair('server-side'));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'allegro-tokens-'));
    const start = { ...tokenPair('stale'), refreshToken: authority.current.refreshToken };
    await new FileTokenStore({ dir }).save('shop', start);
    server = await startFakeAllegro((req) => authority.handle(req) ?? { status: 200, body: { events: [] } });
    // Two workers (two clients, two stores on the same directory) both hold the stale token.
    const first = clientFor(server.url, new FileTokenStore({ dir }));
    const second = clientFor(server.url, new FileTokenStore({ dir }));
    try {
      await second.tokens.getAccessToken(); // caches the stale pair
      await first.getOrderEvents(); // 401 → refresh → new pair saved
      expect(authority.refreshes).toBe(1);
      await second.getOrderEvents(); // 401 with the stale token → finds the newer stored one
      expect(authority.refreshes).toBe(1);
      const secondCalls = server.requests.filter((r) => r.path === '/order/events').slice(2);
      expect(secondCalls.map((r) => r.headers.authorization)).toEqual([
        `Bearer ${start.accessToken}`,
        `Bearer ${authority.current.accessToken}`,
      ]);
    } finally {
      await first.close();
      await second.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a spent refresh token (invalid_grant) → PermanentError asking to authorise again; the token is not in it', async () => {
    const authority = new TokenAuthority(tokenPair('server-side'));
    const stale = tokenPair('stale'); // its refresh token is not the authority's: already spent
    server = await startFakeAllegro((req) => authority.handle(req) ?? { status: 200, body: { events: [] } });
    const client = clientFor(server.url, memoryStoreWith(stale));
    try {
      const error = await client.getOrderEvents().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PermanentError);
      expect((error as PermanentError).details.code).toBe('invalid_grant');
      const text = `${(error as Error).message} ${JSON.stringify(error)} ${(error as Error).stack}`;
      expect(text).toMatch(/authorise the account again/);
      expect(text).not.toContain(stale.refreshToken);
      expect(text).not.toContain(stale.accessToken);
    } finally {
      await client.close();
    }
  });
});
