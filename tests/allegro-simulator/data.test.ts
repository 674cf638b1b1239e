/**
 * The generated orders are realistic and deterministic: same seed → same orders; totals
 * exact to the grosz; valid NIPs; every buyer kind, payment and marketplace; the offers and
 * delivery methods of dev/catalogue.ts.
 */
import { CheckoutFormSchema } from '../../domain/allegro';
import { DEMO_DELIVERY_METHODS, DEMO_OFFERS } from '../../dev/catalogue';
import { startAllegroSimulator, type AllegroSimulator, type WireCheckoutForm } from '../../dev/allegro-simulator';
import { api, cents, isValidNip } from './helpers';

const NOW = Date.parse('2026-03-02T10:00:00.000Z');

async function generate(seed: number, n: number): Promise<{ forms: WireCheckoutForm[]; events: unknown }> {
  const sim = await startAllegroSimulator({ seed, now: () => new Date(NOW) });
  try {
    sim.admin.addOrders(n, { spreadOverSeconds: 7 * 86_400 });
    const client = api(sim, sim.admin.issueTokens().accessToken);
    const forms = sim.admin.listOrderIds().map((id) => sim.admin.getOrder(id) as WireCheckoutForm);
    return { forms, events: (await client.get('/order/events?limit=1000')).body };
  } finally {
    await sim.close();
  }
}

describe('Allegro simulator: generated data', () => {
  let forms: WireCheckoutForm[];

  beforeAll(async () => {
    ({ forms } = await generate(42, 1500));
  });

  test('same seed and clock → the same orders and events; another seed → others', async () => {
    const again = await generate(7, 150);
    const same = await generate(7, 150);
    expect(same).toEqual(again);
    const other = await generate(8, 150);
    expect(other.forms.map((f) => f.id)).not.toEqual(again.forms.map((f) => f.id));
  });

  test('summary.totalToPay = Σ price × quantity + delivery cost, to the grosz, in one currency', () => {
    for (const f of forms) {
      const currency = f.summary.totalToPay.currency;
      const lines = f.lineItems.reduce((sum, l) => sum + cents(l.price.amount) * l.quantity, 0);
      const delivery = f.delivery ? cents(f.delivery.cost.amount) : 0;
      expect(cents(f.summary.totalToPay.amount)).toBe(lines + delivery);
      expect(f.summary.totalToPay.amount).toMatch(/^\d+\.\d{2}$/);
      for (const l of f.lineItems) {
        expect([l.price.currency, l.originalPrice.currency]).toEqual([currency, currency]);
        expect(cents(l.price.amount)).toBeLessThanOrEqual(cents(l.originalPrice.amount));
      }
      if (f.delivery) expect(f.delivery.cost.currency).toBe(currency);
      if (f.payment?.paidAmount) expect(f.payment.paidAmount).toEqual(f.summary.totalToPay);
      // Whole crowns and forints, delivery included.
      if (currency === 'CZK' || currency === 'HUF') {
        for (const l of f.lineItems) expect(l.price.amount).toMatch(/\.00$/);
        if (f.delivery) expect(f.delivery.cost.amount).toMatch(/\.00$/);
      }
    }
  });

  test('companies carry valid NIPs (PL), IČO/DIČ (CZ, SK) or an adószám (HU) in invoice.address.company.ids', () => {
    const companies = forms.filter((f) => f.invoice.address?.company);
    expect(companies.length).toBeGreaterThan(100);
    for (const f of companies) {
      const company = f.invoice.address?.company;
      expect(f.invoice.required).toBe(true);
      expect(company?.name).toBe(f.buyer.companyName);
      const ids = company?.ids ?? [];
      if (f.marketplace.id === 'allegro-pl') {
        expect(ids).toHaveLength(1);
        expect(ids[0].type).toBe('PL_NIP');
        expect(isValidNip(ids[0].value)).toBe(true);
        expect(company?.taxId).toBe(ids[0].value);
      } else {
        const expected: Record<string, string[]> = {
          'allegro-cz': ['CZ_ICO', 'CZ_DIC'],
          'allegro-sk': ['SK_ICO', 'SK_IC_DPH'],
          'allegro-hu': ['HU_ADOSZAM'],
        };
        expect(ids.map((i) => i.type)).toEqual(expected[f.marketplace.id]);
      }
    }
    expect(companies.some((f) => f.invoice.address?.company?.ids[0].value.includes('-'))).toBe(true);
  });

  test('every kind of order appears: buyers, invoices, pickup points, payments, marketplaces, lines', () => {
    const share = (pred: (f: WireCheckoutForm) => boolean) => forms.filter(pred).length / forms.length;
    expect(share((f) => f.buyer.guest)).toBeGreaterThan(0.1);
    expect(share((f) => !f.buyer.guest && f.invoice.address === null)).toBeGreaterThan(0.2);
    expect(
      share((f) => f.invoice.address?.naturalPerson != null && f.invoice.address.company === null),
    ).toBeGreaterThan(0.03);
    expect(share((f) => f.delivery?.pickupPoint != null)).toBeGreaterThan(0.3);
    const msgShare = share((f) => f.messageToSeller !== null);
    expect(msgShare).toBeGreaterThan(0.05);
    expect(msgShare).toBeLessThan(0.3);
    const foreign = share((f) => f.marketplace.id !== 'allegro-pl');
    expect(foreign).toBeGreaterThan(0.02);
    expect(foreign).toBeLessThan(0.15);
    const currencies = new Set(forms.map((f) => `${f.marketplace.id}:${f.summary.totalToPay.currency}`));
    expect([...currencies].sort()).toEqual(['allegro-cz:CZK', 'allegro-hu:HUF', 'allegro-pl:PLN', 'allegro-sk:EUR']);
    // A foreign marketplace's lines carry its country's VAT rate (the offer's tax settings there).
    const rates: Record<string, string> = { 'allegro-cz': '21.00', 'allegro-sk': '23.00', 'allegro-hu': '27.00' };
    for (const f of forms.filter((x) => x.marketplace.id !== 'allegro-pl')) {
      for (const l of f.lineItems) expect(l.tax?.rate).toBe(rates[f.marketplace.id]);
    }
    // One Fulfillment: some prepaid allegro.pl orders, shipped by Allegro.
    const byAllegro = forms.filter((f) => f.fulfillment.provider?.id === 'ALLEGRO');
    expect(byAllegro.length / forms.length).toBeGreaterThan(0.01);
    for (const f of byAllegro) {
      expect(f.marketplace.id).toBe('allegro-pl');
      expect(f.payment?.type).not.toBe('CASH_ON_DELIVERY');
    }
    expect(forms.every((f) => ['ALLEGRO', 'SELLER'].includes(f.fulfillment.provider?.id ?? ''))).toBe(true);

    const payments = new Set(forms.map((f) => `${f.payment?.type}/${f.payment?.provider ?? '-'}`));
    for (const p of [
      'ONLINE/PAYU',
      'ONLINE/P24',
      'ONLINE/AF',
      'CASH_ON_DELIVERY/-',
      'WIRE_TRANSFER/-',
      'SPLIT_PAYMENT/OFFLINE',
      'EXTENDED_TERM/EPT',
    ]) {
      expect(payments).toContain(p);
    }
    for (const f of forms.filter((x) => x.payment?.type === 'CASH_ON_DELIVERY')) {
      expect(DEMO_DELIVERY_METHODS.find((m) => m.id === f.delivery?.method.id)?.paymentPolicy).toBe('CASH_ON_DELIVERY');
    }
    expect(new Set(forms.map((f) => f.lineItems.length))).toEqual(new Set([1, 2, 3, 4]));
    expect(new Set(forms.flatMap((f) => f.lineItems.map((l) => l.quantity)))).toEqual(new Set([1, 2, 3]));
    expect(new Set(forms.flatMap((f) => f.lineItems.map((l) => l.offer.id)))).toEqual(
      new Set(DEMO_OFFERS.map((o) => o.offerId)),
    );
    const text = JSON.stringify(forms.map((f) => [f.buyer, f.delivery?.address]));
    for (const letter of ['ą', 'ę', 'ł', 'ń', 'ó', 'ś', 'ź', 'ż', 'Ł', 'Ż']) expect(text).toContain(letter);
  });

  test('buyers recur with the same buyer.id, each order with its own masked e-mail', () => {
    const byBuyer = new Map<string, WireCheckoutForm[]>();
    for (const f of forms) byBuyer.set(f.buyer.id, [...(byBuyer.get(f.buyer.id) ?? []), f]);
    const returning = [...byBuyer.values()].filter((list) => list.length > 1);
    expect(returning.length).toBeGreaterThan(20);
    for (const list of returning) {
      expect(new Set(list.map((f) => `${f.buyer.login}|${f.buyer.lastName}|${f.buyer.companyName}`)).size).toBe(1);
      expect(new Set(list.map((f) => f.buyer.email)).size).toBe(list.length);
      expect(list.every((f) => !f.buyer.guest)).toBe(true);
    }
    for (const f of forms) expect(f.buyer.email).toMatch(/^[a-z0-9]+\+[0-9a-f]+@allegromail\.pl$/);
  });

  test('every form parses with CheckoutFormSchema, money in minor units equal to the wire amounts', () => {
    for (const f of forms) {
      const parsed = CheckoutFormSchema.parse(f);
      expect(parsed.summary.totalToPay).toEqual({
        amount: cents(f.summary.totalToPay.amount),
        currency: f.summary.totalToPay.currency,
      });
      expect(parsed.lineItems.map((l) => l.id)).toEqual(f.lineItems.map((l) => l.id));
    }
  });

  test('an order may use a payment type or delivery method the integrator has no mapping for', async () => {
    const sim = await startAllegroSimulator({ seed: 3 });
    try {
      const id = sim.admin.addOrder({
        paymentType: 'INSTALMENTS',
        paymentProvider: 'NEWPAY',
        deliveryMethodId: 'c3d1e2f0-0000-4000-8000-0000000000ff',
        deliveryCost: '7.50',
      });
      const form = sim.admin.getOrder(id) as WireCheckoutForm;
      expect(form.payment).toMatchObject({ type: 'INSTALMENTS', provider: 'NEWPAY' });
      expect(form.delivery?.cost.amount).toBe('7.50');
      expect(CheckoutFormSchema.parse(form).payment?.type).toBe('INSTALMENTS'); // open enums
    } finally {
      await sim.close();
    }
  });

  describe('offers and delivery methods from dev/catalogue.ts', () => {
    let sim: AllegroSimulator;
    let client: ReturnType<typeof api>;
    beforeAll(async () => {
      sim = await startAllegroSimulator({ seed: 1 });
      client = api(sim, sim.admin.issueTokens().accessToken);
    });
    afterAll(() => sim.close());

    test('GET /sale/product-offers/{id}: EAN as the "EAN (GTIN)" product parameter, external.id, stock, price', async () => {
      type Offer = {
        name: string;
        external: { id: string } | null;
        stock: { available: number };
        sellingMode: { price: { amount: string; currency: string } };
        productSet: { product: { parameters: { name: string; values: string[] }[] } }[];
      };
      for (const o of DEMO_OFFERS) {
        const { status, body } = await client.get<Offer>(`/sale/product-offers/${o.offerId}`);
        expect(status).toBe(200);
        const ean = body.productSet.flatMap((p) => p.product.parameters).find((p) => p.name === 'EAN (GTIN)');
        expect(ean?.values ?? null).toEqual(o.ean ? [o.ean] : null);
        expect(body.external?.id ?? null).toBe(o.externalId);
        expect(body.name).toBe(o.name);
        expect(body.stock.available).toBe(o.stock);
        expect(body.sellingMode.price).toEqual({ amount: o.priceGross, currency: 'PLN' });
      }
      expect((await client.get('/sale/product-offers/17000000099')).status).toBe(404);
    });

    test('GET /sale/offers pages the listing and filters by id, signature and name', async () => {
      type Listing = { offers: { id: string; external: { id: string } | null }[]; count: number; totalCount: number };
      const first = await client.get<Listing>('/sale/offers?limit=5');
      const rest = await client.get<Listing>('/sale/offers?limit=20&offset=5');
      expect(first.body).toMatchObject({ count: 5, totalCount: DEMO_OFFERS.length });
      expect([...first.body.offers, ...rest.body.offers].map((o) => o.id)).toEqual(DEMO_OFFERS.map((o) => o.offerId));
      const bySignature = await client.get<Listing>('/sale/offers?external.id=KAB-CC-2M&external.id=PLE-20-GR');
      expect(bySignature.body.offers.map((o) => o.external?.id)).toEqual(['KAB-CC-2M', 'PLE-20-GR']);
      const byId = await client.get<Listing>('/sale/offers?offer.id=17000000004');
      expect(byId.body.offers.map((o) => o.id)).toEqual(['17000000004']);
      const byName = await client.get<Listing>('/sale/offers?name=usb-c');
      expect(byName.body.offers.map((o) => o.id)).toEqual(['17000000004', '17000000005']);
      expect((await client.get('/sale/offers?limit=1001')).status).toBe(422);
    });

    test('GET /sale/delivery-methods lists the catalogue methods', async () => {
      const reply = await client.get<{ deliveryMethods: { id: string; name: string; paymentPolicy: string }[] }>(
        '/sale/delivery-methods',
      );
      expect(reply.body.deliveryMethods.map(({ id, name, paymentPolicy }) => ({ id, name, paymentPolicy }))).toEqual(
        DEMO_DELIVERY_METHODS.map(({ id, name, paymentPolicy }) => ({ id, name, paymentPolicy })),
      );
      expect(
        (await client.get<{ deliveryMethods: unknown[] }>('/sale/delivery-methods?marketplace=allegro-business-cz'))
          .body.deliveryMethods,
      ).toEqual([]);
    });
  });
});
