/**
 * A document in the order's currency (allegro.cz CZK, allegro.sk EUR, allegro.hu HUF): the
 * currency columns keep Allegro's amounts as they are; the PLN columns are those amounts at
 * the NBP rate (domain/exchange-rates.ts), converted once here, exactly, rounded as Optima
 * rounds. Pure: the workflow's draft and the gateway's check use the same functions.
 */
import { toPlnGrosze, type ExchangeRate } from './exchange-rates';
import type { CurrencyExchange, DocumentLineDraft, Minor, VatRow } from './types';

/** Optima's home currency: its documents carry rate 1/1. */
export const HOME_CURRENCY = 'PLN';
/** TrN_KursNumer when the settings name none: what the one public direct-SQL writer used (SCHEMA.md §2.8). */
export const DEFAULT_RATE_TYPE_NUMBER = 3;
/** TrN_KursL is decimal(15,4), TrN_KursM decimal(5,0). */
const KURS_L_DECIMALS = 4;
const KURS_M_MAX = 99_999;

/**
 * A rate as Optima stores it: KursL / KursM with KursL of at most 4 decimals, so NBP's
 * 6-decimal HUF rate "0.010987" becomes 1.0987 per 100 forints, exactly the same rate.
 */
export function optimaRate(rate: string): { kursL: number; kursM: number } {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(rate);
  if (!m) throw new Error(`not an exchange rate: "${rate}"`);
  const frac = m[2] ?? '';
  const shift = Math.max(0, frac.length - KURS_L_DECIMALS);
  const kursM = 10 ** shift;
  if (kursM > KURS_M_MAX) throw new Error(`exchange rate "${rate}" has more decimals than Optima keeps`);
  const kursL = Number(`${m[1]}${frac.slice(0, shift)}.${frac.slice(shift) || '0'}`);
  return { kursL, kursM };
}

/**
 * Each VAT row's net and VAT converted on their own (the VAT in PLN is what the tax return
 * takes: the currency VAT at the rate), gross their sum.
 */
export function vatRowsInPln(vat: readonly VatRow[], rate: string): VatRow[] {
  return vat.map((row) => {
    const net = toPlnGrosze(row.net, rate);
    const tax = toPlnGrosze(row.vat, rate);
    return { vatRate: row.vatRate, net, vat: tax, gross: net + tax };
  });
}

/**
 * Lines' gross values in PLN: within a VAT rate, each line takes the rounded running total
 * at the rate minus the one before it, and the rate's last line the rest of its VAT row's
 * gross, so lines, VAT table and header agree to the grosz (the rest is at most 1 grosz).
 */
export function linesInPln(
  lines: readonly Pick<DocumentLineDraft, 'vatRate' | 'grossValue'>[],
  vatPln: readonly VatRow[],
  rate: string,
): Minor[] {
  const out: Minor[] = new Array<Minor>(lines.length).fill(0);
  for (const row of vatPln) {
    const indexes = lines.flatMap((l, i) => (l.vatRate === row.vatRate ? [i] : []));
    let running = 0;
    let convertedBefore = 0;
    for (const i of indexes) {
      running += lines[i].grossValue;
      const converted = toPlnGrosze(running, rate);
      out[i] = converted - convertedBefore;
      convertedBefore = converted;
    }
    const last = indexes[indexes.length - 1];
    if (last !== undefined) out[last] += row.gross - convertedBefore;
  }
  return out;
}

/** The exchange part of a foreign-currency draft. */
export function currencyExchange(
  rate: ExchangeRate,
  taxPointDate: string,
  kursNumer: number,
  lines: readonly Pick<DocumentLineDraft, 'vatRate' | 'grossValue'>[],
  vat: readonly VatRow[],
): CurrencyExchange {
  const vatPln = vatRowsInPln(vat, rate.rate);
  return {
    rate: rate.rate,
    ...optimaRate(rate.rate),
    kursNumer,
    tableNumber: rate.tableNumber,
    effectiveDate: rate.effectiveDate,
    taxPointDate,
    vatPln,
    linesGrossPln: linesInPln(lines, vatPln, rate.rate),
    grossTotalPln: vatPln.reduce((sum, r) => sum + r.gross, 0),
  };
}

/** The line of the description that names the rate, as an accountant reads it on the document. */
export function rateNote(exchange: CurrencyExchange, currency: string): string {
  return (
    `Kurs średni NBP ${exchange.rate} PLN/${currency}, tabela ${exchange.tableNumber} z dnia ` +
    `${exchange.effectiveDate} (ostatni dzień roboczy przed ${exchange.taxPointDate}).`
  );
}
