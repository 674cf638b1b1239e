/**
 * Matching an Allegro line to an Optima product card, and the card to create when none
 * matches. Pure: the lookups are performed by the caller against the Optima gateway, in
 * the order returned here, stopping at the first single hit.
 */
import type { CheckoutFormLineItem } from './allegro';
import type { ImportPolicy, Money, ProductDraft, ProductMatchStep } from './types';

/** Twr_Kod is varchar(50); Twr_Nazwa nvarchar(255). */
export const PRODUCT_CODE_MAX = 50;
export const PRODUCT_NAME_MAX = 255;

/** What product matching needs of an Allegro offer (GET /sale/product-offers/{id}). */
export interface OfferDetails {
  offerId: string;
  name: string;
  ean?: string;
  externalId?: string;
  /** Selling price on the base marketplace. */
  price?: Money;
  stock?: number;
}

export interface ProductLookup {
  step: ProductMatchStep;
  value: string;
}

/** The saved offer→product link key. */
export function offerLinkKey(account: string, offerId: string): string {
  return `offer:${account}:${offerId}`;
}

function lineExternalId(line: CheckoutFormLineItem, offer: OfferDetails | null): string | undefined {
  return line.offer.external?.id?.trim() || offer?.externalId || undefined;
}

/**
 * The lookups to try, in policy.productMatchOrder; steps without a value are left out.
 * `name` tries the title at purchase and, when it has changed since, the current title.
 */
export function productLookups(
  line: CheckoutFormLineItem,
  offer: OfferDetails | null,
  account: string,
  policy: Pick<ImportPolicy, 'productMatchOrder'>,
): ProductLookup[] {
  const values: Record<ProductMatchStep, (string | undefined)[]> = {
    link: [offerLinkKey(account, line.offer.id)],
    ean: [offer?.ean],
    externalId: [lineExternalId(line, offer)],
    offerId: [line.offer.id],
    name: [line.offer.name.trim(), offer?.name.trim()],
  };
  const lookups: ProductLookup[] = [];
  for (const step of policy.productMatchOrder) {
    for (const value of values[step]) {
      if (value && !lookups.some((l) => l.step === step && l.value === value)) lookups.push({ step, value });
    }
  }
  return lookups;
}

/** Allegro's `tax.rate` ("23.00") as a percent, or null when absent or not a number. */
export function parseVatRate(rate: string | null | undefined): number | null {
  if (rate === null || rate === undefined || rate.trim() === '') return null;
  const value = Number(rate);
  return Number.isFinite(value) && value >= 0 && value < 100 ? value : null;
}

/**
 * The card for an offer Optima does not know: code = seller's signature (external.id) or
 * the offer id, the offer title, the line's VAT rate (else the default), and the gross
 * price on Allegro when it is in PLN (the Optima price types are in the home currency).
 */
export function newProductDraft(
  line: CheckoutFormLineItem,
  offer: OfferDetails | null,
  account: string,
  policy: Pick<ImportPolicy, 'newProduct'>,
): ProductDraft {
  const price = [offer?.price, line.originalPrice].find((p) => p?.currency === 'PLN');
  return {
    linkKey: offerLinkKey(account, line.offer.id),
    code: (lineExternalId(line, offer) ?? line.offer.id).slice(0, PRODUCT_CODE_MAX),
    name: line.offer.name.trim().slice(0, PRODUCT_NAME_MAX),
    ...(offer?.ean ? { ean: offer.ean } : {}),
    unit: policy.newProduct.unit,
    vatRate: parseVatRate(line.tax?.rate) ?? policy.newProduct.vatRate,
    ...(price ? { grossPrice: price.amount } : {}),
    priceTypeNumber: policy.newProduct.priceTypeNumber,
    isService: false,
  };
}

/**
 * An offer selling several products at once (`offer.productSet`: 2×A + 3×B). One product
 * card cannot stand for it: the first product's EAN would name the whole set.
 */
export function isProductSet(line: CheckoutFormLineItem): boolean {
  const products = line.offer.productSet?.products ?? [];
  return products.length > 1 || products.some((p) => (p.quantity ?? 1) > 1);
}
