/**
 * Matching an Allegro line (or offer) to an Optima product card, and the card to create
 * when none matches. The match procedure lives here once, for the import and for
 * `import-offers`: the lookups in import.productMatchOrder, the first single hit wins.
 * It touches Optima only through the small port it is given.
 */
import type { CheckoutFormLineItem } from './allegro';
import type { ImportPolicy, Money, OptimaGateway, ProductDraft, ProductMatchStep, ProductRef } from './types';

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
  /** The EANs of the offer's products by Allegro product id (a set has several). */
  productEans?: Record<string, string>;
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

type StepValues = Record<ProductMatchStep, (string | undefined)[]>;

/** The lookups in policy.productMatchOrder; steps left out of it, and values missing, are not tried. */
function inMatchOrder(values: StepValues, policy: Pick<ImportPolicy, 'productMatchOrder'>): ProductLookup[] {
  const lookups: ProductLookup[] = [];
  for (const step of policy.productMatchOrder) {
    for (const value of values[step]) {
      if (value && !lookups.some((l) => l.step === step && l.value === value)) lookups.push({ step, value });
    }
  }
  return lookups;
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
  return inMatchOrder(
    {
      link: [offerLinkKey(account, line.offer.id)],
      ean: [offer?.ean],
      externalId: [lineExternalId(line, offer)],
      offerId: [line.offer.id],
      name: [line.offer.name.trim(), offer?.name.trim()],
    },
    policy,
  );
}

/** What matching needs of Optima: the product lookups, and saving a link for next time. */
export type ProductCards = Pick<
  OptimaGateway,
  'findProductByLink' | 'findProductsByEan' | 'findProductByCode' | 'findProductsByName' | 'linkProduct'
>;

export interface ProductMatch {
  product: ProductRef;
  rule: ProductMatchStep;
}

/** A link and a code name one card; an EAN or a name counts only when exactly one card has it. */
async function findOne(cards: ProductCards, lookup: ProductLookup): Promise<ProductRef | null> {
  const single = (found: ProductRef[]) => (found.length === 1 ? found[0] : null);
  switch (lookup.step) {
    case 'link':
      return cards.findProductByLink(lookup.value);
    case 'ean':
      return single(await cards.findProductsByEan(lookup.value));
    case 'externalId':
    case 'offerId':
      return cards.findProductByCode(lookup.value);
    case 'name':
      return single(await cards.findProductsByName(lookup.value));
  }
}

/** The first hit of the lookups in their order; a card found other than by its link is linked for next time. */
async function firstHit(cards: ProductCards, lookups: ProductLookup[], linkKey: string): Promise<ProductMatch | null> {
  for (const lookup of lookups) {
    const product = await findOne(cards, lookup);
    if (!product) continue;
    if (lookup.step !== 'link') await cards.linkProduct(linkKey, product.id);
    return { product, rule: lookup.step };
  }
  return null;
}

/**
 * The card of an order line, or null when no lookup hits. The offer's details are read
 * only when a lookup needs them: with the link first, a linked line costs no Allegro call.
 */
export async function matchLineProduct(
  cards: ProductCards,
  line: CheckoutFormLineItem,
  account: string,
  policy: Pick<ImportPolicy, 'productMatchOrder'>,
  readOffer: () => Promise<OfferDetails | null>,
): Promise<ProductMatch | null> {
  const linkKey = offerLinkKey(account, line.offer.id);
  const linkFirst = policy.productMatchOrder[0] === 'link';
  if (linkFirst) {
    const linked = await firstHit(cards, [{ step: 'link', value: linkKey }], linkKey);
    if (linked) return linked;
  }
  // A set's EAN is its first product's: only the offer's own identity may find its card.
  const set = isProductSet(line);
  const lookups = productLookups(line, await readOffer(), account, policy).filter(
    (l) => !(linkFirst && l.step === 'link') && !(set && l.step === 'ean'),
  );
  return firstHit(cards, lookups, linkKey);
}

/** The card of an offer (`import-offers`): the same lookups, with the offer's current values. */
export function matchOfferProduct(
  cards: ProductCards,
  offer: OfferDetails,
  account: string,
  policy: Pick<ImportPolicy, 'productMatchOrder'>,
): Promise<ProductMatch | null> {
  const linkKey = offerLinkKey(account, offer.offerId);
  const values: StepValues = {
    link: [linkKey],
    ean: [offer.ean],
    externalId: [offer.externalId],
    offerId: [offer.offerId],
    name: [offer.name.trim()],
  };
  return firstHit(cards, inMatchOrder(values, policy), linkKey);
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
