/**
 * Issue 11: unusual but real checkout forms are booked exactly as paid, or wait for a person
 * with a reason code and the field named; never booked silently wrong.
 */
import type { CheckoutForm } from '../../domain/allegro';
import { contractorIdentity, fitsIdentity } from '../../domain/contractor';
import { buildDocumentDraft, CUT_MARKER, DESCRIPTION_MAX, type DraftInput, type DraftResult } from '../../domain/draft';
import { OrderRefusal } from '../../domain/errors';
import { generateNip } from '../../domain/nip';
import { checkMergedDocument, SURCHARGE_LINE_PREFIX } from '../../domain/settlement';
import type { DocumentDraft, ImportPolicy } from '../../domain/types';
import {
  allMatched,
  changed,
  contractor,
  exampleForm,
  policy,
  reference,
  SURCHARGE_SERVICE,
} from './fixtures';

const { form } = exampleForm('no-invoice-person.json'); // 20.00 + 10.99 delivery = 30.99, paid 30.99 online
const companyForm = exampleForm('qty4-4packages.json').form;

/** The safe defaults: a paid amount that differs waits. */
function safePolicy(overrides: Partial<ImportPolicy> = {}): ImportPolicy {
  const { paidAmountMismatch: _book, ...rest } = policy(overrides);
  return rest;
}

function input(order: CheckoutForm, overrides: Partial<DraftInput> = {}): DraftInput {
  return {
    account: 'demo-seller',
    order,
    lines: allMatched(order),
    contractor,
    reference,
    policy: safePolicy(),
    importedAt: '2025-06-02T08:15:00.000Z',
    ...overrides,
  };
}

function ok(result: DraftResult): DocumentDraft {
  if (!result.ok) throw new Error(`expected a draft, got ${result.code}: ${result.message}`);
  return result.draft;
}

function refusal(order: CheckoutForm, overrides: Partial<DraftInput> = {}) {
  const result = buildDocumentDraft(input(order, overrides));
  if (result.ok) throw new Error('expected a refusal, got a draft');
  expect(result.message).toContain(result.field);
  return result;
}

const surcharge = (amount: number | null) => ({
  id: 'c4b8d1a2-0000-4000-8000-000000000001',
  type: 'ONLINE',
  provider: 'PAYU',
  finishedAt: '2025-05-14T10:00:00.000Z',
  paidAmount: amount === null ? null : { amount, currency: 'PLN' },
});

test('the clean example is booked exactly', () => {
  expect(ok(buildDocumentDraft(input(form))).grossTotal).toBe(3099);
});

describe('1. surcharges', () => {
  const withSurcharge = changed(form, (f) => {
    f.surcharges = [surcharge(500)];
    f.summary.totalToPay.amount = 3599;
  });

  test('are booked as a service line on the configured card; the total is totalToPay', () => {
    const draft = ok(buildDocumentDraft(input(withSurcharge)));
    const line = draft.lines.find((l) => l.sourceLineId.startsWith(SURCHARGE_LINE_PREFIX))!;
    expect(line.productId).toBe(SURCHARGE_SERVICE.id);
    expect(line.grossValue).toBe(500);
    expect(draft.grossTotal).toBe(3599);
  });

  test('wait when no surcharge service is configured', () => {
    const r = refusal(withSurcharge, { policy: safePolicy({ surchargeServiceCode: undefined }) });
    expect(r.code).toBe('unbooked-surcharge');
    expect(r.reason).toBe('unmapped-surcharge');
    expect(r.field).toBe('surcharges[0]');
  });

  test('an unpaid surcharge waits', () => {
    const unpaid = changed(withSurcharge, (f) => (f.surcharges = [surcharge(null)]));
    expect(refusal(unpaid).field).toBe('surcharges[0].paidAmount');
  });
});

describe('4. paid vs to pay', () => {
  test('an online order paid partly waits with the difference', () => {
    const partly = changed(form, (f) => (f.payment!.paidAmount!.amount = 2000));
    const r = refusal(partly);
    expect(r.code).toBe('paid-differs');
    expect(r.field).toBe('payment.paidAmount');
    expect(r.message).toContain('10.99');
  });

  test('paid in another currency waits', () => {
    const euro = changed(form, (f) => (f.payment!.paidAmount!.currency = 'EUR'));
    expect(refusal(euro).field).toBe('payment.paidAmount.currency');
  });

  test('the reconciliation is named', () => {
    const prices = changed(form, (f) => {
      f.payment!.paidAmount!.amount = 2500;
      f.payment!.reconciliation = { amount: 599, currency: 'PLN' };
    });
    expect(refusal(prices).message).toContain('5.99');
  });

  test('import.paidAmountMismatch: book books the order figures', () => {
    const partly = changed(form, (f) => (f.payment!.paidAmount!.amount = 2000));
    expect(ok(buildDocumentDraft(input(partly, { policy: policy({ paidAmountMismatch: 'book' }) }))).grossTotal).toBe(3099);
  });

  test('cash on delivery (no paid amount yet) is booked', () => {
    const cod = changed(form, (f) => {
      f.payment!.type = 'CASH_ON_DELIVERY';
      f.payment!.provider = null;
      f.payment!.paidAmount = null;
    });
    expect(ok(buildDocumentDraft(input(cod))).grossTotal).toBe(3099);
  });
});

describe('5. and 10. implausible values', () => {
  const cases: [string, (f: CheckoutForm) => void, string, string][] = [
    ['a negative price', (f) => (f.lineItems[0].price.amount = -2000), 'negative-amount', 'lineItems[0].price.amount'],
    ['a negative delivery cost', (f) => (f.delivery!.cost!.amount = -1099), 'negative-amount', 'delivery.cost.amount'],
    ['1.5 pieces', (f) => (f.lineItems[0].quantity = 1.5), 'quantity-not-whole', 'lineItems[0].quantity'],
    ['1.00005 pieces', (f) => (f.lineItems[0].quantity = 1.00005), 'quantity-not-whole', 'lineItems[0].quantity'],
    [
      '100 billion PLN',
      (f) => {
        f.lineItems[0].price.amount = 10_000_000_000_000;
        f.summary.totalToPay.amount = 10_000_000_001_099;
      },
      'amount-out-of-range',
      'summary.totalToPay.amount',
    ],
    ['a VAT rate with three decimals', (f) => (f.lineItems[0].tax = { rate: '22.995' }), 'unknown-vat-rate', 'lineItems[0].tax.rate'],
    ['a VAT rate no country has', (f) => (f.lineItems[0].tax = { rate: '31.00' }), 'unknown-vat-rate', 'lineItems[0].tax.rate'],
    ['an unparsable boughtAt', (f) => (f.lineItems[0].boughtAt = 'yesterday'), 'invalid-date', 'lineItems[0].boughtAt'],
    ['a year before 1000', (f) => (f.lineItems[0].boughtAt = '0999-05-01T10:00:00Z'), 'invalid-date', 'lineItems[0].boughtAt'],
    ['a bad currency code', (f) => (f.summary.totalToPay.currency = 'zł'), 'invalid-currency', 'summary.totalToPay.currency'],
  ];
  test.each(cases)('%s is refused with its code and field', (_name, change, code, field) => {
    const r = refusal(changed(form, change));
    expect(r.code).toBe(code);
    expect(r.field).toBe(field);
    expect(r.reason).toBe('invalid-order-data');
  });

  test('a NIP with a bad checksum waits rather than reach the document or a new card', () => {
    const badNip = changed(companyForm, (f) => (f.invoice!.address!.company!.ids![0].value = '1273168912'));
    const r = refusal(badNip);
    expect(r.code).toBe('invalid-nip');
    expect(r.field).toBe('invoice.address.company.ids[0].value');
  });
});

describe('6. dates', () => {
  test('a payment date before year 1000 is refused, not formatted as 999-05-01', () => {
    const old = changed(form, (f) => (f.payment!.finishedAt = '0999-05-01T10:00:00Z'));
    const r = refusal(old, { policy: safePolicy({ documentDateSource: 'payment' }) });
    expect(r.code).toBe('invalid-date');
    expect(r.field).toBe('payment.finishedAt');
  });
});

describe('7. product sets', () => {
  const set = changed(form, (f) => {
    f.lineItems[0].offer.productSet = { products: [{ id: 'A', quantity: 2 }, { id: 'B', quantity: 3 }] };
  });

  test('a set on a card created from the offer waits', () => {
    const lines = allMatched(set).map((m) => ({ ...m, rule: 'created' as const }));
    const r = refusal(set, { lines });
    expect(r.code).toBe('product-set');
    expect(r.field).toBe('lineItems[0].offer.productSet');
  });

  test("a set found by the offer's own identity is one line", () => {
    const lines = allMatched(set).map((m) => ({ ...m, rule: 'link' as const }));
    expect(ok(buildDocumentDraft(input(set, { lines }))).grossTotal).toBe(3099);
  });
});

describe('8. pickup points', () => {
  test("a company recipient's person is kept; the point goes to the description", () => {
    const atCompany = changed(form, (f) => (f.delivery!.address!.companyName = 'Firma Sp. z o.o.'));
    const draft = ok(buildDocumentDraft(input(atCompany)));
    expect(draft.recipient.name).toBe('Firma Sp. z o.o.');
    expect(draft.recipient.name2).toBe('Kamil Nowak');
    expect(draft.description).toContain('AL002LUB');
  });
});

describe("9. the buyer's message", () => {
  test('cut to TrN_Opis with a visible marker', () => {
    const long = changed(form, (f) => (f.messageToSeller = 'x'.repeat(3000)));
    const draft = ok(buildDocumentDraft(input(long)));
    expect(draft.description.length).toBe(DESCRIPTION_MAX);
    expect(draft.description.endsWith(CUT_MARKER)).toBe(true);
  });
});

describe('2. merged payments', () => {
  const document = { number: 'RO/1/2025', grossTotal: 3099 };

  const merged = { orderId: 'new-form', lineIds: ['old-line', 'new-line'], totalToPay: { amount: 3099, currency: 'PLN' } };

  test('a document covering the lines and total is adopted', () => {
    expect(() => checkMergedDocument(merged, document, [])).not.toThrow();
  });

  test('more lines than the document wait with the lines named', () => {
    const refuse = () => checkMergedDocument(merged, document, ['new-line']);
    expect(refuse).toThrow(OrderRefusal);
    expect(refuse).toThrow(/lineItems\[1\]\.id.*new-line/);
  });

  test('a different total waits with the difference', () => {
    const bigger = { ...merged, totalToPay: { amount: 4099, currency: 'PLN' } };
    expect(() => checkMergedDocument(bigger, document, [])).toThrow(/summary\.totalToPay.*10\.00/);
  });
});

describe('3. contractor identity', () => {
  const privately = changed(companyForm, (f) => (f.invoice = null));
  const otherCompany = changed(companyForm, (f) => (f.invoice!.address!.company!.ids![0].value = generateNip(7)));

  test('one Allegro buyer: the person and each NIP have their own link keys', () => {
    const keys = [privately, companyForm, otherCompany].map((f) => contractorIdentity(f, 'shop', policy()).linkKey);
    expect(new Set(keys).size).toBe(3);
    expect(keys[0]).toBe(`buyer:shop:${companyForm.buyer.id}`);
    expect(keys[1]).toBe(`buyer:shop:${companyForm.buyer.id}:nip:1273168911`);
  });

  test('a card fits only the identity it is for', () => {
    const person = contractorIdentity(privately, 'shop', policy());
    const company = contractorIdentity(companyForm, 'shop', policy());
    const privateCard = { id: 1, code: 'KOWALSKI', name: 'Jan Kowalski' };
    const companyCard = { id: 2, code: 'FIRMA', name: 'Firma', nip: '127-316-89-11' };
    expect(fitsIdentity(privateCard, person)).toBe(true);
    expect(fitsIdentity(companyCard, person)).toBe(false);
    expect(fitsIdentity(companyCard, company)).toBe(true);
    expect(fitsIdentity(privateCard, company)).toBe(false);
  });
});
