/**
 * Contract: every answer the integrator's client can get from the simulator validates against
 * Allegro's OpenAPI spec (plus CONTRACT.md for OAuth, which the spec does not describe), and
 * every checkout form parses with the domain's CheckoutFormSchema. Prints the figures.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CheckoutFormSchema } from '../../domain/allegro';
import { DEMO_DELIVERY_METHODS, DEMO_OFFERS, DEMO_PRODUCT_SETS } from '../../dev/catalogue';
import {
  startAllegroSimulator,
  type AllegroSimulator,
  type OrderSpec,
  type WireCheckoutForm,
} from '../../dev/allegro-simulator';
import { api, oauth, request, USER_AGENT, PUBLIC_V1, type Reply } from './helpers';
import { SPEC_PATH, SpecValidator } from './openapi-validator';

const EXAMPLES = path.join(path.dirname(SPEC_PATH), 'examples');
const example = (file: string): unknown => JSON.parse(fs.readFileSync(path.join(EXAMPLES, file), 'utf8'));

/** CONTRACT.md §2.1 (the spec has no schema for the OAuth endpoints). */
const DEVICE_CODE_SCHEMA = {
  type: 'object',
  required: ['device_code', 'user_code', 'expires_in', 'interval', 'verification_uri', 'verification_uri_complete'],
  additionalProperties: false,
  properties: {
    device_code: { type: 'string', minLength: 1 },
    user_code: { type: 'string', pattern: '^[a-z]{9}$' },
    expires_in: { type: 'integer', minimum: 1 },
    interval: { type: 'integer', minimum: 0 },
    verification_uri: { type: 'string', format: 'uri' },
    verification_uri_complete: { type: 'string', format: 'uri' },
  },
};
/** CONTRACT.md §2 token response (examples/oauth-token.response.docs-device-flow.json). */
const TOKEN_SCHEMA = {
  type: 'object',
  required: ['access_token', 'token_type', 'refresh_token', 'expires_in', 'scope', 'jti'],
  additionalProperties: false,
  properties: {
    access_token: { type: 'string', pattern: '^[\\w-]+\\.[\\w-]+\\.[\\w-]+$' },
    token_type: { const: 'bearer' },
    refresh_token: { type: 'string', pattern: '^[\\w-]+\\.[\\w-]+\\.[\\w-]+$' },
    expires_in: { type: 'integer', minimum: 1 },
    scope: { type: 'string' },
    allegro_api: { type: 'boolean' },
    jti: { type: 'string', format: 'uuid' },
  },
};

const specFound = fs.existsSync(SPEC_PATH);
const suite = specFound ? describe : describe.skip;

suite(
  specFound ? 'Allegro simulator contract (openapi.yaml)' : `skipped: Allegro spec not found at ${SPEC_PATH}`,
  () => {
    let v: SpecValidator;
    let sim: AllegroSimulator;
    let client: ReturnType<typeof api>;
    let zodParsed = 0;
    const zodFailures: string[] = [];

    const check = (method: string, template: string, reply: Reply) =>
      v.checkResponse(method, template, reply.status, reply.body);

    beforeAll(async () => {
      v = new SpecValidator();
      sim = await startAllegroSimulator({ seed: 20260301, deviceIntervalSeconds: 0 });
      client = api(sim, sim.admin.issueTokens().accessToken);
    });

    afterAll(async () => {
      await sim.close();
      process.stdout.write(
        `\nallegro-simulator contract: ${v.validatedAnswers} answers validated against openapi.yaml, ` +
          `${v.violations.length} violations; ${zodParsed} checkout forms parsed with CheckoutFormSchema, ` +
          `${zodFailures.length} failures\n`,
      );
    });

    test('the validator accepts captured Allegro payloads and rejects broken ones', () => {
      // Captured sandbox forms pass, except `discounts`, removed from the spec in Jan 2026.
      const captured = v.probe(
        'GET',
        '/order/checkout-forms',
        200,
        example('checkout-forms-list.sandbox.invoice-natural-person.json'),
      );
      expect(captured).toEqual([
        'GET /order/checkout-forms 200: /checkoutForms/0/discounts is not declared in the spec',
      ]);
      expect(v.probe('GET', '/sale/product-offers/{offerId}', 200, example('product-offer.sandbox.json'))).toEqual([]);

      const broken = structuredClone(
        (example('checkout-forms-list.sandbox.no-invoice-person.json') as { checkoutForms: Record<string, unknown>[] })
          .checkoutForms[0],
      );
      delete (broken as { discounts?: unknown }).discounts;
      expect(v.probe('GET', '/order/checkout-forms/{id}', 200, broken)).toEqual([]);
      (broken.summary as { totalToPay: unknown }).totalToPay = { amount: 30.99, currency: 'PLN' };
      broken.buyer = null;
      broken.statusx = 'READY';
      const problems = v.probe('GET', '/order/checkout-forms/{id}', 200, broken);
      expect(problems.some((p) => p.includes('/summary/totalToPay/amount must be string'))).toBe(true);
      expect(problems.some((p) => p.includes('/buyer must be object'))).toBe(true);
      expect(problems.some((p) => p.includes('/statusx is not declared'))).toBe(true);
    });

    test('GET /order/checkout-forms/{id}: orders of every kind validate and parse with CheckoutFormSchema', async () => {
      const specs: OrderSpec[] = [];
      for (const buyer of ['company', 'person', 'person-invoice', 'guest'] as const)
        for (const marketplace of ['allegro-pl', 'allegro-cz', 'allegro-sk'] as const)
          for (const status of ['BOUGHT', 'FILLED_IN', 'READY_FOR_PROCESSING', 'CANCELLED'] as const)
            specs.push({
              buyer,
              marketplace,
              status,
              messageToSeller: status === 'BOUGHT' ? null : 'Proszę o fakturę 😊',
            });
      const payments: [string, string | null][] = [
        ['ONLINE', 'PAYU'],
        ['ONLINE', 'P24'],
        ['ONLINE', 'AF'],
        ['CASH_ON_DELIVERY', null],
        ['WIRE_TRANSFER', null],
        ['SPLIT_PAYMENT', 'OFFLINE'],
        ['EXTENDED_TERM', 'EPT'],
      ];
      for (const [paymentType, paymentProvider] of payments)
        for (const m of DEMO_DELIVERY_METHODS)
          specs.push({ paymentType, paymentProvider, deliveryMethodId: m.id, buyer: 'company' });
      specs.push({ lines: DEMO_OFFERS.slice(0, 4).map((o, i) => ({ offerId: o.offerId, quantity: (i % 3) + 1 })) });
      for (const set of DEMO_PRODUCT_SETS) specs.push({ lines: [{ offerId: set.offerId, quantity: 2 }] });
      specs.push({
        lines: [{ offerId: '99999999999', name: 'Oferta spoza katalogu', unitPrice: '12.34', quantity: 2 }],
      });
      specs.push({ deliveryMethodId: '00000000-0000-4000-8000-000000000000', deliveryCost: '9.99' });
      for (const spec of specs) sim.admin.addOrder(spec);
      sim.admin.addOrders(600, { spreadOverSeconds: 3 * 86_400 });
      const [a, b] = sim.admin.addOrders(2, { buyer: 'person' });
      sim.admin.merge([a, b]);

      const seen = {
        statuses: new Set<string>(),
        payments: new Set<string>(),
        markets: new Set<string>(),
        kinds: new Set<string>(),
      };
      for (const id of sim.admin.listOrderIds()) {
        const reply = await client.get<WireCheckoutForm>(`/order/checkout-forms/${id}`);
        expect(reply.status).toBe(200);
        expect(check('GET', '/order/checkout-forms/{id}', reply)).toEqual([]);
        const parsed = CheckoutFormSchema.safeParse(reply.body);
        zodParsed++;
        if (!parsed.success) zodFailures.push(`${id}: ${parsed.error.message}`);
        const form = reply.body;
        seen.statuses.add(form.status);
        seen.markets.add(form.marketplace.id);
        if (form.payment) seen.payments.add(`${form.payment.type}/${form.payment.provider ?? '-'}`);
        seen.kinds.add(
          form.buyer.guest
            ? 'guest'
            : form.invoice.address?.company
              ? 'company'
              : form.invoice.address?.naturalPerson
                ? 'person-invoice'
                : 'person',
        );
      }
      expect(zodFailures).toEqual([]);
      expect([...seen.statuses].sort()).toEqual(['BOUGHT', 'CANCELLED', 'FILLED_IN', 'READY_FOR_PROCESSING']);
      expect([...seen.markets].sort()).toEqual(['allegro-cz', 'allegro-hu', 'allegro-pl', 'allegro-sk']);
      expect([...seen.kinds].sort()).toEqual(['company', 'guest', 'person', 'person-invoice']);
      for (const [type, provider] of payments) expect(seen.payments).toContain(`${type}/${provider ?? '-'}`);
    });

    test('GET /order/events: the whole journal, paged and filtered by type', async () => {
      let from: string | undefined;
      let pages = 0;
      for (;;) {
        const reply = await client.get<{ events: { id: string }[] }>(
          `/order/events?limit=1000${from ? `&from=${from}` : ''}`,
        );
        expect(check('GET', '/order/events', reply)).toEqual([]);
        pages++;
        if (reply.body.events.length === 0) break;
        if (pages >= 100) throw new Error('the journal never ended: `from` does not move forward');
        from = reply.body.events[reply.body.events.length - 1].id;
      }
      expect(pages).toBeGreaterThan(1);
      for (const type of ['BOUGHT', 'FILLED_IN', 'READY_FOR_PROCESSING', 'BUYER_CANCELLED']) {
        const reply = await client.get<{ events: unknown[] }>(`/order/events?type=${type}`);
        expect(reply.body.events.length).toBeGreaterThan(0);
        expect(check('GET', '/order/events', reply)).toEqual([]);
      }
    });

    test('GET /order/event-stats, with events and on an empty journal', async () => {
      expect(check('GET', '/order/event-stats', await client.get('/order/event-stats'))).toEqual([]);
      const empty = await startAllegroSimulator({ seed: 1 });
      try {
        const reply = await api(empty, empty.admin.issueTokens().accessToken).get('/order/event-stats');
        expect(reply.status).toBe(200);
        expect(check('GET', '/order/event-stats', reply)).toEqual([]);
      } finally {
        await empty.close();
      }
    });

    test('GET /order/checkout-forms: pages, filters and sorts', async () => {
      const queries = [
        '',
        '?limit=100&offset=100',
        '?status=READY_FOR_PROCESSING&sort=updatedAt',
        '?status=CANCELLED',
        '?marketplace.id=allegro-cz',
        `?lineItems.boughtAt.gte=${new Date(Date.now() - 86_400_000).toISOString()}&sort=-lineItems.boughtAt`,
        `?updatedAt.lte=${new Date().toISOString()}&limit=7`,
      ];
      for (const q of queries) {
        const reply = await client.get<{ count: number }>(`/order/checkout-forms${q}`);
        expect(reply.status).toBe(200);
        expect(reply.body.count).toBeGreaterThan(0);
        expect(check('GET', '/order/checkout-forms', reply)).toEqual([]);
      }
    });

    test('offers and delivery methods', async () => {
      for (const offer of [...DEMO_OFFERS, ...DEMO_PRODUCT_SETS]) {
        const reply = await client.get(`/sale/product-offers/${offer.offerId}`);
        expect(reply.status).toBe(200);
        expect(check('GET', '/sale/product-offers/{offerId}', reply)).toEqual([]);
      }
      for (const q of ['', '?limit=5&offset=5', '?external.id=KUB-350-KRK', '?name=USB']) {
        expect(check('GET', '/sale/offers', await client.get(`/sale/offers${q}`))).toEqual([]);
      }
      for (const q of ['', '?marketplace=allegro-cz']) {
        expect(check('GET', '/sale/delivery-methods', await client.get(`/sale/delivery-methods${q}`))).toEqual([]);
      }
    });

    test('error answers: 400, 401, 403, 404, 406, 409, 415, 422, 429', async () => {
      const id = sim.admin.addOrder();
      const [a, b] = sim.admin.addOrders(2);
      sim.admin.merge([a, b]);

      const notFound = await client.get(`/order/checkout-forms/${a}`);
      expect(notFound.status).toBe(404);
      expect(check('GET', '/order/checkout-forms/{id}', notFound)).toEqual([]);
      const expected404 = JSON.stringify(example('api-error.404.checkout-form-not-found.issue-8898.json')).replaceAll(
        'cab01d70-ecfb-11ee-b593-3bd3bdb54a12',
        a,
      );
      expect(notFound.body).toEqual(JSON.parse(expected404));

      const window = await client.get('/order/checkout-forms?offset=9950&limit=100');
      expect(window.status).toBe(422);
      expect(window.body).toEqual(example('api-error.422.offset-limit-exceeded.issue-4027.json'));
      expect(check('GET', '/order/checkout-forms', window)).toEqual([]);

      const answers: [string, string, Reply][] = [
        [
          'GET',
          '/order/events',
          await request(`${sim.url}/order/events`, { headers: { Accept: PUBLIC_V1, 'User-Agent': USER_AGENT } }),
        ],
        ['GET', '/order/events', await api(sim, 'not-a-token').get('/order/events')],
        [
          'GET',
          '/order/events',
          await api(sim, sim.admin.issueTokens().accessToken, { 'User-Agent': 'node' }).get('/order/events'),
        ],
        ['GET', '/order/events', await client.get('/order/events?limit=1001')],
        ['GET', '/order/events', await client.get('/order/events?from=abc')],
        [
          'GET',
          '/order/checkout-forms/{id}',
          await client.get(`/order/checkout-forms/${id}`, { Accept: 'application/json' }),
        ],
        ['GET', '/order/checkout-forms/{id}', await client.get('/order/checkout-forms/not-a-uuid')],
        ['GET', '/order/checkout-forms', await client.get('/order/checkout-forms?limit=101')],
        ['GET', '/order/checkout-forms', await client.get('/order/checkout-forms?status=PAID')],
        ['GET', '/sale/product-offers/{offerId}', await client.get('/sale/product-offers/123')],
        [
          'PUT',
          '/order/checkout-forms/{id}/fulfillment',
          await client.put(`/order/checkout-forms/${id}/fulfillment?checkoutForm.revision=00000000`, {
            status: 'PROCESSING',
          }),
        ],
        [
          'PUT',
          '/order/checkout-forms/{id}/fulfillment',
          await client.put(`/order/checkout-forms/${id}/fulfillment`, { status: 'RETURNED' }),
        ],
        [
          'PUT',
          '/order/checkout-forms/{id}/fulfillment',
          await client.put(`/order/checkout-forms/${id}/fulfillment`, 'status=SENT'),
        ],
        [
          'PUT',
          '/order/checkout-forms/{id}/fulfillment',
          await client.put(
            `/order/checkout-forms/${id}/fulfillment`,
            'status=SENT',
            'application/x-www-form-urlencoded',
          ),
        ],
        [
          'PUT',
          '/order/checkout-forms/{id}/fulfillment',
          await client.put(`/order/checkout-forms/${a}/fulfillment`, { status: 'SENT' }),
        ],
      ];
      const expired = sim.admin.issueTokens().accessToken;
      sim.admin.expireAccessTokens();
      answers.push(['GET', '/order/events', await api(sim, expired).get('/order/events')]);
      client = api(sim, sim.admin.issueTokens().accessToken);
      sim.admin.setRateLimit(2);
      for (let i = 0; i < 3; i++) answers.push(['GET', '/order/event-stats', await client.get('/order/event-stats')]);
      sim.admin.setRateLimit(null);

      expect(answers.map(([, , r]) => r.status)).toEqual([
        401, 401, 403, 422, 422, 406, 422, 422, 400, 404, 409, 422, 400, 415, 404, 401, 200, 200, 429,
      ]);
      for (const [method, template, reply] of answers) expect(check(method, template, reply)).toEqual([]);
      // The 401 bodies are Allegro's AuthError, e.g. examples/api-error.401.invalid-token.sandbox.issue-3077.json.
      expect(answers[1][2].body).toEqual(example('api-error.401.invalid-token.sandbox.issue-3077.json'));
    });

    test('OAuth: device code, token and error answers', async () => {
      const device = await oauth<{ device_code: string; user_code: string }>(sim, 'device', {
        client_id: sim.clientId,
      });
      expect(v.checkAgainst('POST /auth/oauth/device 200', DEVICE_CODE_SCHEMA, device.body)).toEqual([]);
      const poll = () =>
        oauth(sim, 'token', {
          grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
          device_code: device.body.device_code,
        });

      const pending = await poll();
      expect(pending.status).toBe(400);
      expect(pending.body).toEqual(example('oauth-error.authorization_pending.issue-2429.json'));
      sim.admin.approveDevice(device.body.user_code);
      const tokens = await poll();
      expect(tokens.status).toBe(200);
      expect(v.checkAgainst('POST /auth/oauth/token 200', TOKEN_SCHEMA, tokens.body)).toEqual([]);
      const reused = await poll();
      expect(reused.body).toEqual(example('oauth-error.invalid-device-code.issue-11017.json'));

      const refreshToken = String(tokens.body.refresh_token);
      const refreshed = await oauth(sim, 'token', { grant_type: 'refresh_token', refresh_token: refreshToken });
      expect(v.checkAgainst('POST /auth/oauth/token 200', TOKEN_SCHEMA, refreshed.body)).toEqual([]);
      const stale = await oauth<{ error: string; error_description: string }>(sim, 'token', {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
      });
      expect(stale.status).toBe(400);
      expect(stale.body.error).toBe('invalid_grant');
      expect(stale.body.error_description).toMatch(/^Invalid refresh token: /);
      const badClient = await oauth(sim, 'device', {}, 'wrong-secret');
      expect(badClient.status).toBe(401);

      for (const reply of [pending, reused, stale, badClient])
        expect(v.checkSchema('AuthError', reply.body)).toEqual([]);
    });

    test('no violations in any validated answer', () => {
      expect(v.validatedAnswers).toBeGreaterThan(700);
      expect(v.violations).toEqual([]);
    });
  },
);
