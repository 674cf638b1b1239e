/**
 * Documents in CZK, EUR and HUF (the NBP rate, PLN amounts converted once, exactly) and what
 * an accountant needs on an FS or PA: due date, KSeF, fiscal and split-payment flags, OSS, and
 * the One Fulfillment warehouse.
 */
import type { CheckoutForm } from '../../domain/allegro';
import { dueDate, taxPointDate } from '../../domain/document-dates';
import { buildDocumentDraft } from '../../domain/draft';
import type { ExchangeRate } from '../../domain/exchange-rates';
import { linesInPln, optimaRate, vatRowsInPln } from '../../domain/foreign-currency';
import type { ImportPolicy } from '../../domain/types';
import { vatTable } from '../../domain/vat';
import { changed, draftInput as input, draftOf as ok, exampleForm, IMPORTED_AT, policy } from './fixtures';

const CZK_RATE: ExchangeRate = {
  currency: 'CZK',
  rate: '0.1712',
  tableNumber: '91/A/NBP/2025',
  effectiveDate: '2025-05-13',
};

/** The example order (20.00 + delivery 10.99 = 30.99) with every amount in `currency`, same digits. */
function inCurrency(form: CheckoutForm, currency: string, marketplace: string): CheckoutForm {
  return changed(form, (f) => {
    f.marketplace = { id: marketplace };
    for (const l of f.lineItems) {
      l.price.currency = currency;
      l.originalPrice.currency = currency;
    }
    f.delivery!.cost!.currency = currency;
    f.summary.totalToPay.currency = currency;
    if (f.payment?.paidAmount) f.payment.paidAmount.currency = currency;
  });
}

const person = exampleForm('no-invoice-person.json').form;
// Allegro's documentation sample: a company invoice; its surcharge is left out of totalToPay.
const company = changed(
  exampleForm('docs-response-sample.json').form,
  (f) => (f.summary.totalToPay.amount = 3 * 12345),
);

describe('a CZK order', () => {
  const czk = inCurrency(person, 'CZK', 'allegro-cz');
  const draft = ok(buildDocumentDraft(input(czk, { exchangeRate: CZK_RATE, taxPointDate: '2025-05-14' })));

  test("keeps Allegro's amounts in CZK and converts the VAT table once (worked by hand)", () => {
    expect(draft.currency).toBe('CZK');
    expect(draft.grossTotal).toBe(3099);
    // 30.99 CZK at 23 %: VAT 5.79, net 25.20; in PLN: 25.20 × 0.1712 = 4.31, 5.79 × 0.1712 = 0.99.
    expect(draft.vat).toEqual([{ vatRate: 23, net: 2520, vat: 579, gross: 3099 }]);
    expect(draft.exchange).toMatchObject({
      rate: '0.1712',
      kursL: 0.1712,
      kursM: 1,
      kursNumer: 3,
      tableNumber: '91/A/NBP/2025',
      effectiveDate: '2025-05-13',
      taxPointDate: '2025-05-14',
      vatPln: [{ vatRate: 23, net: 431, vat: 99, gross: 530 }],
      grossTotalPln: 530,
    });
    // 20.00 → 3.42; the running total 30.99 → 5.31, less the row's 1 grosz of rounding: 1.88.
    expect(draft.exchange!.linesGrossPln).toEqual([342, 188]);
  });

  test('names the rate and its table in the description', () => {
    expect(draft.description.split('\n')[0]).toBe(
      'Kurs średni NBP 0.1712 PLN/CZK, tabela 91/A/NBP/2025 z dnia 2025-05-13 (ostatni dzień roboczy przed 2025-05-14).',
    );
  });

  test('without a rate it is refused, naming the currency field', () => {
    const r = buildDocumentDraft(input(czk));
    expect(r).toMatchObject({ ok: false, code: 'invalid-currency', field: 'summary.totalToPay.currency' });
  });

  test('a rate of another currency is refused too', () => {
    const eur = { ...CZK_RATE, currency: 'EUR' };
    expect(buildDocumentDraft(input(czk, { exchangeRate: eur, taxPointDate: '2025-05-14' })).ok).toBe(false);
  });
});

describe('rates as Optima keeps them', () => {
  test.each([
    ['4.2345', 4.2345, 1],
    ['0.1712', 0.1712, 1],
    ['0.010987', 1.0987, 100],
    ['3.9', 3.9, 1],
  ])('%s → KursL %d / KursM %d', (rate, kursL, kursM) => {
    expect(optimaRate(rate)).toEqual({ kursL, kursM });
  });

  test('lines in PLN add up to the VAT table in PLN per rate, whatever the amounts', () => {
    let seed = 12345;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let run = 0; run < 500; run++) {
      const lines = Array.from({ length: 1 + next(6) }, () => ({
        vatRate: [23, 8, 5, 0, 21][next(5)],
        grossValue: 1 + next(2_000_000),
      }));
      const rate = ['4.2345', '0.1712', '0.010987', '0.2399'][next(4)];
      const vatPln = vatRowsInPln(vatTable(lines), rate);
      const pln = linesInPln(lines, vatPln, rate);
      for (const row of vatPln) {
        const sum = lines.reduce((s, l, i) => s + (l.vatRate === row.vatRate ? pln[i] : 0), 0);
        expect(sum).toBe(row.gross);
      }
    }
  });
});

describe('tax point and due date', () => {
  test("'payment': the day the buyer paid, in Warsaw; 'documentDate': the document date", () => {
    const paidLate = changed(person, (f) => (f.payment!.finishedAt = '2025-05-13T22:30:00Z'));
    const p = policy({ documentDateSource: 'import' });
    expect(taxPointDate({ order: paidLate, policy: p, importedAt: IMPORTED_AT })).toBe('2025-05-14');
    expect(taxPointDate({ order: paidLate, policy: { ...p, taxPoint: 'documentDate' }, importedAt: IMPORTED_AT })).toBe(
      '2025-06-02',
    );
  });

  test('paid online: the document date; cash on delivery and EXTENDED_TERM: the configured days', () => {
    const p = policy({ dueDays: { cashOnDelivery: 3, deferred: 30 } });
    expect(dueDate(person, p, '2025-12-30')).toBe('2025-12-30');
    const cod = changed(person, (f) => (f.payment!.type = 'CASH_ON_DELIVERY'));
    expect(dueDate(cod, p, '2025-12-30')).toBe('2026-01-02');
    const deferred = changed(person, (f) => (f.payment!.type = 'EXTENDED_TERM'));
    expect(dueDate(deferred, p, '2025-12-30')).toBe('2026-01-29');
    // The document date is the purchase, 2025-05-13 in Warsaw.
    expect(ok(buildDocumentDraft(input(cod, { policy: p }))).dueDate).toBe('2025-05-16');
    expect(ok(buildDocumentDraft(input(person, { policy: p }))).dueDate).toBe('2025-05-13');
  });
});

describe('FS and PA flags', () => {
  const kinds = (kind: 'FS' | 'PA', over: Partial<ImportPolicy> = {}) =>
    policy({ documentKindCompany: kind, documentKindPerson: kind, ...over });

  test('a PA is fiscal by default, not when configured so; an RO never', () => {
    expect(ok(buildDocumentDraft(input(person, { policy: kinds('PA') }))).flags.fiscal).toBe(true);
    expect(ok(buildDocumentDraft(input(person, { policy: kinds('PA', { receiptFiscal: false }) }))).flags.fiscal).toBe(
      false,
    );
    expect(ok(buildDocumentDraft(input(person))).flags.fiscal).toBe(false);
  });

  test("an FS to a private buyer is kept out of KSeF only when configured; a company's never", () => {
    const b2c = kinds('FS', { ksefB2cNotSend: true });
    expect(ok(buildDocumentDraft(input(person, { policy: kinds('FS') }))).flags.ksefNotSend).toBe(false);
    expect(ok(buildDocumentDraft(input(person, { policy: b2c }))).flags.ksefNotSend).toBe(true);
    expect(ok(buildDocumentDraft(input(company, { policy: b2c }))).flags.ksefNotSend).toBe(false);
  });

  test('split payment on an FS to a company from 15,000.00 PLN gross, not below, not when off', () => {
    const big = (amount: string) =>
      changed(company, (f) => {
        const delivery = f.delivery?.cost?.amount ?? 0;
        f.lineItems = [{ ...f.lineItems[0], quantity: 1, selectedAdditionalServices: [] }];
        f.surcharges = [];
        f.lineItems[0].price.amount = Math.round(Number(amount) * 100) - delivery;
        f.summary.totalToPay.amount = Math.round(Number(amount) * 100);
        if (f.payment?.paidAmount) f.payment.paidAmount.amount = f.summary.totalToPay.amount;
      });
    const fs = kinds('FS');
    expect(ok(buildDocumentDraft(input(big('15000.00'), { policy: fs }))).flags.splitPayment).toBe(true);
    expect(ok(buildDocumentDraft(input(big('14999.99'), { policy: fs }))).flags.splitPayment).toBe(false);
    const off = kinds('FS', { splitPayment: 'never' });
    expect(ok(buildDocumentDraft(input(big('15000.00'), { policy: off }))).flags.splitPayment).toBe(false);
  });

  test('OSS on the configured marketplaces, for consumers only', () => {
    const czk = inCurrency(person, 'CZK', 'allegro-cz');
    const rated = { exchangeRate: CZK_RATE, taxPointDate: '2025-05-14' };
    const oss = policy({ ossMarketplaces: ['allegro-cz'] });
    expect(ok(buildDocumentDraft(input(czk, { ...rated, policy: oss }))).flags.oss).toBe(true);
    expect(ok(buildDocumentDraft(input(czk, rated))).flags.oss).toBe(false);
    expect(ok(buildDocumentDraft(input(person, { policy: oss }))).flags.oss).toBe(false);
  });
});

describe('One Fulfillment', () => {
  const shippedByAllegro = changed(person, (f) => (f.fulfillment = { status: 'NEW', provider: { id: 'ALLEGRO' } }));

  test('an order shipped by Allegro takes the configured warehouse; others keep theirs', () => {
    const p = policy({ fulfillmentWarehouseSymbol: 'allegro' });
    expect(ok(buildDocumentDraft(input(shippedByAllegro, { policy: p }))).warehouseId).toBe(2);
    expect(ok(buildDocumentDraft(input(person, { policy: p }))).warehouseId).toBeNull();
    expect(ok(buildDocumentDraft(input(shippedByAllegro))).warehouseId).toBeNull();
  });

  test('a configured warehouse Optima does not have is refused, naming the setting', () => {
    const r = buildDocumentDraft(input(shippedByAllegro, { policy: policy({ fulfillmentWarehouseSymbol: 'NOPE' }) }));
    expect(r).toMatchObject({ ok: false, field: 'import.fulfillmentWarehouseSymbol' });
  });
});
