/**
 * The header flags an accountant needs on an FS or a PA, each from its setting. Pure; the
 * defaults here are the settings' defaults, for policies pinned before the settings existed.
 */
import type { CheckoutForm } from './allegro';
import type { DocumentFlags, DocumentKind, ImportPolicy, Minor } from './types';

/**
 * Split payment is mandatory on an invoice to a VAT payer of 15,000 PLN gross or more for the
 * goods of annex 15 (Art. 108a(1a) VAT Act); which goods those are the card does not say, so
 * 'threshold' marks every such FS (a mark on other goods obliges no one to pay split).
 */
export const SPLIT_PAYMENT_THRESHOLD_GROSZE = 1_500_000;

export interface FlagInput {
  order: CheckoutForm;
  policy: ImportPolicy;
  kind: DocumentKind;
  /** The buyer is a company (invoice to a NIP). */
  isCompany: boolean;
  /** The document's gross total in PLN (converted for a foreign currency). */
  grossTotalPln: Minor;
}

export function documentFlags(input: FlagInput): DocumentFlags {
  const { order, policy, kind, isCompany } = input;
  const marketplace = order.marketplace?.id ?? 'allegro-pl';
  return {
    fiscal: kind === 'PA' && (policy.receiptFiscal ?? true),
    ksefNotSend: kind === 'FS' && !isCompany && (policy.ksefB2cNotSend ?? false),
    splitPayment:
      kind === 'FS' &&
      isCompany &&
      (policy.splitPayment ?? 'threshold') === 'threshold' &&
      input.grossTotalPln >= SPLIT_PAYMENT_THRESHOLD_GROSZE,
    // OSS is for sales to consumers; a company abroad buys an intra-Community supply.
    oss: !isCompany && (policy.ossMarketplaces ?? []).includes(marketplace),
  };
}

/** Orders shipped by Allegro One Fulfillment leave from Allegro's warehouse. */
export function isOneFulfillment(order: CheckoutForm): boolean {
  return order.fulfillment?.provider?.id === 'ALLEGRO';
}
