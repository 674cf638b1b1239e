/**
 * Stock and prices from Optima to Allegro offers (issue 13): what an offer should show, and
 * which changes to send. Only what differs from what was last sent (or, for an offer seen for
 * the first time, from what Allegro shows) is sent; a refused value is not sent again until
 * Optima's value changes, so a refusal is never retried forever. Allegro's commands carry one
 * modification for many offers, so changes are grouped by the value they set.
 */
import { formatMinor } from './money';
import {
  convertOfferPrice,
  foreignPriceField,
  type ForeignMarketplace,
  type ForeignPriceField,
  type MarketplacePricing,
} from './offer-prices';
import type { Minor } from './types';

/** `price` is the base marketplace's (allegro.pl, PLN); `price-cz` etc. a foreign marketplace's. */
export type OfferField = 'quantity' | 'price' | ForeignPriceField;

/** What Optima says about a linked offer's product, read by the gateway. */
export interface OfferSource {
  offerId: string;
  /** stockForSale of its levels. */
  stock: number;
  /** TwC_Wartosc of the configured price type, in minor units; null when the card has no such price. */
  priceValue: Minor | null;
  /** DfC_Typ of the price type: 1 net, 2 gross. */
  priceKind: number | null;
  vatRate: number;
}

/** The value last sent for an offer's field (AO.OfferExports), or Allegro's own value when first seen. */
export interface SentValue {
  offerId: string;
  field: OfferField;
  value: string;
  /**
   * `allegro`: read from Allegro, nothing sent; `sending`: a command is on its way; then `done` or
   * `refused`; `unlisted`: Allegro showed the offer without this marketplace, so it has no price there.
   */
  state: 'allegro' | 'sending' | 'done' | 'refused' | 'unlisted';
  reason?: string | null;
}

export interface OfferSourceQuery {
  /** Mag_Symbol of the warehouses whose stock is sold; empty: all. */
  warehouses: readonly string[];
  /** DfC_Lp of the price type sent as the offer price. */
  priceTypeNumber: number;
}

export interface OfferExportRecord {
  offerId: string;
  field: OfferField;
  value: string;
  state: SentValue['state'];
  reason?: string | null;
  commandId?: string | null;
}

export interface OfferSyncRules {
  /** Added to Optima's gross price, in percent (may be negative). */
  markupPercent: number;
  /** A price moving more than this, in percent, waits for a person's approval. */
  priceGuardPercent: number;
}

export interface ChangeGroup {
  field: OfferField;
  /** Quantity as an integer string, or the price as a decimal string in the marketplace's currency. */
  value: string;
  offerIds: string[];
}

export interface HeldPrice {
  offerId: string;
  /** A foreign marketplace's price (in its currency); absent: the base price in PLN. */
  marketplace?: ForeignMarketplace;
  from: string;
  to: string;
  /** Rounded percent of the change, for people. */
  changePercent: number;
}

export interface OfferPlan {
  groups: ChangeGroup[];
  /** Price changes over the guard: sent only once a person approves that price. */
  held: HeldPrice[];
  /** Offers not known yet (no value recorded for a field): read from Allegro first. */
  unknown: string[];
  /** Offers with nothing to sell: Allegro takes no quantity below 1, so nothing is sent. */
  soldOut: string[];
  /** Offers whose card lacks the configured price type: their price is left alone. */
  withoutPrice: string[];
  /** Foreign prices not sent, each with why (no exchange rate for the marketplace's currency): never guessed. */
  notPriced: NotPriced[];
  changes: number;
}

export interface NotPriced {
  offerId: string;
  marketplace: ForeignMarketplace;
  reason: string;
}

/** Approvals are per offer and marketplace: the base price's key is the offer id alone. */
export function approvalKey(offerId: string, marketplace?: ForeignMarketplace): string {
  return marketplace ? `${offerId}/${marketplace}` : offerId;
}

/** The latest stock row of a product in one warehouse (CDN.TwrIlosci). */
export interface StockLevel {
  /** Mag_Symbol */
  warehouse: string;
  /** TwI_Ilosc */
  quantity: number;
  /** TwI_Rezerwacje */
  reserved: number;
}

/** Σ quantity − reserved over the configured warehouses (all when none are configured). */
export function stockForSale(levels: readonly StockLevel[], warehouses: readonly string[]): number {
  const counted = warehouses.length === 0 ? levels : levels.filter((l) => warehouses.includes(l.warehouse));
  return counted.reduce((sum, l) => sum + l.quantity - l.reserved, 0);
}

/** Quantity for sale: whole units, never negative. */
export function quantityForSale(stock: number): number {
  return Math.max(0, Math.floor(stock + 1e-9));
}

/** The gross price on Allegro: Optima's price (net plus VAT when the price type is net) with the markup, to the grosz. */
export function offerPrice(source: OfferSource, markupPercent: number): Minor | null {
  if (source.priceValue === null) return null;
  // A net price type: gross = net × (100 + rate) / 100, rates scaled to hundredths to stay in integers.
  const gross =
    source.priceKind === 1
      ? Math.round((source.priceValue * Math.round((100 + source.vatRate) * 100)) / 10_000)
      : source.priceValue;
  const marked = Math.round((gross * Math.round((100 + markupPercent) * 100)) / 10_000);
  return marked > 0 ? marked : null;
}

const key = (field: OfferField, offerId: string) => `${field}:${offerId}`;

/** Percent change from `from` to `to` (decimal strings), rounded to one decimal. */
function changePercent(from: string, to: string): number {
  const a = Number(from);
  return a === 0 ? 100 : Math.round(((Number(to) - a) / a) * 1000) / 10;
}

/**
 * The changes to send. `approved` holds prices a person accepted (approvalKey → price): a held
 * price goes out once approved, a different price is held again. `foreign`: the marketplaces
 * priced from Optima in this run (domain/offer-prices.ts), each with its rate or why there is none.
 */
export function planOfferChanges(
  sources: readonly OfferSource[],
  sent: readonly SentValue[],
  rules: OfferSyncRules,
  approved: Readonly<Record<string, string>> = {},
  foreign: readonly MarketplacePricing[] = [],
): OfferPlan {
  const last = new Map(sent.map((s) => [key(s.field, s.offerId), s]));
  const groups = new Map<string, ChangeGroup>();
  const plan: OfferPlan = {
    groups: [],
    held: [],
    unknown: [],
    soldOut: [],
    withoutPrice: [],
    notPriced: [],
    changes: 0,
  };
  const add = (field: OfferField, value: string, offerId: string) => {
    const group = groups.get(key(field, value)) ?? { field, value, offerIds: [] };
    group.offerIds.push(offerId);
    groups.set(key(field, value), group);
    plan.changes++;
  };
  /** Sends `wanted` unless it is what the offer shows, or it moves more than the guard allows unapproved. */
  const price = (offerId: string, field: OfferField, wanted: Minor, marketplace?: ForeignMarketplace) => {
    const value = formatMinor(wanted);
    const shown = last.get(key(field, offerId)) as SentValue;
    if (value === shown.value) return;
    const percent = changePercent(shown.value, value);
    if (Math.abs(percent) > rules.priceGuardPercent && approved[approvalKey(offerId, marketplace)] !== value)
      plan.held.push({
        offerId,
        ...(marketplace && { marketplace }),
        from: shown.value,
        to: value,
        changePercent: percent,
      });
    else add(field, value, offerId);
  };
  for (const source of sources) {
    const fields: OfferField[] = ['quantity', 'price', ...foreign.map((f) => foreignPriceField(f.marketplace))];
    if (fields.some((field) => !last.has(key(field, source.offerId)))) {
      plan.unknown.push(source.offerId);
      continue;
    }
    const wantedQuantity = quantityForSale(source.stock);
    const quantity = last.get(key('quantity', source.offerId)) as SentValue;
    if (wantedQuantity === 0) plan.soldOut.push(source.offerId);
    else if (String(wantedQuantity) !== quantity.value) add('quantity', String(wantedQuantity), source.offerId);

    const wantedPrice = offerPrice(source, rules.markupPercent);
    if (wantedPrice === null) {
      plan.withoutPrice.push(source.offerId);
      continue;
    }
    price(source.offerId, 'price', wantedPrice);

    // Foreign prices start from Optima's gross price: the base markup is allegro.pl's own.
    const gross = offerPrice(source, 0) as Minor;
    for (const pricing of foreign) {
      const field = foreignPriceField(pricing.marketplace);
      if ((last.get(key(field, source.offerId)) as SentValue).state === 'unlisted') continue;
      const { offerId } = source;
      const converted =
        pricing.rate === null ? null : convertOfferPrice(gross, pricing.rate, pricing.markupPercent, pricing.currency);
      if (converted === null)
        plan.notPriced.push({
          offerId,
          marketplace: pricing.marketplace,
          reason:
            pricing.rate === null
              ? `no ${pricing.currency} price on ${pricing.marketplace}: ${pricing.missingRate ?? 'no exchange rate'}`
              : `the price on ${pricing.marketplace} rounds to 0 ${pricing.currency}`,
        });
      else price(offerId, field, converted, pricing.marketplace);
    }
  }
  plan.groups = [...groups.values()];
  return plan;
}
