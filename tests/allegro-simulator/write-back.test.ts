/**
 * The simulator's write-back endpoints (issue 13): offer quantity and price change commands
 * with their reports and per-offer tasks, tracking numbers (shipments) and carriers. Every
 * answer and every request body is validated against openapi.yaml.
 */
import fs from 'node:fs';
import { startAllegroSimulator, type AllegroSimulator } from '../../dev/allegro-simulator';
import { DEMO_OFFERS } from '../../dev/catalogue';
import { api, type Reply } from './helpers';
import { SPEC_PATH, SpecValidator } from './openapi-validator';

const QTY = '/sale/offer-quantity-change-commands';
const PRICE = '/sale/offer-price-change-commands';

const suite = fs.existsSync(SPEC_PATH) ? describe : describe.skip;

suite('Allegro simulator: offer commands, shipments, carriers (openapi.yaml)', () => {
  let v: SpecValidator;
  let sim: AllegroSimulator;
  let client: ReturnType<typeof api>;
  const check = (method: string, template: string, reply: Reply) =>
    expect(v.checkResponse(method, template, reply.status, reply.body)).toEqual([]);
  const requestBody = (schema: string, body: unknown) => {
    expect(v.checkSchema(schema, body)).toEqual([]);
    return body;
  };
  const quantityCommand = (value: number, offers: string[], changeType = 'FIXED') =>
    requestBody('OfferQuantityChangeCommand', {
      modification: { changeType, value },
      offerCriteria: [{ type: 'CONTAINS_OFFERS', offers: offers.map((id) => ({ id })) }],
    });
  const priceCommand = (amount: string, offers: string[], marketplaceId?: string, currency = 'PLN') =>
    requestBody('OfferPriceChangeCommand', {
      modification: { type: 'FIXED_PRICE', price: { amount, currency }, ...(marketplaceId ? { marketplaceId } : {}) },
      offerCriteria: [{ type: 'CONTAINS_OFFERS', offers: offers.map((id) => ({ id })) }],
    });

  beforeAll(async () => {
    v = new SpecValidator();
    sim = await startAllegroSimulator({ seed: 13 });
    client = api(sim, sim.admin.issueTokens().accessToken);
  });
  afterAll(async () => {
    await sim.close();
    expect(v.violations).toEqual([]);
  });

  test('a quantity command changes the offers, reports per offer, refuses unknown and refused offers with a reason', async () => {
    const [a, b] = sim.admin.addOffers(2);
    sim.admin.refuseOfferChanges(b.offerId, 'Oferta zablokowana przez Allegro: naruszenie regulaminu');
    const id = 'a6b2b1a4-6e3a-4d1f-9d55-000000000001';
    const put = await client.put(`${QTY}/${id}`, quantityCommand(77, [a.offerId, b.offerId, '99999999999']));
    expect(put.status).toBe(201);
    check('PUT', `${QTY}/{commandId}`, put);
    expect(put.body).toMatchObject({ id, taskCount: { total: 3, success: 1, failed: 2 } });
    expect(sim.admin.getOffer(a.offerId)?.stock).toBe(77);
    expect(sim.admin.getOffer(b.offerId)?.stock).toBe(b.stock);

    const report = await client.get(`${QTY}/${id}`);
    check('GET', `${QTY}/{commandId}`, report);
    expect((report.body as { completedAt: string | null }).completedAt).not.toBeNull();
    const tasks = await client.get<{
      tasks: { offer: { id: string }; status: string; errors: { message: string }[] }[];
    }>(`${QTY}/${id}/tasks?limit=2&offset=1`);
    check('GET', `${QTY}/{commandId}/tasks`, tasks);
    expect(tasks.body.tasks.map((t) => [t.offer.id, t.status, t.errors[0]?.message])).toEqual([
      [b.offerId, 'FAIL', 'Oferta zablokowana przez Allegro: naruszenie regulaminu'],
      ['99999999999', 'FAIL', 'The offer does not exist.'],
    ]);
    expect(sim.admin.stats().offerChanges.quantity).toBe(1);
  });

  test('a command id is used once (409); the spec refuses quantity 0 per offer and over 1000 offers per command', async () => {
    const [a] = sim.admin.addOffers(1);
    const id = 'a6b2b1a4-6e3a-4d1f-9d55-000000000002';
    expect((await client.put(`${QTY}/${id}`, quantityCommand(0, [a.offerId]))).body).toMatchObject({
      taskCount: { failed: 1 },
    });
    const again = await client.put(`${QTY}/${id}`, quantityCommand(5, [a.offerId]));
    expect(again.status).toBe(409);
    check('PUT', `${QTY}/{commandId}`, again);
    expect(sim.admin.getOffer(a.offerId)?.stock).toBe(a.stock);
    const many = Array.from({ length: 1001 }, (_, i) => String(19_000_000_000 + i));
    const tooMany = await client.put(`${QTY}/a6b2b1a4-6e3a-4d1f-9d55-000000000003`, quantityCommand(1, many));
    expect(tooMany.status).toBe(422);
    check('PUT', `${QTY}/{commandId}`, tooMany);
    const missing = await client.get(`${QTY}/a6b2b1a4-6e3a-4d1f-9d55-0000000000ff/tasks`);
    expect(missing.status).toBe(404);
    check('GET', `${QTY}/{commandId}/tasks`, missing);
  });

  test('a price command sets the base price, or a marketplace price in its currency only', async () => {
    const offer = DEMO_OFFERS[0].offerId;
    const id = 'b6b2b1a4-6e3a-4d1f-9d55-000000000001';
    const put = await client.put(`${PRICE}/${id}`, priceCommand('31.49', [offer]));
    expect(put.status).toBe(201);
    check('PUT', `${PRICE}/{commandId}`, put);
    expect(sim.admin.getOffer(offer)?.priceGross).toBe('31.49');
    const tasks = await client.get(`${PRICE}/${id}/tasks`);
    check('GET', `${PRICE}/{commandId}/tasks`, tasks);
    const listing = await client.get<{ offers: { sellingMode: { price: { amount: string } } }[] }>(
      `/sale/offers?offer.id=${offer}`,
    );
    expect(listing.body.offers[0].sellingMode.price.amount).toBe('31.49');

    const wrongCurrency = await client.put(
      `${PRICE}/b6b2b1a4-6e3a-4d1f-9d55-000000000002`,
      priceCommand('31.49', [offer], 'allegro-cz'),
    );
    expect(wrongCurrency.status).toBe(422);
    const czk = await client.put(
      `${PRICE}/b6b2b1a4-6e3a-4d1f-9d55-000000000003`,
      priceCommand('189.00', [offer], 'allegro-cz', 'CZK'),
    );
    expect(czk.status).toBe(201);
    const product = await client.get<{
      additionalMarketplaces: Record<string, { sellingMode: { price: { amount: string } } }>;
    }>(`/sale/product-offers/${offer}`);
    expect(product.body.additionalMarketplaces['allegro-cz'].sellingMode.price.amount).toBe('189.00');
    expect(sim.admin.getOffer(offer)?.priceGross).toBe('31.49');
  });

  test('CZK and HUF prices are whole units: hellers and fillér are refused per offer; EUR takes cents', async () => {
    const [offer] = sim.admin.addOffers(1).map((o) => o.offerId);
    const before = sim.admin.getOffer(offer)?.additionalPrices;
    const hellers = await client.put(
      `${PRICE}/c6b2b1a4-6e3a-4d1f-9d55-000000000001`,
      priceCommand('189.50', [offer], 'allegro-cz', 'CZK'),
    );
    expect(hellers.status).toBe(201);
    expect(hellers.body).toMatchObject({ taskCount: { total: 1, success: 0, failed: 1 } });
    const tasks = await client.get<{ tasks: { status: string; errors: { code: string }[] }[] }>(
      `${PRICE}/c6b2b1a4-6e3a-4d1f-9d55-000000000001/tasks`,
    );
    check('GET', `${PRICE}/{commandId}/tasks`, tasks);
    expect(tasks.body.tasks[0]).toMatchObject({ status: 'FAIL', errors: [{ code: 'InvalidPricePrecision' }] });
    const filler = await client.put(
      `${PRICE}/c6b2b1a4-6e3a-4d1f-9d55-000000000002`,
      priceCommand('2500.01', [offer], 'allegro-hu', 'HUF'),
    );
    expect(filler.body).toMatchObject({ taskCount: { failed: 1 } });
    expect(sim.admin.getOffer(offer)?.additionalPrices).toEqual(before);

    const cents = await client.put(
      `${PRICE}/c6b2b1a4-6e3a-4d1f-9d55-000000000003`,
      priceCommand('7.39', [offer], 'allegro-sk', 'EUR'),
    );
    expect(cents.body).toMatchObject({ taskCount: { success: 1 } });
    const listing = await client.get<{
      offers: {
        additionalMarketplaces: Record<string, { sellingMode: { price: { amount: string; currency: string } } }>;
      }[];
    }>(`/sale/offers?offer.id=${offer}`);
    check('GET', '/sale/offers', listing);
    expect(listing.body.offers[0].additionalMarketplaces['allegro-sk'].sellingMode.price).toEqual({
      amount: '7.39',
      currency: 'EUR',
    });
  });

  test('a fault after serving: the change is made although the answer is lost', async () => {
    const [a] = sim.admin.addOffers(1);
    const id = 'a6b2b1a4-6e3a-4d1f-9d55-000000000004';
    sim.admin.setFault({ method: 'PUT', path: `${QTY}/${id}`, status: 503, afterServing: true });
    expect((await client.put(`${QTY}/${id}`, quantityCommand(12, [a.offerId]))).status).toBe(503);
    expect(sim.admin.getOffer(a.offerId)?.stock).toBe(12);
    expect((await client.put(`${QTY}/${id}`, quantityCommand(12, [a.offerId]))).status).toBe(409);
  });

  test('carriers, and a tracking number added once to an order: listed, and the form says the items are sent', async () => {
    const carriers = await client.get<{ carriers: { id: string }[] }>('/order/carriers');
    check('GET', '/order/carriers', carriers);
    expect(carriers.body.carriers.map((c) => c.id)).toEqual(expect.arrayContaining(['DPD', 'INPOST', 'OTHER']));

    const orderId = sim.admin.addOrder({ status: 'READY_FOR_PROCESSING' });
    const path = `/order/checkout-forms/${orderId}/shipments`;
    const empty = await client.get(path);
    check('GET', '/order/checkout-forms/{id}/shipments', empty);
    expect(empty.body).toEqual({ shipments: [] });
    const body = requestBody('CheckoutFormAddWaybillRequest', { carrierId: 'DPD', waybill: '0000123456789Q' });
    const added = await client.post(path, body);
    expect(added.status).toBe(201);
    check('POST', '/order/checkout-forms/{id}/shipments', added);
    const listed = await client.get<{ shipments: { waybill: string; lineItems: unknown[] }[] }>(path);
    check('GET', '/order/checkout-forms/{id}/shipments', listed);
    expect(listed.body.shipments.map((s) => s.waybill)).toEqual(['0000123456789Q']);
    expect(listed.body.shipments[0].lineItems.length).toBe(sim.admin.getOrder(orderId)?.lineItems.length);
    expect(sim.admin.getOrder(orderId)?.fulfillment.shipmentSummary.lineItemsSent).toBe('ALL');

    const badCarrier = await client.post(path, { carrierId: 'PIGEON', waybill: 'X1' });
    expect(badCarrier.status).toBe(400);
    check('POST', '/order/checkout-forms/{id}/shipments', badCarrier);
    const unknown = await client.post('/order/checkout-forms/8f7e6d5c-0000-4000-8000-000000000000/shipments', body);
    expect(unknown.status).toBe(404);
    check('POST', '/order/checkout-forms/{id}/shipments', unknown);
    expect(sim.admin.stats().shipmentsAdded).toBe(1);
  });
});
