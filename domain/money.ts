import type { Minor } from './types';

const DECIMAL = /^(-)?(\d+)(?:\.(\d{1,2}))?$/;

/**
 * Allegro sends money as decimal strings ("123.45", "118.00"); we keep integer minor
 * units so that totals add up to the grosz. Floats never touch an amount.
 */
export function parseMinor(amount: string): Minor {
  const m = DECIMAL.exec(amount.trim());
  if (!m) throw new Error(`not a money amount with at most 2 decimals: "${amount}"`);
  const [, sign, whole, frac = ''] = m;
  const minor = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  if (!Number.isSafeInteger(minor)) throw new Error(`money amount out of range: "${amount}"`);
  return sign ? -minor : minor;
}

/** 12345 → "123.45" (for logs, Optima decimal parameters and people). */
export function formatMinor(minor: Minor): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Integer division rounding half away from zero, as Optima rounds to 0.01. */
function divRound(numerator: number, denominator: number): number {
  const q = Math.floor(Math.abs(numerator) / denominator);
  const r = Math.abs(numerator) % denominator;
  const rounded = 2 * r >= denominator ? q + 1 : q;
  return numerator < 0 ? -rounded : rounded;
}

/**
 * VAT contained in a gross amount at a rate in percent (gross pricing, TrN_TypNB = 2):
 * VAT = gross × rate / (100 + rate), rounded to the grosz. Rates may have decimals
 * (e.g. 5.5 on foreign marketplaces): scaled to hundredths to stay in integers.
 */
export function vatFromGross(gross: Minor, ratePercent: number): Minor {
  const rate100 = Math.round(ratePercent * 100);
  return divRound(gross * rate100, 10000 + rate100);
}

/** unit × quantity, exact for integer quantities and quantities with up to 4 decimals. */
export function lineValue(unit: Minor, quantity: number): Minor {
  const q10000 = Math.round(quantity * 10000);
  return divRound(unit * q10000, 10000);
}
