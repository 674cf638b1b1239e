/**
 * Exchange rates for documents in a foreign currency (allegro.cz CZK, allegro.sk EUR,
 * allegro.hu HUF). Polish VAT rules take the NBP table A average rate of the last business
 * day BEFORE the tax point. Pure: the port's types, the candidate dates, the exact converter.
 * No Node built-ins, so workflow code may import it.
 */
import { ERROR_TYPES } from './errors';
import type { Minor } from './types';

export interface ExchangeRate {
  /** ISO 4217 code, upper case, e.g. "EUR". */
  currency: string;
  /** PLN for 1 unit, exact decimal as NBP publishes it, e.g. "0.1712": never a float in money math. */
  rate: string;
  /** NBP table number, e.g. "231/A/NBP/2026": Optima and the auditor want it on the document. */
  tableNumber: string;
  /** The day the table was published (YYYY-MM-DD), always before the tax point. */
  effectiveDate: string;
}

/** The port: activities/rates/nbp.ts is the real adapter. */
export interface ExchangeRates {
  /** The table A rate of the last business day before `taxPointDate` (YYYY-MM-DD). */
  rateBefore(currency: string, taxPointDate: string): Promise<ExchangeRate>;
}

/**
 * No rate for the currency before the tax point (no table in the whole window, or a currency
 * NBP does not quote). Never guessed: the order waits for a person with this reason, and is
 * imported on `retry` once the rate is there. Its `name` is the NeedsPerson type and
 * `details.reason` the reason, which is how activities/index.ts and the workflow read a
 * NeedsPersonError (whose closed reason list in domain/errors.ts has no entry for rates yet).
 */
export class ExchangeRateMissingError extends Error {
  override readonly name = ERROR_TYPES.needsPerson;
  readonly details: { reason: 'exchange-rate-missing'; currency: string; taxPointDate: string };
  constructor(currency: string, taxPointDate: string, why: string) {
    super(`no NBP table A rate for ${currency} before the tax point ${taxPointDate}: ${why}`);
    this.details = { reason: 'exchange-rate-missing', currency, taxPointDate };
  }
}

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Milliseconds of a calendar date at 00:00 UTC; throws on anything but a real YYYY-MM-DD. */
function dayMs(date: string): number {
  const m = ISO_DATE.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (Number.isNaN(ms) || isoDate(ms) !== date) throw new Error(`not a calendar date YYYY-MM-DD: "${date}"`);
  return ms;
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** `date` moved by `days` calendar days (negative: back). */
export function addDays(date: string, days: number): string {
  return isoDate(dayMs(date) + days * DAY_MS);
}

/**
 * The days that may hold the rate for a tax point, newest first: the weekdays among the
 * `windowDays` calendar days before it. Which of them had no table (Polish holidays) only
 * NBP knows, so the adapter asks for the whole window and takes the newest table in it.
 */
export function rateDateCandidates(taxPointDate: string, windowDays = 10): string[] {
  const end = dayMs(taxPointDate);
  const out: string[] = [];
  for (let back = 1; back <= windowDays; back++) {
    const ms = end - back * DAY_MS;
    const weekday = new Date(ms).getUTCDay();
    if (weekday !== 0 && weekday !== 6) out.push(isoDate(ms));
  }
  return out;
}

/** The rate that applies to the tax point: the newest one published strictly before it. */
export function rateForTaxPoint<T extends { effectiveDate: string }>(
  published: readonly T[],
  taxPointDate: string,
): T | undefined {
  dayMs(taxPointDate);
  let best: T | undefined;
  for (const r of published) {
    // YYYY-MM-DD strings compare like dates.
    if (r.effectiveDate < taxPointDate && (!best || r.effectiveDate > best.effectiveDate)) best = r;
  }
  return best;
}

const RATE = /^(\d+)(?:\.(\d+))?$/;

/** "4.2345" → 42345n / 10^4; throws on a sign, an exponent or anything but a positive decimal. */
export function parseRate(rate: string): { digits: bigint; scale: bigint } {
  const m = RATE.exec(rate);
  if (!m) throw new Error(`not an exchange rate: "${rate}"`);
  const frac = m[2] ?? '';
  const digits = BigInt(m[1] + frac);
  if (digits === 0n) throw new Error(`exchange rate is zero: "${rate}"`);
  return { digits, scale: 10n ** BigInt(frac.length) };
}

/**
 * An amount in minor units of the foreign currency (1/100: euro cents, haléře, fillér; how
 * domain/money.ts parses every Allegro amount) in PLN grosze at `rate` PLN per unit.
 * grosze = minor / 100 × rate × 100 = minor × rate, computed exactly in BigInt and rounded
 * once to the grosz, half away from zero: how Optima rounds to 0.01 (as divRound in
 * domain/money.ts), so a refund converts to exactly minus the sale.
 */
export function toPlnGrosze(minor: Minor, rate: string): Minor {
  if (!Number.isSafeInteger(minor)) throw new Error(`amount is not an integer of minor units: ${minor}`);
  const { digits, scale } = parseRate(rate);
  const product = BigInt(Math.abs(minor)) * digits;
  const whole = product / scale;
  const rounded = 2n * (product % scale) >= scale ? whole + 1n : whole;
  const grosze = Number(minor < 0 ? -rounded : rounded);
  if (!Number.isSafeInteger(grosze)) throw new Error(`converted amount out of range: ${minor} × ${rate}`);
  return grosze;
}
