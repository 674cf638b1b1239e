/**
 * Plausibility of a checkout form's own figures, before anything is matched or written:
 * amounts, quantities, VAT rates, dates, currencies and the invoice NIP. Each refusal is an
 * `OrderRefusal` naming the field, so the order waits for a person instead of being booked
 * silently wrong (issue 11). Pure; no settings involved, these are never a business choice.
 */
import type { CheckoutForm } from './allegro';
import { OrderRefusal, type RefusalCode } from './errors';
import { formatMinor } from './money';
import { isValidNip } from './nip';
import type { Minor } from './types';

/**
 * The largest amount accepted, 1 000 000 000.00: far below decimal(15,2), and small enough
 * that the integer arithmetic (unit × quantity × 10 000, gross × rate) stays exact in a double.
 */
export const MAX_AMOUNT: Minor = 100_000_000_000;

/** VAT rates of Poland and the EU member states (standard and reduced), in percent. */
export const KNOWN_VAT_RATES: readonly number[] = [
  0, 2.1, 3, 4, 5, 5.5, 6, 7, 8, 9, 9.5, 10, 12, 13, 13.5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 25.5, 27,
];

const CURRENCY = /^[A-Z]{3}$/;
/** ISO 8601 as Allegro writes it: a four-digit year (≥ 1000, so it prints as YYYY), a time, a zone. */
const INSTANT = /^([1-9]\d{3})-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const RATE = /^\d{1,2}(\.\d{1,2})?$/;

function refuse(code: RefusalCode, field: string, message: string): never {
  throw new OrderRefusal('invalid-order-data', code, field, `${field}: ${message}`);
}

function checkAmount(field: string, money: { amount: Minor; currency: string } | null | undefined): void {
  if (!money) return;
  if (!CURRENCY.test(money.currency))
    refuse('invalid-currency', `${field}.currency`, `"${money.currency}" is not a currency code.`);
  if (money.amount < 0) refuse('negative-amount', `${field}.amount`, `${formatMinor(money.amount)} is negative.`);
  if (money.amount > MAX_AMOUNT)
    refuse(
      'amount-out-of-range',
      `${field}.amount`,
      `${formatMinor(money.amount)} is beyond ${formatMinor(MAX_AMOUNT)}.`,
    );
}

function checkInstant(field: string, value: string | null | undefined): void {
  if (value === null || value === undefined) return;
  if (!INSTANT.test(value) || Number.isNaN(Date.parse(value)))
    refuse('invalid-date', field, `"${value}" is not a date and time with a four-digit year.`);
}

/**
 * Allegro's `tax.rate` must be a rate Optima can label and compute alike: at most two
 * decimals (TrE_Stawka is decimal(5,2)) and one of the Polish/EU rates.
 */
export function checkVatRate(field: string, rate: string | null | undefined): void {
  if (rate === null || rate === undefined || rate.trim() === '') return;
  const text = rate.trim();
  if (!RATE.test(text) || !KNOWN_VAT_RATES.includes(Number(text)))
    refuse('unknown-vat-rate', field, `"${rate}" is not a Polish or EU VAT rate with at most two decimals.`);
}

/** Lines: whole pieces (TrE_Ilosc would round anything finer), sane unit prices and values. */
function checkLines(order: CheckoutForm): void {
  order.lineItems.forEach((item, i) => {
    const at = `lineItems[${i}]`;
    if (!Number.isInteger(item.quantity) || item.quantity < 1)
      refuse('quantity-not-whole', `${at}.quantity`, `${item.quantity} is not a whole number of pieces.`);
    checkAmount(`${at}.price`, item.price);
    checkAmount(`${at}.originalPrice`, item.originalPrice);
    if (item.price.amount * item.quantity > MAX_AMOUNT)
      refuse('amount-out-of-range', `${at}.price.amount`, `the line value is beyond ${formatMinor(MAX_AMOUNT)}.`);
    (item.selectedAdditionalServices ?? []).forEach((s, j) =>
      checkAmount(`${at}.selectedAdditionalServices[${j}].price`, s.price),
    );
    checkVatRate(`${at}.tax.rate`, item.tax?.rate);
    checkInstant(`${at}.boughtAt`, item.boughtAt);
  });
}

/**
 * A PL_NIP with a bad checksum stops the order rather than being dropped: the buyer asked
 * for a company invoice, and one without their NIP (or with a wrong one) is a wrong invoice.
 */
function checkInvoiceNip(order: CheckoutForm): void {
  const ids = order.invoice?.address?.company?.ids ?? [];
  ids.forEach((id, i) => {
    if (id.type === 'PL_NIP' && !isValidNip(id.value))
      refuse('invalid-nip', `invoice.address.company.ids[${i}].value`, `"${id.value}" is not a valid NIP (checksum).`);
  });
  const taxId = order.invoice?.address?.company?.taxId;
  if (ids.length === 0 && taxId && !isValidNip(taxId))
    refuse('invalid-nip', 'invoice.address.company.taxId', `"${taxId}" is not a valid NIP (checksum).`);
}

/** Every figure and date of the form a document would carry; throws `OrderRefusal`. */
export function checkOrderValues(order: CheckoutForm): void {
  checkAmount('summary.totalToPay', order.summary.totalToPay);
  checkAmount('delivery.cost', order.delivery?.cost);
  checkLines(order);
  checkAmount('payment.paidAmount', order.payment?.paidAmount);
  checkInstant('payment.finishedAt', order.payment?.finishedAt);
  (order.surcharges ?? []).forEach((s, i) => {
    checkAmount(`surcharges[${i}].paidAmount`, s.paidAmount);
    checkInstant(`surcharges[${i}].finishedAt`, s.finishedAt);
  });
  checkInstant('updatedAt', order.updatedAt);
  checkInvoiceNip(order);
}
