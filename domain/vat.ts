/**
 * The document's VAT table, computed the one way both the draft (domain/draft.ts) and the
 * Optima gateway's check of a draft use: VAT from the gross sum of each rate (TrN_TypNB = 2).
 */
import { vatFromGross } from './money';
import type { DocumentLineDraft, Minor, VatRow } from './types';

/** One row per rate, VAT from the rate's gross sum, highest rate first. */
export function vatTable(lines: readonly Pick<DocumentLineDraft, 'vatRate' | 'grossValue'>[]): VatRow[] {
  const byRate = new Map<number, Minor>();
  for (const l of lines) byRate.set(l.vatRate, (byRate.get(l.vatRate) ?? 0) + l.grossValue);
  return [...byRate.entries()]
    .sort(([a], [b]) => b - a)
    .map(([vatRate, gross]) => {
      const vat = vatFromGross(gross, vatRate);
      return { vatRate, net: gross - vat, vat, gross };
    });
}
