import { buildDocumentDraft, DELIVERY_LINE_ID, type DraftResult } from '../../domain/draft';
import { findPaymentMapping } from '../../domain/mappings';
import type { ImportPolicy } from '../../domain/types';
import {
  allMatched,
  changed,
  contractor,
  exampleForm,
  exampleForms,
  grosze,
  policy,
  product,
  reference,
  draftInput as input,
  draftOf as ok,
  type RawForm,
} from './fixtures';

function refused(result: DraftResult): { reason: string; message: string } {
  if (result.ok) throw new Error('expected a refusal, got a draft');
  return result;
}

/** What Allegro's own figures add up to: lines × quantity + services + delivery. */
function allegroSum(raw: RawForm): number {
  const lines = raw.lineItems.reduce(
    (sum, l) =>
      sum +
      grosze(l.price.amount) * l.quantity +
      (l.selectedAdditionalServices ?? []).reduce((s, a) => s + grosze(a.price.amount), 0),
    0,
  );
  return lines + (raw.delivery?.cost ? grosze(raw.delivery.cost.amount) : 0);
}

const examples = exampleForms();

test('the shared examples hold checkout forms (captured and hand-made)', () => {
  expect(examples.length).toBeGreaterThanOrEqual(5);
});

describe.each(examples.map((e) => [`${e.file} ${e.form.id}`, e] as const))('example %s', (_name, example) => {
  const { form, raw } = example;
  const result = buildDocumentDraft(input(form));
  const consistent = allegroSum(raw) === grosze(raw.summary.totalToPay.amount);

  test('the document total equals totalToPay to the grosz, or the order waits with both figures', () => {
    if (consistent) {
      expect(ok(result).grossTotal).toBe(grosze(raw.summary.totalToPay.amount));
    } else {
      const refusal = refused(result);
      expect(refusal.reason).toBe('total-mismatch');
      expect(refusal.message).toContain(raw.summary.totalToPay.amount);
      expect(refusal.message).toContain((allegroSum(raw) / 100).toFixed(2));
    }
  });

  // The hand-made docs sample does not add up; check its shape with a total that does.
  const draft = ok(
    consistent
      ? result
      : buildDocumentDraft(input(changed(form, (f) => (f.summary.totalToPay.amount = allegroSum(raw))))),
  );

  test('the document kind follows the invoice party', () => {
    expect(draft.kind).toBe(form.invoice?.address?.company ? 'FS' : 'RO');
  });

  test('the buyer is the invoice party, the recipient the delivery address', () => {
    const invoice = form.invoice?.address;
    if (invoice?.company) expect(draft.buyer.name).toBe(invoice.company.name);
    else if (invoice?.naturalPerson)
      expect(draft.buyer.name).toBe(`${invoice.naturalPerson.firstName} ${invoice.naturalPerson.lastName}`);
    else expect(draft.buyer.name).toBe(`${form.buyer.firstName} ${form.buyer.lastName}`);
    const delivery = form.delivery!.address!;
    expect(draft.recipient.street).toBe(delivery.street);
    expect(draft.recipient.postCode).toBe(delivery.zipCode);
    expect(draft.recipient.name).toBe(delivery.companyName || `${delivery.firstName} ${delivery.lastName}`);
  });

  test('lines carry Allegro unit gross prices, every line id, and a VAT table that adds up', () => {
    for (const item of raw.lineItems) {
      expect(draft.lines.some((l) => l.unitGross === grosze(item.price.amount) && l.quantity === item.quantity)).toBe(
        true,
      );
    }
    expect(draft.lineIds).toEqual(form.lineItems.map((l) => l.id));
    expect(draft.vat.reduce((s, r) => s + r.gross, 0)).toBe(draft.grossTotal);
    for (const row of draft.vat) expect(row.net + row.vat).toBe(row.gross);
    expect(draft.currency).toBe(raw.summary.totalToPay.currency);
    expect(draft.orderId).toBe(form.id);
    expect(draft.contractorId).toBe(contractor.id);
    expect(draft.documentDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test('the delivery cost is a service line with the mapped service', () => {
    const line = draft.lines.find((l) => l.sourceLineId === DELIVERY_LINE_ID)!;
    expect(line.isService).toBe(true);
    expect(line.grossValue).toBe(grosze(raw.delivery!.cost!.amount));
    expect(reference.deliveryServices.map((s) => s.id)).toContain(line.productId);
  });
});

describe('buyer and recipient', () => {
  const { form } = exampleForm('invoice-natural-person.json');

  test('a pickup point goes into the recipient name2 and the description', () => {
    const draft = ok(buildDocumentDraft(input(form)));
    expect(draft.recipient.name).toBe('Kamil Nowak');
    expect(draft.recipient.name2).toBe(form.delivery!.pickupPoint!.name);
    expect(draft.description).toContain(form.delivery!.pickupPoint!.id!);
    expect(draft.description).toContain('Jakubowice Murowane 30A');
  });

  test('without a delivery address the recipient is the buyer', () => {
    const noAddress = changed(form, (f) => (f.delivery!.address = null));
    const draft = ok(buildDocumentDraft(input(noAddress)));
    expect(draft.recipient).toEqual(draft.buyer);
  });

  test('the company invoice NIP is copied as digits', () => {
    const { form: company } = exampleForm('docs-response-sample.json');
    const fixed = changed(company, (f) => (f.summary.totalToPay.amount = 3 * 12345));
    expect(ok(buildDocumentDraft(input(fixed))).buyer.nip).toBe('1111111111');
  });

  test('a private buyer who wants an invoice gets a note', () => {
    expect(ok(buildDocumentDraft(input(form))).description).toContain('prosi o fakturę');
    const { form: noInvoice } = exampleForm('no-invoice-person.json');
    expect(ok(buildDocumentDraft(input(noInvoice))).description).not.toContain('faktur');
  });
});

describe('needs a person', () => {
  const { form } = exampleForm('invoice-natural-person.json');

  test('no mapping for the payment type and provider names them and the settings key', () => {
    const p = policy({ paymentMappings: [{ type: 'ONLINE', provider: 'P24', paymentForm: 'Allegro Przelewy24' }] });
    const r = refused(buildDocumentDraft(input(form, { policy: p })));
    expect(r.reason).toBe('unmapped-payment');
    expect(r.message).toContain('ONLINE');
    expect(r.message).toContain('PAYU');
    expect(r.message).toContain('mappings.payment');
  });

  test('a mapping to a payment form Optima does not have', () => {
    const p = policy({ paymentMappings: [{ type: 'ONLINE', paymentForm: 'bitcoin' }] });
    const r = refused(buildDocumentDraft(input(form, { policy: p })));
    expect(r.reason).toBe('unmapped-payment');
    expect(r.message).toContain('"bitcoin"');
  });

  test('no mapping for the delivery method names its id and the settings key', () => {
    const r = refused(buildDocumentDraft(input(form, { policy: policy({ deliveryMappings: [] }) })));
    expect(r.reason).toBe('unmapped-delivery');
    expect(r.message).toContain(form.delivery!.method!.id!);
    expect(r.message).toContain('mappings.delivery');
  });

  test('a delivery mapping to a service code Optima does not have', () => {
    const p = policy({ deliveryMappings: [{ methodId: form.delivery!.method!.id!, serviceCode: 'NO-SUCH' }] });
    const r = refused(buildDocumentDraft(input(form, { policy: p })));
    expect(r.reason).toBe('unmapped-delivery');
    expect(r.message).toContain('"NO-SUCH"');
  });

  test.each(['create', 'wait'] as const)('a line without a product when productNotFound is %s', (mode) => {
    const lines = form.lineItems.map((l) => ({ lineItemId: l.id, product: null, rule: 'none' as const }));
    const r = refused(buildDocumentDraft(input(form, { lines, policy: policy({ productNotFound: mode }) })));
    expect(r.reason).toBe('product-not-found');
    expect(r.message).toContain(form.lineItems[0].offer.id);
  });

  test('a line with no match at all', () => {
    const r = refused(buildDocumentDraft(input(form, { lines: [] })));
    expect(r.reason).toBe('product-not-found');
  });

  test('a total that does not add up gives both figures', () => {
    const wrong = changed(form, (f) => (f.summary.totalToPay.amount = 3000));
    const r = refused(buildDocumentDraft(input(wrong)));
    expect(r.reason).toBe('total-mismatch');
    expect(r.message).toContain('30.00');
    expect(r.message).toContain('30.99');
  });

  test('amounts in two currencies', () => {
    const mixed = changed(form, (f) => (f.delivery!.cost!.currency = 'EUR'));
    expect(refused(buildDocumentDraft(input(mixed))).reason).toBe('invalid-order-data');
  });

  test('no payment outside "all purchases" mode', () => {
    const unpaid = changed(form, (f) => (f.payment = null));
    expect(refused(buildDocumentDraft(input(unpaid))).reason).toBe('invalid-order-data');
  });

  test('a delivery cost without a method', () => {
    const odd = changed(form, (f) => (f.delivery!.method = null));
    expect(refused(buildDocumentDraft(input(odd))).reason).toBe('invalid-order-data');
  });

  test('a configured warehouse Optima does not have', () => {
    const r = refused(buildDocumentDraft(input(form, { policy: policy({ warehouseSymbol: 'NOPE' }) })));
    expect(r.reason).toBe('optima-rejected');
    expect(r.message).toContain('import.warehouseSymbol');
  });
});

describe('lines', () => {
  const { form } = exampleForm('invoice-natural-person.json');

  test('lineWithoutCard: the line goes on without a card and the attribute lists it', () => {
    const lines = form.lineItems.map((l) => ({ lineItemId: l.id, product: null, rule: 'none' as const }));
    const draft = ok(
      buildDocumentDraft(input(form, { lines, policy: policy({ productNotFound: 'lineWithoutCard' }) })),
    );
    const line = draft.lines.find((l) => l.sourceLineId === form.lineItems[0].id)!;
    expect(line.productId).toBeNull();
    expect(line.code).toBe(form.lineItems[0].offer.id);
    expect(line.name).toBe(form.lineItems[0].offer.name);
    expect(draft.attributes).toEqual([
      { code: 'ALLEGRO_BRAK_KARTY', value: expect.stringContaining(form.lineItems[0].offer.id) },
    ]);
  });

  test('matched lines add no attribute', () => {
    expect(ok(buildDocumentDraft(input(form))).attributes).toEqual([]);
  });

  test("VAT: the line's tax rate (the offer's on its marketplace) first, then the product card, then the default", () => {
    const taxed = changed(form, (f) => (f.lineItems[0].tax = { rate: '8.00' }));
    const withCard = ok(buildDocumentDraft(input(taxed, { lines: allMatched(taxed, 5) })));
    expect(withCard.lines[0].vatRate).toBe(8);
    const untaxedWithCard = ok(buildDocumentDraft(input(form, { lines: allMatched(form, 5) })));
    expect(untaxedWithCard.lines[0].vatRate).toBe(5);
    const noCard = taxed.lineItems.map((l) => ({ lineItemId: l.id, product: null, rule: 'none' as const }));
    const p = policy({
      productNotFound: 'lineWithoutCard',
      newProduct: { vatRate: 23, unit: 'szt', priceTypeNumber: 5 },
    });
    expect(ok(buildDocumentDraft(input(taxed, { lines: noCard, policy: p }))).lines[0].vatRate).toBe(8);
    const untaxed = ok(
      buildDocumentDraft(input(form, { lines: noCard, policy: { ...p, newProduct: { ...p.newProduct, vatRate: 0 } } })),
    );
    expect(untaxed.lines[0].vatRate).toBe(0);
  });

  test('one VAT row per rate, VAT computed from gross', () => {
    const two = changed(form, (f) => {
      f.lineItems.push({ ...structuredClone(f.lineItems[0]), id: 'second-line', quantity: 3 });
      f.summary.totalToPay.amount += 3 * 2000;
    });
    const lines = [
      { lineItemId: two.lineItems[0].id, product: product(1, { vatRate: 23 }), rule: 'ean' as const },
      { lineItemId: 'second-line', product: product(2, { vatRate: 5 }), rule: 'name' as const },
    ];
    const draft = ok(buildDocumentDraft(input(two, { lines })));
    const five = draft.vat.find((r) => r.vatRate === 5)!;
    expect(five.gross).toBe(6000);
    // 60.00 gross at 5 %: VAT = 60.00 × 5 / 105 = 2.857… → 2.86.
    expect(five.vat).toBe(286);
    const twentyThree = draft.vat.find((r) => r.vatRate === 23)!;
    expect(twentyThree.gross).toBe(2000 + 1099); // goods 20.00 + delivery 10.99
    expect(draft.vat).toHaveLength(2);
  });

  test('additional services are service lines priced for the whole quantity', () => {
    const withService = changed(form, (f) => {
      f.lineItems[0].quantity = 3;
      f.lineItems[0].selectedAdditionalServices = [
        { definitionId: 'CARRY_IN', name: 'Wniesienie', price: { amount: 1500, currency: 'PLN' }, quantity: 3 },
      ];
      f.summary.totalToPay.amount = 3 * 2000 + 1500 + 1099;
    });
    const draft = ok(buildDocumentDraft(input(withService)));
    const service = draft.lines.find((l) => l.code === 'CARRY_IN')!;
    expect(service).toMatchObject({
      quantity: 1,
      unitGross: 1500,
      grossValue: 1500,
      isService: true,
      productId: null,
      name: 'Wniesienie',
    });
    expect(draft.grossTotal).toBe(withService.summary.totalToPay.amount);
  });

  test('a free delivery method still gets its (0.00) service line', () => {
    const free = changed(form, (f) => {
      f.delivery!.cost = { amount: 0, currency: 'PLN' };
      f.summary.totalToPay.amount = 2000;
    });
    const draft = ok(buildDocumentDraft(input(free)));
    expect(draft.lines.find((l) => l.sourceLineId === DELIVERY_LINE_ID)).toMatchObject({
      grossValue: 0,
      code: 'DOST-ONEBOX',
    });
    // …and still needs its mapping: every method is mapped.
    expect(refused(buildDocumentDraft(input(free, { policy: policy({ deliveryMappings: [] }) }))).reason).toBe(
      'unmapped-delivery',
    );
  });

  test('no delivery method and no cost: no delivery line', () => {
    const none = changed(form, (f) => {
      f.delivery = null;
      f.summary.totalToPay.amount = 2000;
    });
    const draft = ok(buildDocumentDraft(input(none)));
    expect(draft.lines.map((l) => l.sourceLineId)).toEqual(form.lineItems.map((l) => l.id));
  });
});

describe('payment form', () => {
  const { form } = exampleForm('invoice-natural-person.json');
  const idOf = (name: string) => reference.paymentForms.find((f) => f.name === name)!.id;

  test('type + provider wins over type alone; type alone covers other providers', () => {
    const mappings: ImportPolicy['paymentMappings'] = [
      { type: 'ONLINE', paymentForm: 'przelew' },
      { type: 'ONLINE', provider: 'PAYU', paymentForm: 'Allegro PayU' },
    ];
    expect(ok(buildDocumentDraft(input(form, { policy: policy({ paymentMappings: mappings }) }))).paymentFormId).toBe(
      idOf('Allegro PayU'),
    );
    const p24 = changed(form, (f) => (f.payment!.provider = 'P24'));
    expect(ok(buildDocumentDraft(input(p24, { policy: policy({ paymentMappings: mappings }) }))).paymentFormId).toBe(
      idOf('przelew'),
    );
  });

  test('mappings compare case-insensitively and skip entries not filled in', () => {
    const mappings = [
      { type: 'online', provider: 'payu', paymentForm: '' },
      { type: 'online', paymentForm: 'karta' },
    ];
    expect(findPaymentMapping(mappings, 'ONLINE', 'PAYU')?.paymentForm).toBe('karta');
  });
});

describe('notes in the description', () => {
  const { form } = exampleForm('no-invoice-person.json');

  test("the buyer's message", () => {
    const withMessage = changed(form, (f) => (f.messageToSeller = 'Proszę o czerwony kolor'));
    expect(ok(buildDocumentDraft(input(withMessage))).description).toContain('Proszę o czerwony kolor');
  });

  test('an online payment started but not finished', () => {
    const unfinished = changed(form, (f) => (f.payment!.finishedAt = null));
    expect(ok(buildDocumentDraft(input(unfinished))).description).toMatch(/niezakończona/);
    expect(ok(buildDocumentDraft(input(form))).description).not.toMatch(/niezakończona/);
  });
});

describe('"all purchases" mode (stage BOUGHT)', () => {
  const { form } = exampleForm('no-invoice-person.json');
  const bought = changed(form, (f) => {
    f.status = 'BOUGHT';
    f.payment!.finishedAt = null;
  });
  const p = policy({ stage: 'BOUGHT' });

  test('no delivery line, the contractor payment form, a note, and a total of the lines only', () => {
    const draft = ok(buildDocumentDraft(input(bought, { policy: p })));
    expect(draft.lines.some((l) => l.sourceLineId === DELIVERY_LINE_ID)).toBe(false);
    expect(draft.paymentFormId).toBe(contractor.paymentFormId);
    expect(draft.description).toMatch(/wszystkie zakupy/);
    expect(draft.grossTotal).toBe(bought.lineItems.reduce((s, l) => s + l.price.amount * l.quantity, 0));
    expect(draft.grossTotal).not.toBe(bought.summary.totalToPay.amount);
  });

  test('needs no payment or delivery mapping', () => {
    const draft = ok(
      buildDocumentDraft(input(bought, { policy: { ...p, paymentMappings: [], deliveryMappings: [] } })),
    );
    expect(draft.paymentFormId).toBe(contractor.paymentFormId);
  });

  test('a contractor without a payment form falls back to import.defaultPaymentForm, else waits', () => {
    const bare = { ...contractor, paymentFormId: undefined };
    const withDefault = ok(
      buildDocumentDraft(input(bought, { contractor: bare, policy: { ...p, defaultPaymentForm: 'gotówka' } })),
    );
    expect(withDefault.paymentFormId).toBe(reference.paymentForms.find((f) => f.name === 'gotówka')!.id);
    const r = refused(buildDocumentDraft(input(bought, { contractor: bare, policy: p })));
    expect(r.reason).toBe('unmapped-payment');
    expect(r.message).toContain('import.defaultPaymentForm');
  });
});

describe('document date', () => {
  const { form } = exampleForm('no-invoice-person.json');
  // 22:30 UTC on 13 May is 00:30 on 14 May in Warsaw (UTC+2 in summer).
  const late = changed(form, (f) => {
    f.lineItems[0].boughtAt = '2025-05-13T22:30:00Z';
    f.lineItems.push({ ...structuredClone(f.lineItems[0]), id: 'later-line', boughtAt: '2025-05-20T10:00:00Z' });
    f.summary.totalToPay.amount += 2000;
    f.payment!.finishedAt = '2025-05-21T23:10:00Z';
  });
  const date = (source: ImportPolicy['documentDateSource'], timeZone?: string, order = late) =>
    ok(
      buildDocumentDraft(
        input(order, { lines: allMatched(order), policy: policy({ documentDateSource: source }), timeZone }),
      ),
    ).documentDate;

  test('order: the earliest purchase, in Warsaw time by default', () => {
    expect(date('order')).toBe('2025-05-14');
    expect(date('order', 'UTC')).toBe('2025-05-13');
  });

  test('payment: when the payment finished', () => {
    expect(date('payment')).toBe('2025-05-22');
  });

  test('payment not finished: the import date', () => {
    expect(
      date(
        'payment',
        undefined,
        changed(late, (f) => (f.payment!.finishedAt = null)),
      ),
    ).toBe('2025-06-02');
  });

  test('import: the import date', () => {
    expect(date('import')).toBe('2025-06-02');
  });
});

describe('warehouse', () => {
  const { form } = exampleForm('no-invoice-person.json');
  test('the operator default unless a symbol is configured', () => {
    expect(ok(buildDocumentDraft(input(form))).warehouseId).toBeNull();
    expect(ok(buildDocumentDraft(input(form, { policy: policy({ warehouseSymbol: 'allegro' }) }))).warehouseId).toBe(2);
  });
});

test('the draft is pure: the same input gives the same draft and the input is not changed', () => {
  const { form } = exampleForm('invoice-natural-person.json');
  const before = structuredClone(form);
  const a = buildDocumentDraft(input(form));
  const b = buildDocumentDraft(input(form));
  expect(a).toEqual(b);
  expect(form).toEqual(before);
});
