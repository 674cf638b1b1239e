/**
 * Offer prices on Allegro's foreign marketplaces (allegro.cz CZK, allegro.sk EUR, allegro.hu HUF):
 * Optima's gross PLN price at the NBP rate (domain/exchange-rates.ts), with the marketplace's
 * markup, rounded as Allegro takes the currency. Allegro keeps one price per marketplace
 * (`additionalMarketplaces`, PITFALLS #20); only the marketplaces named in the settings are priced
 * from Optima, the others keep what the seller or Allegro set. Pure: no port, no clock.
 */
import { parseRate } from './exchange-rates';
import type { Minor } from './types';

export const FOREIGN_MARKETPLACES = ['allegro-cz', 'allegro-sk', 'allegro-hu'] as const;
export type ForeignMarketplace = (typeof FOREIGN_MARKETPLACES)[number];

export const MARKETPLACE_CURRENCY: Record<ForeignMarketplace, string> = {
  'allegro-cz': 'CZK',
  'allegro-sk': 'EUR',
  'allegro-hu': 'HUF',
};

/**
 * The smallest step of a price, in minor units: Allegro refuses CZK prices with hellers
 * (`InvalidPricePrecision`, PITFALLS #20) and takes CZK and HUF only as `.00` (CONTRACT.md §1).
 */
const PRICE_STEP: Record<string, number> = { CZK: 100, HUF: 100 };

/** The record key of a marketplace's price (AO.OfferExports.Field, varchar(10)): `price-cz`. */
export type ForeignPriceField = `price-${'cz' | 'sk' | 'hu'}`;

export function foreignPriceField(marketplace: ForeignMarketplace): ForeignPriceField {
  return `price-${marketplace.slice('allegro-'.length)}` as ForeignPriceField;
}

/** The marketplace whose price a record holds; null for the base price and the quantity. */
export function marketplaceOfField(field: string): ForeignMarketplace | null {
  return FOREIGN_MARKETPLACES.find((m) => foreignPriceField(m) === field) ?? null;
}

/** How one foreign marketplace is priced in this run: its markup and the rate found, or why none was. */
export interface MarketplacePricing {
  marketplace: ForeignMarketplace;
  currency: string;
  /** Added to Optima's gross PLN price before conversion, in percent (negative: a discount). */
  markupPercent: number;
  /** PLN per unit (NBP table A), or null when there is no rate. */
  rate: string | null;
  /** With no rate: why, for the people reading the status. */
  missingRate?: string;
}

/**
 * Optima's gross PLN price (grosze) in the marketplace currency's minor units:
 * grosze × (100 + markup) / 100 / rate, computed exactly, rounded once, half up, to the
 * currency's step (whole crowns and forints, euro cents). Null when it rounds to nothing.
 */
export function convertOfferPrice(
  grossPln: Minor,
  rate: string,
  markupPercent: number,
  currency: string,
): Minor | null {
  if (!Number.isSafeInteger(grossPln) || grossPln <= 0) return null;
  const { digits, scale } = parseRate(rate);
  const markup = BigInt(10_000 + Math.round(markupPercent * 100));
  if (markup <= 0n) return null;
  const step = BigInt(PRICE_STEP[currency] ?? 1);
  // minor = grosze × markup/10000 × scale/digits; in steps: divided by step, rounded half up.
  const numerator = BigInt(grossPln) * markup * scale;
  const denominator = 10_000n * digits * step;
  const steps = numerator / denominator + (2n * (numerator % denominator) >= denominator ? 1n : 0n);
  const minor = Number(steps * step);
  return minor > 0 ? minor : null;
}
