/**
 * One checkout form → one Optima document draft (PRODUCT.md, journey step 4). Pure and
 * deterministic (no clock, no I/O), so the workflow may call it and tests need no Optima.
 *
 * The document carries Allegro's values: gross unit prices as sold, the delivery cost as a
 * service line, and a gross total equal to `summary.totalToPay` to the grosz; anything
 * that would make it differ stops the order for a person instead of writing a wrong document.
 */
import type { CheckoutForm, CheckoutFormLineItem } from './allegro';
import { buyerParty, personName } from './contractor';
import { OrderRefusal, type NeedsPersonReason, type RefusalCode } from './errors';
import { findDeliveryMapping, findPaymentMapping, findWarehouse, sameText } from './mappings';
import { formatMinor, lineValue } from './money';
import { checkOrderValues } from './order-checks';
import { isProductSet, parseVatRate } from './products';
import { checkPaid, surchargeLines } from './settlement';
import { vatTable } from './vat';
import type {
  ContractorRef,
  DocumentDateSource,
  DocumentDraft,
  DocumentLineDraft,
  ImportPolicy,
  Minor,
  OptimaReferenceData,
  PartyCopy,
  PaymentFormRef,
  ProductMatchRule,
  ProductRef,
} from './types';

export interface LineMatch {
  lineItemId: string;
  product: ProductRef | null;
  rule: ProductMatchRule;
}

export interface DraftInput {
  account: string;
  order: CheckoutForm;
  lines: LineMatch[];
  contractor: ContractorRef;
  reference: OptimaReferenceData;
  policy: ImportPolicy;
  /** ISO instant of the import; the date source 'import'. */
  importedAt: string;
  /** IANA zone the document date is taken in; default Europe/Warsaw. */
  timeZone?: string;
  /** Version of the settings `policy` came from: recorded in policy.settingsVersionAttribute. */
  settingsVersion?: string;
}

export type DraftResult =
  | { ok: true; draft: DocumentDraft }
  | { ok: false; reason: NeedsPersonReason; code: RefusalCode; field: string; message: string };

export const DEFAULT_TIME_ZONE = 'Europe/Warsaw';
/** sourceLineId of the delivery cost line. */
export const DELIVERY_LINE_ID = 'delivery';
/** DAt_WartoscTxt is nvarchar(1024). */
const ATTRIBUTE_MAX = 1024;
/** TrN_Opis is nvarchar(1024). */
export const DESCRIPTION_MAX = 1024;
/** Marks text cut to its column. */
export const CUT_MARKER = '…';

/** A refusal whose code is its reason; thrown inside the builder, returned as a DraftResult. */
class Refusal extends OrderRefusal {
  constructor(reason: NeedsPersonReason, field: string, message: string) {
    super(reason, reason, field, message);
  }
}

/** FPl_Nazwa is unique and compared case-insensitively (Polish_CI_AS collation). */
export function paymentFormIdByName(forms: PaymentFormRef[], name: string): number | undefined {
  return forms.find((f) => sameText(f.name, name))?.id;
}

/** YYYY-MM-DD of an instant in a time zone, or null when the instant does not parse. */
export function dateInZone(iso: string, timeZone: string): string | null {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(t);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/**
 * The instant the document date comes from: 'order' = the earliest purchase of its lines
 * (else the form's last update), 'payment' = payment.finishedAt (not finished yet: the
 * import), 'import' = the import.
 */
export function documentDateInstant(order: CheckoutForm, source: DocumentDateSource, importedAt: string): string {
  if (source === 'payment') return order.payment?.finishedAt ?? importedAt;
  if (source === 'order') {
    const bought = order.lineItems
      .map((l) => l.boughtAt)
      .filter((b): b is string => !!b && !Number.isNaN(Date.parse(b)))
      .sort((a, b) => Date.parse(a) - Date.parse(b));
    return bought[0] ?? order.updatedAt ?? importedAt;
  }
  return importedAt;
}

function recipientParty(order: CheckoutForm, buyer: PartyCopy): PartyCopy {
  const address = order.delivery?.address;
  if (!address) return buyer;
  const person = personName(address.firstName, address.lastName);
  const company = address.companyName?.trim();
  const pickup = order.delivery?.pickupPoint;
  const pickupName = pickup ? pickup.name?.trim() || pickup.id?.trim() : undefined;
  // The person at a company comes first: a pickup point never replaces a recipient's name.
  const name2 = company ? person : pickupName;
  return {
    name: company || person,
    ...(name2 ? { name2 } : {}),
    street: address.street,
    city: address.city,
    postCode: address.zipCode,
    countryCode: address.countryCode,
    email: order.buyer.email,
    ...(address.phoneNumber ? { phone: address.phoneNumber } : {}),
  };
}

function pickupPointNote(order: CheckoutForm): string | null {
  const pickup = order.delivery?.pickupPoint;
  if (!pickup) return null;
  const a = pickup.address;
  const place = a ? [a.street, [a.zipCode, a.city].filter(Boolean).join(' ')].filter(Boolean).join(', ') : '';
  const head = [pickup.id, pickup.name, place].filter((s) => s && s.trim() !== '').join(', ');
  return `Punkt odbioru: ${head}${pickup.description ? ` (${pickup.description})` : ''}`;
}

function moneyText(amount: Minor, currency: string): string {
  return `${formatMinor(amount)} ${currency}`;
}

function offerLabel(item: CheckoutFormLineItem): string {
  return `offer ${item.offer.id} "${item.offer.name}"`;
}

/** The goods line and its additional-service lines for one Allegro line item. */
function itemLines(item: CheckoutFormLineItem, match: LineMatch, policy: ImportPolicy): DocumentLineDraft[] {
  const product = match.product;
  const vatRate = product?.vatRate ?? parseVatRate(item.tax?.rate) ?? policy.newProduct.vatRate;
  const goods: DocumentLineDraft = {
    sourceLineId: item.id,
    productId: product?.id ?? null,
    code: product?.code ?? (item.offer.external?.id?.trim() || item.offer.id),
    name: product?.name ?? item.offer.name,
    unit: product?.unit ?? policy.newProduct.unit,
    quantity: item.quantity,
    unitGross: item.price.amount,
    grossValue: lineValue(item.price.amount, item.quantity),
    vatRate,
    isService: product?.isService ?? false,
  };
  // An additional service's price is for the whole quantity (PITFALLS D.21): one unit.
  const services = (item.selectedAdditionalServices ?? []).map((service, index): DocumentLineDraft => ({
    sourceLineId: `${item.id}:${service.definitionId ?? `service-${index + 1}`}`,
    productId: null,
    code: service.definitionId ?? 'USLUGA',
    name: service.name ?? service.definitionId ?? 'Usługa dodatkowa',
    unit: policy.newProduct.unit,
    quantity: 1,
    unitGross: service.price.amount,
    grossValue: service.price.amount,
    vatRate,
    isService: true,
  }));
  return [goods, ...services];
}

function checkCurrencies(order: CheckoutForm, currency: string): void {
  const amounts: [string, string, string][] = [];
  order.lineItems.forEach((item, i) => {
    amounts.push([`${offerLabel(item)} price`, item.price.currency, `lineItems[${i}].price.currency`]);
    (item.selectedAdditionalServices ?? []).forEach((s, j) =>
      amounts.push([
        `${offerLabel(item)} service`,
        s.price.currency,
        `lineItems[${i}].selectedAdditionalServices[${j}].price.currency`,
      ]),
    );
  });
  if (order.delivery?.cost) amounts.push(['delivery cost', order.delivery.cost.currency, 'delivery.cost.currency']);
  const odd = amounts.find(([, c]) => c !== currency);
  if (odd) {
    throw new Refusal(
      'invalid-order-data',
      odd[2],
      `The ${odd[0]} is in ${odd[1]} but the order total is in ${currency}; one document has one currency.`,
    );
  }
}

function paymentFormId(input: DraftInput): number {
  const { order, policy, reference, contractor } = input;
  if (policy.stage === 'BOUGHT') {
    const fallback = policy.defaultPaymentForm
      ? paymentFormIdByName(reference.paymentForms, policy.defaultPaymentForm)
      : undefined;
    const id = contractor.paymentFormId ?? fallback;
    if (id === undefined) {
      throw new Refusal(
        'unmapped-payment',
        'import.defaultPaymentForm',
        `"All purchases" mode (import.stage BOUGHT) uses the contractor's default payment form, but contractor ` +
          `${contractor.code} has none` +
          (policy.defaultPaymentForm
            ? ` and import.defaultPaymentForm "${policy.defaultPaymentForm}" is not a payment form in Optima.`
            : ` and import.defaultPaymentForm is not set.`) +
          ` Set one, then retry the order.`,
      );
    }
    return id;
  }
  const payment = order.payment;
  if (!payment)
    throw new Refusal('invalid-order-data', 'payment', `The order has no payment yet (status ${order.status}).`);
  const what = `Allegro payment type ${payment.type}${payment.provider ? `, provider ${payment.provider}` : ''}`;
  const mapping = findPaymentMapping(policy.paymentMappings, payment.type, payment.provider);
  if (!mapping) {
    const entry = `{ type: ${payment.type}${payment.provider ? `, provider: ${payment.provider}` : ''}, paymentForm: <Optima payment form> }`;
    throw new Refusal(
      'unmapped-payment',
      'payment.type',
      `No payment mapping for ${what}: add ${entry} under mappings.payment in the settings file ` +
        `(the "mappings" command appends it), then retry the order.`,
    );
  }
  const id = paymentFormIdByName(reference.paymentForms, mapping.paymentForm);
  if (id === undefined) {
    throw new Refusal(
      'unmapped-payment',
      'mappings.payment',
      `${what} is mapped to payment form "${mapping.paymentForm}" (mappings.payment), which Optima does not have ` +
        `(known: ${reference.paymentForms.map((f) => f.name).join(', ') || 'none'}). Fix the mapping or add the form, then retry the order.`,
    );
  }
  return id;
}

function deliveryLine(input: DraftInput): DocumentLineDraft | null {
  const { order, policy, reference } = input;
  const delivery = order.delivery;
  const cost = delivery?.cost?.amount ?? 0;
  const methodId = delivery?.method?.id;
  if (!methodId) {
    if (cost !== 0)
      throw new Refusal(
        'invalid-order-data',
        'delivery.method',
        `The order charges ${formatMinor(cost)} for delivery but names no delivery method.`,
      );
    return null;
  }
  const methodName = delivery?.method?.name ?? methodId;
  // Every method must be mapped, free ones too: the line tells the warehouse how to ship.
  const mapping = findDeliveryMapping(policy.deliveryMappings, methodId);
  if (!mapping) {
    throw new Refusal(
      'unmapped-delivery',
      'delivery.method.id',
      `No delivery mapping for Allegro delivery method "${methodName}" (id ${methodId}): add ` +
        `{ methodId: ${methodId}, methodName: "${methodName}", serviceCode: <Optima service code> } under mappings.delivery ` +
        `in the settings file (the "mappings" command appends it), then retry the order.`,
    );
  }
  const service = reference.deliveryServices.find((s) => sameText(s.code, mapping.serviceCode));
  if (!service) {
    throw new Refusal(
      'unmapped-delivery',
      'mappings.delivery',
      `Allegro delivery method "${methodName}" (id ${methodId}) is mapped to service code "${mapping.serviceCode}" ` +
        `(mappings.delivery), which is not a delivery service in Optima. Fix the mapping or add the service, then retry the order.`,
    );
  }
  return {
    sourceLineId: DELIVERY_LINE_ID,
    productId: service.id,
    code: service.code,
    // The carrier's name as the buyer chose it; the card stays the mapped service.
    name: delivery?.method?.name?.trim() || service.name,
    unit: service.unit,
    quantity: 1,
    unitGross: cost,
    grossValue: cost,
    vatRate: service.vatRate,
    isService: true,
  };
}

function warehouseId(input: DraftInput): number | null {
  const symbol = input.policy.warehouseSymbol;
  if (!symbol) return null;
  const warehouse = findWarehouse(input.reference.warehouses, symbol);
  if (!warehouse) {
    throw new Refusal(
      'optima-rejected',
      'import.warehouseSymbol',
      `import.warehouseSymbol "${symbol}" is not a warehouse in Optima ` +
        `(known: ${input.reference.warehouses.map((w) => w.symbol).join(', ') || 'none'}). Fix the setting, then retry the order.`,
    );
  }
  return warehouse.id;
}

function description(order: CheckoutForm, policy: ImportPolicy): string {
  const notes: string[] = [];
  if (policy.stage === 'BOUGHT') {
    notes.push(
      'Tryb „wszystkie zakupy”: zamówienie pobrane przed opłaceniem, bez kosztu dostawy, z domyślną formą płatności kontrahenta.',
    );
  }
  const payment = order.payment;
  if (payment && payment.type === 'ONLINE' && !payment.finishedAt) {
    notes.push(
      `Płatność rozpoczęta, ale niezakończona (${[payment.type, payment.provider].filter(Boolean).join(' ')}).`,
    );
  }
  if (order.invoice?.required && !order.invoice.address?.company)
    notes.push('Kupujący prosi o fakturę (osoba prywatna).');
  const pickup = pickupPointNote(order);
  if (pickup) notes.push(pickup);
  const message = order.messageToSeller?.trim();
  if (message) notes.push(`Wiadomość od kupującego: ${message}`);
  return fitDescription(notes.join('\n'));
}

/**
 * TrN_Opis is nvarchar(1024): a longer text (a long buyer's message) is cut here with a visible
 * marker, rather than silently by the adapter; the full message stays on the Allegro order.
 */
export function fitDescription(text: string): string {
  if (text.length <= DESCRIPTION_MAX) return text;
  // nvarchar counts UTF-16 units; never leave half of a surrogate pair.
  let end = DESCRIPTION_MAX - CUT_MARKER.length;
  if (/[\uD800-\uDBFF]/.test(text[end - 1])) end -= 1;
  return `${text.slice(0, end)}${CUT_MARKER}`;
}

/**
 * A product set (2×A + 3×B) on a card created from the offer would carry product A's EAN
 * for the whole set; a card found by the offer's own identity (link, signature, id, title)
 * is the seller's set card. The matcher never looks a set up by EAN (activities).
 */
function checkProductSets(order: CheckoutForm, matches: Map<string, LineMatch>): void {
  order.lineItems.forEach((item, i) => {
    if (!isProductSet(item) || matches.get(item.id)?.rule !== 'created') return;
    throw new OrderRefusal(
      'product-not-found',
      'product-set',
      `lineItems[${i}].offer.productSet`,
      `lineItems[${i}].offer.productSet: ${offerLabel(item)} is a set of ${item.offer.productSet?.products.length} ` +
        `product(s); one card would carry the first product's EAN. Link the offer to a set card in Optima, then retry the order.`,
    );
  });
}

/**
 * The document total against Allegro's: goods + delivery + surcharges equals totalToPay, or,
 * when Allegro's summary leaves the surcharges out, goods + delivery equals it exactly.
 */
function checkTotal(
  order: CheckoutForm,
  policy: ImportPolicy,
  parts: { items: Minor; delivery: Minor; surcharges: Minor },
) {
  const currency = order.summary.totalToPay.currency;
  const base = parts.items + parts.delivery;
  const grossTotal = base + parts.surcharges;
  const bought = policy.stage === 'BOUGHT';
  // "All purchases" mode leaves delivery out, so only the goods can be checked.
  const expected = bought ? parts.items + parts.surcharges : order.summary.totalToPay.amount;
  if (grossTotal === expected || (!bought && parts.surcharges > 0 && base === expected)) return grossTotal;
  throw new Refusal(
    'total-mismatch',
    'summary.totalToPay',
    `Document total ${moneyText(grossTotal, currency)} (goods ${formatMinor(parts.items)} + delivery ` +
      `${formatMinor(parts.delivery)}${parts.surcharges ? ` = ${formatMinor(base)}, + surcharges ${formatMinor(parts.surcharges)}` : ''}) ` +
      `differs from Allegro's ${bought ? 'line total' : 'totalToPay'} ` +
      `${moneyText(expected, currency)}. Nothing was written; check the order in Allegro, then retry it.`,
  );
}

function build(input: DraftInput): DocumentDraft {
  const { order, policy } = input;
  checkOrderValues(order);
  const currency = order.summary.totalToPay.currency;
  checkCurrencies(order, currency);

  const matches = new Map(input.lines.map((m) => [m.lineItemId, m]));
  const missing = order.lineItems.filter((item) => {
    const match = matches.get(item.id);
    return !match || (match.product === null && policy.productNotFound !== 'lineWithoutCard');
  });
  if (missing.length > 0) {
    throw new Refusal(
      'product-not-found',
      `lineItems[${order.lineItems.indexOf(missing[0])}].offer.id`,
      `No Optima product for ${missing.map(offerLabel).join('; ')} (tried: ${policy.productMatchOrder.join(', ')}). ` +
        `Create or link the product card (or change import.productNotFound), then retry the order.`,
    );
  }
  checkProductSets(order, matches);

  // Mapping and setting problems first: they are what a person can fix.
  const paymentForm = paymentFormId(input);
  const delivery = policy.stage === 'BOUGHT' ? null : deliveryLine(input);
  const warehouse = warehouseId(input);

  const goodsLines = order.lineItems.flatMap((item) => itemLines(item, matches.get(item.id) as LineMatch, policy));
  const itemsTotal = goodsLines.reduce((sum, l) => sum + l.grossValue, 0);
  const surcharges = surchargeLines(order, policy, input.reference, currency);
  const lines = [...goodsLines, ...(delivery ? [delivery] : []), ...surcharges];
  const grossTotal = checkTotal(order, policy, {
    items: itemsTotal,
    delivery: delivery?.grossValue ?? 0,
    surcharges: surcharges.reduce((sum, l) => sum + l.grossValue, 0),
  });
  if (policy.stage !== 'BOUGHT') checkPaid(order, grossTotal, currency, policy);

  const isCompany = !!order.invoice?.address?.company;
  const buyer = buyerParty(order);
  const withoutCard = order.lineItems.filter((item) => matches.get(item.id)?.product === null);
  const attributes =
    withoutCard.length > 0 && policy.productNotFoundAttribute
      ? [
          {
            code: policy.productNotFoundAttribute,
            value: withoutCard
              .map((item) => `${item.offer.id} ${item.offer.name} x${item.quantity}`)
              .join('; ')
              .slice(0, ATTRIBUTE_MAX),
          },
        ]
      : [];
  if (input.settingsVersion && policy.settingsVersionAttribute) {
    attributes.push({ code: policy.settingsVersionAttribute, value: input.settingsVersion });
  }

  const date = documentDate(input);

  return {
    orderId: order.id,
    account: input.account,
    kind: isCompany ? policy.documentKindCompany : policy.documentKindPerson,
    documentDate: date,
    currency,
    contractorId: input.contractor.id,
    buyer,
    recipient: recipientParty(order, buyer),
    paymentFormId: paymentForm,
    warehouseId: warehouse,
    lines,
    vat: vatTable(lines),
    grossTotal,
    description: description(order, policy),
    attributes,
    lineIds: order.lineItems.map((l) => l.id),
  };
}

/** The document date (YYYY-MM-DD, a four-digit year), or a refusal naming the source field. */
function documentDate(input: DraftInput): string {
  const { order, policy } = input;
  const instant = documentDateInstant(order, policy.documentDateSource, input.importedAt);
  const date = dateInZone(instant, input.timeZone ?? DEFAULT_TIME_ZONE);
  if (date && /^[1-9]\d{3}-\d{2}-\d{2}$/.test(date)) return date;
  const field =
    instant === order.payment?.finishedAt
      ? 'payment.finishedAt'
      : instant === order.updatedAt
        ? 'updatedAt'
        : instant === input.importedAt
          ? 'importedAt'
          : 'lineItems[].boughtAt';
  throw new OrderRefusal(
    'invalid-order-data',
    'invalid-date',
    field,
    `${field}: "${instant}" gives no document date with a four-digit year.`,
  );
}

export function buildDocumentDraft(input: DraftInput): DraftResult {
  try {
    return { ok: true, draft: build(input) };
  } catch (e) {
    if (!(e instanceof OrderRefusal)) throw e;
    // Every refusal names its field, also those whose text reads better without it.
    const message = e.message.includes(e.field) ? e.message : `${e.message} (${e.field})`;
    return { ok: false, reason: e.reason, code: e.code, field: e.field, message };
  }
}
