/**
 * Property testing of the pure path checkout form → document draft (issue 11): fast-check
 * generators of checkout forms, valid and mutated, over stubbed Optima reference data, and the
 * judge of one case. Shared by tests/domain/draft.property.test.ts (short run) and
 * scripts/fuzz.ts (long runs).
 */
import fc from 'fast-check';
import type { CheckoutForm } from '../../domain/allegro';
import { buildDocumentDraft, dateInZone, DEFAULT_TIME_ZONE, type LineMatch } from '../../domain/draft';
import { generateNip } from '../../domain/nip';
import type { ContractorRef, DocumentDraft, ImportPolicy, OptimaReferenceData } from '../../domain/types';

const METHOD_ID = 'b20ef9e1-faa2-4f25-9032-adbea23e5cb9';
const IMPORTED_AT = '2031-01-01T12:00:00.000Z';

export const FUZZ_REFERENCE: OptimaReferenceData = {
  paymentForms: [
    { id: 10, name: 'Przelew Allegro', type: 'transfer', dueDays: 0 },
    { id: 11, name: 'Za pobraniem', type: 'cash', dueDays: 0 },
  ],
  deliveryServices: [
    { id: 900, code: 'DOST-KURIER', name: 'Kurier', unit: 'usł', vatRate: 23, isService: true },
    { id: 950, code: 'DOPLATA', name: 'Dopłata', unit: 'usł', vatRate: 23, isService: true },
  ],
  warehouses: [{ id: 1, symbol: 'MAGAZYN', name: 'Magazyn' }],
  defaultWarehouseId: 1,
  definitions: [],
};

export const FUZZ_POLICY: ImportPolicy = {
  stage: 'READY_FOR_PROCESSING',
  documentKindCompany: 'FS',
  documentKindPerson: 'RO',
  documentDateSource: 'order',
  productMatchOrder: ['link', 'ean', 'externalId', 'offerId', 'name'],
  productNotFound: 'create',
  productNotFoundAttribute: 'ALLEGRO_BRAK_KARTY',
  newProduct: { vatRate: 23, unit: 'szt', priceTypeNumber: 4 },
  checkContractorByNip: true,
  matchContractorByEmail: false,
  contractorCodeTemplate: { registered: '{login}', guest: 'GOSC-{orderId}' },
  paymentMappings: [
    { type: 'ONLINE', paymentForm: 'Przelew Allegro' },
    { type: 'CASH_ON_DELIVERY', paymentForm: 'Za pobraniem' },
  ],
  deliveryMappings: [{ methodId: METHOD_ID, serviceCode: 'DOST-KURIER' }],
  surchargeServiceCode: 'DOPLATA',
  cancelledAfterDocument: 'annotate',
  markProcessing: false,
  licenceRetryDelaySeconds: 120,
};

const CONTRACTOR: ContractorRef = { id: 501, code: 'KUPUJACY', name: 'Kupujący' };

/** Mutations that make a form wrong in a way that must be refused (never booked). */
export const MUTATIONS = [
  'none',
  'negative-price',
  'negative-delivery',
  'fractional-quantity',
  'huge-amount',
  'odd-vat-rate',
  'bad-date',
  'ancient-date',
  'partly-paid',
  'paid-other-currency',
  'bad-nip',
  'total-off',
  'unpaid-surcharge',
] as const;
export type Mutation = (typeof MUTATIONS)[number];

export interface FuzzCase {
  form: CheckoutForm;
  mutation: Mutation;
}

const isoInstant = fc
  .integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2030, 11, 31) })
  .map((t) => new Date(t).toISOString());

const lineArb = fc.record({
  quantity: fc.integer({ min: 1, max: 50 }),
  price: fc.integer({ min: 0, max: 2_000_000 }),
  rate: fc.constantFrom('23.00', '8.00', '5.00', '0.00', '21.00', null),
  service: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: null }),
  boughtAt: isoInstant,
  set: fc.boolean(),
});

const formArb = fc.record({
  id: fc.uuid(),
  lines: fc.array(lineArb, { minLength: 1, maxLength: 4 }),
  deliveryCost: fc.integer({ min: 0, max: 5000 }),
  surcharges: fc.array(fc.integer({ min: 1, max: 10_000 }), { maxLength: 2 }),
  surchargesInTotal: fc.boolean(),
  cod: fc.boolean(),
  invoice: fc.constantFrom('none', 'company', 'person'),
  nipSeed: fc.nat(),
  message: fc.option(fc.string({ maxLength: 1500 }), { nil: null }),
  pickup: fc.boolean(),
  paidAt: isoInstant,
  // Half of the forms stay valid, so the accepted path is exercised as much as the refusals.
  mutation: fc.oneof(
    { arbitrary: fc.constant<Mutation>('none'), weight: 1 },
    { arbitrary: fc.constantFrom(...MUTATIONS.filter((m) => m !== 'none')), weight: 1 },
  ),
  pick: fc.nat(),
  amount: fc.integer({ min: 1, max: 1_000_000 }),
});

type FormSeed = typeof formArb extends fc.Arbitrary<infer T> ? T : never;

const money = (amount: number) => ({ amount, currency: 'PLN' });

function formFrom(s: FormSeed): CheckoutForm {
  const goods = s.lines.reduce((sum, l) => sum + l.price * l.quantity + (l.service ?? 0), 0);
  const extra = s.surcharges.reduce((sum, a) => sum + a, 0);
  const toPay = goods + s.deliveryCost + (s.surchargesInTotal ? extra : 0);
  return {
    id: s.id,
    messageToSeller: s.message,
    buyer: { id: '4242', email: 'x@allegromail.pl', login: 'kupujacy', guest: false, firstName: 'Jan', lastName: 'Nowak' },
    payment: {
      id: 'p-1',
      type: s.cod ? 'CASH_ON_DELIVERY' : 'ONLINE',
      provider: s.cod ? null : 'PAYU',
      finishedAt: s.paidAt,
      paidAmount: s.cod ? null : money(toPay - (s.surchargesInTotal ? extra : 0)),
    },
    status: 'READY_FOR_PROCESSING',
    delivery: {
      address: { firstName: 'Jan', lastName: 'Nowak', street: 'Polna 1', city: 'Kraków', zipCode: '30-001', countryCode: 'PL' },
      method: { id: METHOD_ID, name: 'Kurier' },
      cost: money(s.deliveryCost),
      ...(s.pickup ? { pickupPoint: { id: 'KRA01M', name: 'Paczkomat KRA01M' } } : {}),
    },
    invoice:
      s.invoice === 'none'
        ? null
        : {
            required: true,
            address: {
              street: 'Polna 1',
              city: 'Kraków',
              zipCode: '30-001',
              countryCode: 'PL',
              ...(s.invoice === 'company'
                ? { company: { name: 'Firma', ids: [{ type: 'PL_NIP', value: generateNip(s.nipSeed) }] } }
                : { naturalPerson: { firstName: 'Jan', lastName: 'Nowak' } }),
            },
          },
    lineItems: s.lines.map((l, i) => ({
      id: `line-${i}`,
      offer: {
        id: `offer-${i}`,
        name: `Oferta ${i}`,
        ...(l.set ? { productSet: { products: [{ id: 'A', quantity: 2 }, { id: 'B', quantity: 3 }] } } : {}),
      },
      quantity: l.quantity,
      originalPrice: money(l.price),
      price: money(l.price),
      tax: { rate: l.rate },
      selectedAdditionalServices: l.service === null ? [] : [{ definitionId: 'GIFT', name: 'Pakowanie', price: money(l.service) }],
      boughtAt: l.boughtAt,
    })),
    surcharges: s.surcharges.map((a, i) => ({
      id: `s-${i}`,
      type: 'ONLINE',
      provider: 'PAYU',
      finishedAt: s.paidAt,
      paidAmount: money(a),
    })),
    summary: { totalToPay: money(toPay) },
    updatedAt: s.paidAt,
  };
}

function mutate(form: CheckoutForm, s: FormSeed): void {
  const line = form.lineItems[s.pick % form.lineItems.length];
  const total = form.summary.totalToPay;
  switch (s.mutation) {
    case 'none':
      return;
    case 'negative-price':
      line.price.amount = -s.amount;
      return;
    case 'negative-delivery':
      form.delivery!.cost!.amount = -s.amount;
      return;
    case 'fractional-quantity':
      line.quantity += [0.5, 0.00005, 0.25][s.pick % 3];
      return;
    case 'huge-amount':
      line.price.amount = 10_000_000_000_000;
      total.amount += 10_000_000_000_000 * line.quantity;
      return;
    case 'odd-vat-rate':
      line.tax = { rate: ['22.995', '31.00', '-5', '23.5.0'][s.pick % 4] };
      return;
    case 'bad-date':
      line.boughtAt = ['yesterday', '2025-13-45T00:00:00Z', ''][s.pick % 3];
      return;
    case 'ancient-date':
      line.boughtAt = '0999-05-01T10:00:00Z';
      return;
    case 'partly-paid':
      if (form.payment?.paidAmount) form.payment.paidAmount.amount -= s.amount;
      else form.payment = { ...form.payment!, type: 'ONLINE', provider: 'PAYU', paidAmount: money(total.amount - s.amount) };
      return;
    case 'paid-other-currency':
      form.payment = { ...form.payment!, type: 'ONLINE', provider: 'PAYU', paidAmount: { amount: total.amount, currency: 'EUR' } };
      return;
    case 'bad-nip':
      form.invoice = {
        required: true,
        address: { street: 'Polna 1', city: 'Kraków', zipCode: '30-001', countryCode: 'PL', company: { name: 'Firma', ids: [{ type: 'PL_NIP', value: '1234567890' }] } },
      };
      return;
    case 'total-off':
      // Larger than any surcharge, so it cannot pass for one.
      total.amount += (s.pick % 2 === 0 ? 1 : -1) * (20_001 + (s.pick % 7));
      return;
    case 'unpaid-surcharge':
      form.surcharges = [...(form.surcharges ?? []), { id: 's-unpaid', type: 'ONLINE', paidAmount: null }];
      return;
  }
}

export const fuzzCaseArb: fc.Arbitrary<FuzzCase> = formArb.map((s) => {
  const form = formFrom(s);
  mutate(form, s);
  return { form, mutation: s.mutation };
});

export type Outcome =
  | { kind: 'accepted' }
  | { kind: 'refused'; code: string }
  | { kind: 'crash'; detail: string }
  | { kind: 'violation'; detail: string };

/** VAT in a gross amount, by BigInt, independent of domain/money.ts: half away from zero. */
function vatOf(gross: number, rate: number): number {
  const r = BigInt(Math.round(rate * 100));
  const g = BigInt(gross);
  const num = g * r * 2n;
  const den = (10000n + r) * 2n;
  return Number((num + den / 2n) / den);
}

function violations(c: FuzzCase, draft: DocumentDraft): string[] {
  const { form } = c;
  const out: string[] = [];
  if (c.mutation !== 'none') out.push(`mutation ${c.mutation} was booked`);
  const sum = draft.lines.reduce((s, l) => s + l.grossValue, 0);
  if (sum !== draft.grossTotal) out.push(`Σ lines ${sum} ≠ header ${draft.grossTotal}`);
  const surcharges = draft.lines.filter((l) => l.sourceLineId.startsWith('surcharge:')).reduce((s, l) => s + l.grossValue, 0);
  const toPay = form.summary.totalToPay.amount;
  if (draft.grossTotal !== toPay && draft.grossTotal !== toPay + surcharges)
    out.push(`total ${draft.grossTotal} ≠ totalToPay ${toPay} (+ surcharges ${surcharges})`);
  const paid = form.payment?.paidAmount;
  if (paid) {
    const paidTotal = paid.amount + (form.surcharges ?? []).reduce((s, x) => s + (x.paidAmount?.amount ?? 0), 0);
    if (paidTotal !== draft.grossTotal) out.push(`paid ${paidTotal} ≠ booked ${draft.grossTotal}`);
  }
  for (const l of draft.lines) {
    if (l.grossValue < 0 || l.unitGross < 0) out.push(`negative line ${l.sourceLineId}`);
    if (l.unitGross * l.quantity !== l.grossValue) out.push(`line ${l.sourceLineId}: ${l.unitGross} × ${l.quantity} ≠ ${l.grossValue}`);
  }
  const byRate = new Map<number, number>();
  for (const l of draft.lines) byRate.set(l.vatRate, (byRate.get(l.vatRate) ?? 0) + l.grossValue);
  if (byRate.size !== draft.vat.length) out.push('VAT rows do not match the rates of the lines');
  for (const row of draft.vat) {
    if (row.gross !== byRate.get(row.vatRate)) out.push(`VAT ${row.vatRate}%: gross ${row.gross} ≠ lines`);
    if (row.vat !== vatOf(row.gross, row.vatRate)) out.push(`VAT ${row.vatRate}%: ${row.vat} ≠ ${vatOf(row.gross, row.vatRate)}`);
    if (row.net + row.vat !== row.gross || row.net < 0 || row.vat < 0) out.push(`VAT ${row.vatRate}%: net/vat wrong`);
  }
  const instants = [
    ...form.lineItems.map((l) => l.boughtAt),
    form.payment?.finishedAt,
    form.updatedAt,
    IMPORTED_AT,
  ].filter((d): d is string => !!d);
  const dates = instants.map((d) => dateInZone(d, DEFAULT_TIME_ZONE)).filter((d): d is string => !!d).sort();
  if (draft.documentDate < dates[0] || draft.documentDate > dates[dates.length - 1])
    out.push(`date ${draft.documentDate} outside the form's dates`);
  return out;
}

/** Builds the draft of one case and judges it; never throws. */
export function judge(c: FuzzCase): Outcome {
  const lines: LineMatch[] = c.form.lineItems.map((l, i) => ({
    lineItemId: l.id,
    product: { id: 100 + i, code: `TWR-${i}`, name: l.offer.name, unit: 'szt', vatRate: 23, isService: false },
    rule: 'offerId',
  }));
  let result;
  try {
    result = buildDocumentDraft({
      account: 'fuzz',
      order: c.form,
      lines,
      contractor: CONTRACTOR,
      reference: FUZZ_REFERENCE,
      policy: FUZZ_POLICY,
      importedAt: IMPORTED_AT,
    });
  } catch (e) {
    return { kind: 'crash', detail: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
  if (!result.ok) {
    if (!result.code || !result.field || !result.message.includes(result.field))
      return { kind: 'violation', detail: `refusal without code or field: ${JSON.stringify(result)}` };
    // A valid form (no mutation) must be booked.
    if (c.mutation === 'none') return { kind: 'violation', detail: `valid form refused: ${result.message}` };
    return { kind: 'refused', code: result.code };
  }
  const found = violations(c, result.draft);
  return found.length > 0 ? { kind: 'violation', detail: found.join('; ') } : { kind: 'accepted' };
}
