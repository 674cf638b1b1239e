/**
 * What a document copied from its order that a buyer may change later on Allegro (buyer,
 * delivery address, invoice data), kept as short fingerprints: the sweep compares them to tell
 * which part changed after the document, for a note, without keeping personal data around.
 */
import type { CheckoutForm } from './allegro';

export interface OrderFacts {
  buyer: string;
  delivery: string;
  invoice: string;
}

/** Polish names of the parts, as they appear in the note on the document. */
export const FACT_NAMES: Record<keyof OrderFacts, string> = {
  buyer: 'dane kupującego',
  delivery: 'adres dostawy',
  invoice: 'dane do faktury',
};

export function orderFacts(form: CheckoutForm): OrderFacts {
  const { buyer, delivery, invoice } = form;
  return {
    // The e-mail is left out: Allegro masks it per order, it is no business fact.
    buyer: fingerprint([buyer.firstName, buyer.lastName, buyer.companyName, buyer.phoneNumber, buyer.address]),
    delivery: fingerprint([delivery?.address, delivery?.pickupPoint?.id]),
    invoice: fingerprint([invoice?.required, invoice?.address]),
  };
}

/** The parts whose fingerprint differs, in a fixed order. */
export function changedFacts(before: OrderFacts, after: OrderFacts): (keyof OrderFacts)[] {
  return (Object.keys(FACT_NAMES) as (keyof OrderFacts)[]).filter((part) => before[part] !== after[part]);
}

/** FNV-1a (32 bit) of the JSON: deterministic, pure, enough to notice a change. */
function fingerprint(value: unknown): string {
  const text = JSON.stringify(value ?? null, (_key, v: unknown) => (v === undefined ? null : v));
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
