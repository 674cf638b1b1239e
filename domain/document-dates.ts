/**
 * The dates on a document: its date (from the configured source), the tax point whose NBP
 * rate a foreign-currency document takes, and the payment due date. Pure.
 */
import type { CheckoutForm } from './allegro';
import { OrderRefusal } from './errors';
import { addDays } from './exchange-rates';
import type { DocumentDateSource, ImportPolicy } from './types';

export const DEFAULT_TIME_ZONE = 'Europe/Warsaw';
/** import.dueDays when a pinned policy has none: the settings' defaults. */
export const DEFAULT_DUE_DAYS = { cashOnDelivery: 7, deferred: 14 } as const;

/** Made once per zone: building an Intl.DateTimeFormat costs far more than using one. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format;
}

/** YYYY-MM-DD of an instant in a time zone, or null when the instant does not parse. */
export function dateInZone(iso: string, timeZone: string): string | null {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return null;
  const parts = dayFormat(timeZone).formatToParts(t);
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

export interface DateInput {
  order: CheckoutForm;
  policy: ImportPolicy;
  importedAt: string;
  timeZone?: string;
}

const FOUR_DIGIT_YEAR = /^[1-9]\d{3}-\d{2}-\d{2}$/;

/** The document date (YYYY-MM-DD, a four-digit year), or a refusal naming the source field. */
export function documentDate(input: DateInput): string {
  const { order, policy } = input;
  const instant = documentDateInstant(order, policy.documentDateSource, input.importedAt);
  const date = dateInZone(instant, input.timeZone ?? DEFAULT_TIME_ZONE);
  if (date && FOUR_DIGIT_YEAR.test(date)) return date;
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

/**
 * The tax point whose rate a foreign-currency document takes (import.taxPoint): 'payment' =
 * the day the buyer paid (a payment before delivery is the tax point, Art. 19a(8) VAT Act),
 * or the document date when the order is not paid in advance (cash on delivery);
 * 'documentDate' = the document date.
 */
export function taxPointDate(input: DateInput): string {
  const paidAt = input.order.payment?.finishedAt;
  if ((input.policy.taxPoint ?? 'payment') === 'payment' && paidAt) {
    const date = dateInZone(paidAt, input.timeZone ?? DEFAULT_TIME_ZONE);
    if (!date || !FOUR_DIGIT_YEAR.test(date)) {
      throw new OrderRefusal(
        'invalid-order-data',
        'invalid-date',
        'payment.finishedAt',
        `payment.finishedAt: "${paidAt}" gives no tax point date for the exchange rate.`,
      );
    }
    return date;
  }
  return documentDate(input);
}

/** TrN_Termin: paid in advance = the document date; cash on delivery and deferred payment: + the configured days. */
export function dueDate(order: CheckoutForm, policy: ImportPolicy, date: string): string {
  const days = policy.dueDays ?? DEFAULT_DUE_DAYS;
  const type = order.payment?.type;
  if (type === 'CASH_ON_DELIVERY') return addDays(date, days.cashOnDelivery);
  if (type === 'EXTENDED_TERM') return addDays(date, days.deferred);
  return date;
}
