/**
 * What the buyer paid against what the document books: surcharges (extra payments, each a
 * service line) and the paid check `payment.paidAmount + Σ surcharges[].paidAmount` against the
 * document total (CONTRACT.md §4, PITFALLS B.22). Pure; throws `OrderRefusal`.
 */
import type { CheckoutForm } from './allegro';
import { OrderRefusal } from './errors';
import { formatMinor } from './money';
import type { DocumentLineDraft, ImportPolicy, Minor, Money, OptimaReferenceData } from './types';

/** sourceLineId of a surcharge line: `surcharge:<payment id>`. */
export const SURCHARGE_LINE_PREFIX = 'surcharge:';

const same = (a: string, b: string) => a.trim().toUpperCase() === b.trim().toUpperCase();

/**
 * One service line per surcharge, on the service card `import.surchargeServiceCode`. Without
 * that setting, or for a surcharge not paid yet (its amount unknown), the order waits: a
 * surcharge is money the buyer paid and is never dropped.
 */
export function surchargeLines(
  order: CheckoutForm,
  policy: Pick<ImportPolicy, 'surchargeServiceCode'>,
  reference: Pick<OptimaReferenceData, 'deliveryServices'>,
  currency: string,
): DocumentLineDraft[] {
  const surcharges = order.surcharges ?? [];
  if (surcharges.length === 0) return [];
  const code = policy.surchargeServiceCode?.trim() ?? '';
  if (code === '') {
    throw new OrderRefusal(
      'unmapped-surcharge',
      'unbooked-surcharge',
      'surcharges[0]',
      `surcharges[0]: the order carries ${surcharges.length} surcharge(s) (extra payments) and import.surchargeServiceCode ` +
        `is not set: set it to an Optima service code, then retry the order.`,
    );
  }
  const service = reference.deliveryServices.find((s) => same(s.code, code));
  if (!service) {
    throw new OrderRefusal(
      'unmapped-surcharge',
      'unbooked-surcharge',
      'import.surchargeServiceCode',
      `import.surchargeServiceCode "${code}" is not a service in Optima: fix the setting or add the service, then retry the order.`,
    );
  }
  return surcharges.map((surcharge, i): DocumentLineDraft => {
    const paid = surcharge.paidAmount;
    if (!paid) {
      throw new OrderRefusal(
        'invalid-order-data',
        'unbooked-surcharge',
        `surcharges[${i}].paidAmount`,
        `surcharges[${i}].paidAmount: surcharge ${surcharge.id} is not paid yet, so its amount is unknown; retry once it is paid.`,
      );
    }
    if (paid.currency !== currency) {
      throw new OrderRefusal(
        'invalid-order-data',
        'paid-differs',
        `surcharges[${i}].paidAmount.currency`,
        `surcharges[${i}].paidAmount.currency: ${paid.currency}, but the order is in ${currency}.`,
      );
    }
    return {
      sourceLineId: `${SURCHARGE_LINE_PREFIX}${surcharge.id}`,
      productId: service.id,
      code: service.code,
      name: service.name,
      unit: service.unit,
      quantity: 1,
      unitGross: paid.amount,
      grossValue: paid.amount,
      vatRate: service.vatRate,
      isService: true,
    };
  });
}

/**
 * The paid check, for orders whose payment states an amount (COD and extended-term orders
 * carry none until paid out): what was paid must be what the document books, in its currency.
 * `import.paidAmountMismatch: book` books per the order's figures anyway (default `wait`).
 */
export function checkPaid(
  order: CheckoutForm,
  documentTotal: Minor,
  currency: string,
  policy: Pick<ImportPolicy, 'paidAmountMismatch'>,
): void {
  const payment = order.payment;
  const paid = payment?.paidAmount;
  if (!payment || !paid || (policy.paidAmountMismatch ?? 'wait') === 'book') return;
  if (paid.currency !== currency) {
    throw new OrderRefusal(
      'total-mismatch',
      'paid-differs',
      'payment.paidAmount.currency',
      `payment.paidAmount.currency: paid ${formatMinor(paid.amount)} ${paid.currency}, but the order is in ${currency}. ` +
        `Check the payment in Allegro, then retry the order.`,
    );
  }
  const surcharges = (order.surcharges ?? []).reduce((sum, s) => sum + (s.paidAmount?.amount ?? 0), 0);
  const total = paid.amount + surcharges;
  if (total === documentTotal) return;
  const reconciliation = payment.reconciliation
    ? ` Allegro states a reconciliation of ${formatMinor(payment.reconciliation.amount)} ${payment.reconciliation.currency} (Allegro Ceny).`
    : '';
  throw new OrderRefusal(
    'total-mismatch',
    'paid-differs',
    'payment.paidAmount',
    `payment.paidAmount: paid ${formatMinor(total)} ${currency}` +
      (surcharges ? ` (payment ${formatMinor(paid.amount)} + surcharges ${formatMinor(surcharges)})` : '') +
      `, but the document would book ${formatMinor(documentTotal)} ${currency}: a difference of ` +
      `${formatMinor(documentTotal - total)}.${reconciliation} Nothing was written; check the payment in Allegro ` +
      `(or set import.paidAmountMismatch), then retry the order.`,
  );
}

/** A new checkout form sharing line ids with an imported order (a merged payment). */
export interface MergedForm {
  orderId: string;
  lineIds: string[];
  /** Absent: the caller did not say; only the lines are compared. */
  totalToPay?: Money;
}

/**
 * A merged payment may adopt the existing document only when that document covers all of
 * the new form's lines and its total; otherwise the new form carries something the document
 * does not, and waits with the difference named.
 */
export function checkMergedDocument(
  form: MergedForm,
  document: { number: string; grossTotal: Minor },
  uncoveredLineIds: string[],
): void {
  if (uncoveredLineIds.length > 0) {
    const index = form.lineIds.indexOf(uncoveredLineIds[0]);
    throw new OrderRefusal(
      'total-mismatch',
      'merged-differs',
      `lineItems[${index}].id`,
      `lineItems[${index}].id: order ${form.orderId} shares lines with document ${document.number}, but ` +
        `${uncoveredLineIds.length} of its lines (${uncoveredLineIds.join(', ')}) are not on it. ` +
        `Book the difference by hand (or correct the document), then retry the order.`,
    );
  }
  const total = form.totalToPay;
  if (total && document.grossTotal !== total.amount) {
    throw new OrderRefusal(
      'total-mismatch',
      'merged-differs',
      'summary.totalToPay',
      `summary.totalToPay: order ${form.orderId} (merged payment) is ${formatMinor(total.amount)} ${total.currency}, but document ` +
        `${document.number} holding its lines is ${formatMinor(document.grossTotal)}: a difference of ` +
        `${formatMinor(total.amount - document.grossTotal)}. Book the difference by hand, then retry the order.`,
    );
  }
}
