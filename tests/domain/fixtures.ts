/**
 * Test data for the pure order logic: the shared Allegro example forms, a fake Optima
 * reference (the demo catalogue's payment forms and delivery services) and a policy.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CheckoutFormListSchema } from '../../domain/allegro';
import type { CheckoutForm } from '../../domain/allegro';
import type { DraftInput, DraftResult, LineMatch } from '../../domain/draft';
import type { ContractorRef, DocumentDraft, ImportPolicy, OptimaReferenceData, ProductRef } from '../../domain/types';
import { DEMO_DELIVERY_METHODS, DEMO_PAYMENT_FORMS, DEMO_PAYMENT_MAPPINGS } from '../../dev/catalogue';

export const EXAMPLES = path.resolve(__dirname, '../../../shared/reference/allegro/examples');

interface RawPrice {
  amount: string;
  currency: string;
}

/** The parts of a form as Allegro sent it (JSON) that the tests add up themselves. */
export interface RawForm {
  summary: { totalToPay: RawPrice };
  lineItems: { price: RawPrice; quantity: number; selectedAdditionalServices?: { price: RawPrice }[] | null }[];
  delivery?: { cost?: RawPrice | null } | null;
}

export interface ExampleForm {
  file: string;
  /** For figures computed independently of the parser. */
  raw: RawForm;
  form: CheckoutForm;
}

function jsonFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return jsonFiles(full);
    return e.name.endsWith('.json') ? [full] : [];
  });
}

/** Every checkout form in every shared example list (the peers' captures included). */
export function exampleForms(): ExampleForm[] {
  return jsonFiles(EXAMPLES).flatMap((file) => {
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as { checkoutForms?: RawForm[] };
    if (!json || !Array.isArray(json.checkoutForms)) return [];
    const raws = json.checkoutForms;
    const parsed = CheckoutFormListSchema.parse(json);
    return parsed.checkoutForms.map((form, i) => ({ file: path.relative(EXAMPLES, file), raw: raws[i], form }));
  });
}

export function exampleForm(fileEnd: string): ExampleForm {
  const found = exampleForms().find((e) => e.file.endsWith(fileEnd));
  if (!found) throw new Error(`no example ${fileEnd}`);
  return found;
}

/** "123.45" → 12345 by string surgery, independent of domain/money.ts. */
export function grosze(amount: string): number {
  const [whole, frac = ''] = amount.split('.');
  return Number(whole) * 100 + Number(frac.padEnd(2, '0'));
}

/** Delivery methods of the example forms that are not in the demo catalogue. */
export const EXAMPLE_DELIVERY_METHODS = [
  {
    methodId: '1fa56f79-4b6a-4821-a6f2-ca9c16d5c925',
    methodName: 'Allegro Paczkomaty InPost',
    serviceCode: 'DOST-PACZKOMAT',
  },
  {
    methodId: '08c15d0b-9b24-4b3f-89a8-7a2b502abe55',
    methodName: 'Allegro One Punkt, UPS',
    serviceCode: 'DOST-ONEBOX',
  },
];

export function policy(overrides: Partial<ImportPolicy> = {}): ImportPolicy {
  return {
    stage: 'READY_FOR_PROCESSING',
    // Different kinds for the two buyer types so that tests can tell which one was chosen.
    documentKindCompany: 'FS',
    documentKindPerson: 'RO',
    documentDateSource: 'order',
    productMatchOrder: ['link', 'ean', 'externalId', 'offerId', 'name'],
    productNotFound: 'create',
    productNotFoundAttribute: 'ALLEGRO_BRAK_KARTY',
    newProduct: { vatRate: 23, unit: 'szt', priceTypeNumber: 5 },
    checkContractorByNip: true,
    matchContractorByEmail: false,
    contractorCodeTemplate: { registered: '{login}', guest: 'GOSC-{orderId}' },
    paymentMappings: DEMO_PAYMENT_MAPPINGS.map((m) => ({ ...m })),
    deliveryMappings: [
      ...DEMO_DELIVERY_METHODS.map((m) => ({ methodId: m.id, methodName: m.name, serviceCode: m.optimaServiceCode })),
      ...EXAMPLE_DELIVERY_METHODS,
    ],
    surchargeServiceCode: SURCHARGE_SERVICE.code,
    // The docs' hand-made sample states 246.90 paid for 370.35 to pay; the shape tests build it
    // anyway. Tests of the paid check use the default (wait) explicitly.
    paidAmountMismatch: 'book',
    cancelledAfterDocument: 'annotate',
    markProcessing: false,
    licenceRetryDelaySeconds: 120,
    ...overrides,
  };
}

/** The service card surcharges are booked on. */
export const SURCHARGE_SERVICE: ProductRef = {
  id: 950,
  code: 'DOPLATA',
  name: 'Dopłata Allegro',
  unit: 'usł',
  vatRate: 23,
  isService: true,
};

export const reference: OptimaReferenceData = {
  paymentForms: DEMO_PAYMENT_FORMS.map((f, i) => ({ id: 10 + i, ...f })),
  deliveryServices: DEMO_DELIVERY_METHODS.map((m, i) => ({
    id: 900 + i,
    code: m.optimaServiceCode,
    name: m.optimaServiceName,
    unit: 'usł',
    vatRate: 23,
    isService: true,
  })).concat(SURCHARGE_SERVICE),
  warehouses: [
    { id: 1, symbol: 'MAGAZYN', name: 'Magazyn główny' },
    { id: 2, symbol: 'ALLEGRO', name: 'Magazyn Allegro' },
  ],
  defaultWarehouseId: 1,
  definitions: [
    { id: 1, symbol: 'RO', documentClass: 308, numbering: '@symbol/@numerS/@rok_kal' },
    { id: 2, symbol: 'FS', documentClass: 302, numbering: '@symbol/@numerS/@rok_kal' },
  ],
};

export const contractor: ContractorRef = { id: 501, code: 'ADAM_CEBULA', name: 'Adam Cebula', paymentFormId: 11 };

export function product(id: number, overrides: Partial<ProductRef> = {}): ProductRef {
  return { id, code: `TWR-${id}`, name: `Towar ${id}`, unit: 'szt', vatRate: 23, isService: false, ...overrides };
}

/** Every line matched to a product card (ids 100, 101, …). */
export function allMatched(form: CheckoutForm, vatRate = 23): LineMatch[] {
  return form.lineItems.map((l, i) => ({
    lineItemId: l.id,
    product: product(100 + i, { vatRate }),
    rule: 'ean' as const,
  }));
}

/** A deep copy of a form with changes applied (fixtures stay untouched). */
export function changed(form: CheckoutForm, change: (f: CheckoutForm) => void): CheckoutForm {
  const copy = structuredClone(form);
  change(copy);
  return copy;
}

/** The import instant of the draft tests (the 'import' date source). */
export const IMPORTED_AT = '2025-06-02T08:15:00.000Z';

/** A draft input for `form` with every line matched, the example contractor and reference data. */
export function draftInput(form: CheckoutForm, overrides: Partial<DraftInput> = {}): DraftInput {
  return {
    account: 'demo-seller',
    order: form,
    lines: allMatched(form),
    contractor,
    reference,
    policy: policy(),
    importedAt: IMPORTED_AT,
    ...overrides,
  };
}

/** The draft of an accepted result; a refusal fails the test with its code and message. */
export function draftOf(result: DraftResult): DocumentDraft {
  if (!result.ok) throw new Error(`expected a draft, got ${result.code}: ${result.message}`);
  return result.draft;
}
