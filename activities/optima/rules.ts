/**
 * The gateway's pure rules: document classes, numbering templates, text cutting, address
 * and NIP handling, the VAT table. No I/O here, so they are tested on their own.
 */
import { PermanentError } from '../../domain/errors';
import { vatFromGross } from '../../domain/money';
import type { DocumentKind, Minor, PaymentFormRef } from '../../domain/types';

/** Kinds of documents the gateway writes: Optima class (TrN_TypDokumentu) and kind (TrN_Rodzaj). */
export const DOCUMENT_CLASSES = {
  RO: { documentClass: 308, kind: 308000 },
  FS: { documentClass: 302, kind: 302000 },
  // 305 is confirmed, 305000 a guess by analogy (SCHEMA.md §2.2 [G]); a PA also needs fiscal decisions.
  PA: { documentClass: 305, kind: 305000 },
  // Stock receipt for `import-offers`: class 303 [C1], kind 303000 [G].
  PW: { documentClass: 303, kind: 303000 },
} as const satisfies Record<DocumentKind | 'PW', { documentClass: number; kind: number }>;

export type WrittenKind = keyof typeof DOCUMENT_CLASSES;

export function kindOfClass(documentClass: number): WrittenKind | undefined {
  return (Object.keys(DOCUMENT_CLASSES) as WrittenKind[]).find(
    (k) => DOCUMENT_CLASSES[k].documentClass === documentClass,
  );
}

/** TrN_TypNB (SCHEMA.md §2.8): the document is computed from net or from gross prices. */
export const TYP_NB = { net: 1, gross: 2 } as const;
/** VAT flag 2 = taxable at the rate, including 0 % (SCHEMA.md §9). */
export const VAT_FLAG_TAXABLE = 2;
/** TrN_PodmiotTyp etc.: 1 = a contractor of CDN.Kontrahenci. */
export const PARTY_CONTRACTOR = 1;
/** Twr_Typ: 0 service, 1 goods. */
export const TWR_TYP = { service: 0, goods: 1 } as const;

// ---------------------------------------------------------------------------------------
// Text

/**
 * Cuts text to a column length in UTF-16 code units (what nvarchar(n) counts under a
 * non-SC collation such as Polish_CI_AS), never splitting an emoji's surrogate pair.
 */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--; // high surrogate whose low half would be cut off
  return text.slice(0, end);
}

export interface StreetParts {
  street: string;
  house: string;
  flat: string;
}

const HOUSE_NUMBER = /^(.*?\S)\s+(\d+[A-Za-z]?(?:[-–]\d+[A-Za-z]?)?)(?:\s*(?:\/|m\.|m|lok\.|lok)\s*(\d+[A-Za-z]?))?$/i;

/**
 * Allegro gives one street line ("ul. Długa 5/3"); Optima keeps street, house and flat
 * apart (Ulica/NrDomu/NrLokalu). A line that does not end in a number stays whole.
 */
export function splitStreet(line: string): StreetParts {
  const trimmed = line.trim().replace(/\s+/g, ' ');
  const m = HOUSE_NUMBER.exec(trimmed);
  if (!m) return { street: trimmed, house: '', flat: '' };
  return { street: m[1], house: m[2], flat: m[3] ?? '' };
}

/** Knt_Kraj / TrN_PodKraj hold a country name; Optima's own list says "Polska". */
export function countryName(countryCode: string): string {
  return countryCode.toUpperCase() === 'PL' ? 'Polska' : countryCode.toUpperCase();
}

const EU = new Set('AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PT RO SE SI SK'.split(' '));

/** TrN_Export / Knt_Export: 0 domestic, 3 EU buyer (S5 sets 3 for EU; other values unknown). */
export function exportFlag(countryCode: string): number {
  return EU.has(countryCode.toUpperCase()) ? 3 : 0;
}

export interface NipForms {
  /** The number without country prefix, separators removed, upper case. */
  bare: string;
  /** With its country prefix (PL when none was given). */
  withCountry: string;
  country: string;
}

/** A NIP as people type it ("PL 527-300-01-54") → the forms Optima may hold it in. */
export function nipForms(nip: string): NipForms {
  const compact = nip.replace(/[\s.-]/g, '').toUpperCase();
  const m = /^([A-Z]{2})(.+)$/.exec(compact);
  const country = m ? m[1] : 'PL';
  const bare = m ? m[2] : compact;
  return { bare, withCountry: `${country}${bare}`, country };
}

/**
 * Candidates for a unique code of at most `max` characters: the code itself, then the code
 * shortened to make room for "-2", "-3"… (Knt_Kod is 20 characters and unique).
 */
export function* uniqueCodes(code: string, max: number): Generator<string> {
  const base = cut(code.trim(), max);
  yield base;
  for (let n = 2; n < 10000; n++) {
    const suffix = `-${n}`;
    yield `${cut(base, max - suffix.length)}${suffix}`;
  }
}

export interface CutText {
  label: string;
  full: string;
}

/**
 * TrN_Opis: the buyer's message, then the full text of every name or address that had to
 * be cut for its column (one line per text, labels joined when buyer and recipient share
 * it), each only when it fits entirely (nothing is cut in half).
 */
export function composeDescription(description: string, cutTexts: CutText[], max: number): string {
  const labels = new Map<string, string[]>();
  for (const c of cutTexts) labels.set(c.full, [...(labels.get(c.full) ?? []), c.label]);
  let text = cut(description.trim(), max);
  for (const [full, names] of labels) {
    const line = `${names.join('; ')}: ${full}`;
    const next = text ? `${text}\n${line}` : line;
    if (next.length <= max) text = next;
  }
  return text;
}

// ---------------------------------------------------------------------------------------
// Numbering (SCHEMA.md §12)

export interface NumberingContext {
  symbol: string;
  /** YYYY-MM-DD */
  documentDate: string;
  /** Series (`@rejestr`); absent: the slot is left out. */
  series?: string;
  warehouseSymbol?: string;
}

/**
 * Resolves a DDf_Numeracja template (`@symbol/@numerS/@rok_kal`) to the TrN_NumerString
 * Optima stores: every token resolved except `@numerS`, `@brak` slots dropped.
 */
export function numberingString(template: string, ctx: NumberingContext, maxLength: number): string {
  const [year, month] = ctx.documentDate.split('-');
  const tokens: Record<string, string> = {
    '@symbol': ctx.symbol,
    '@numers': '@numerS',
    '@rok_kal': year ?? '',
    '@miesiac': month ?? '',
    '@rejestr': ctx.series ?? '',
    '@magazyn': ctx.warehouseSymbol ?? '',
    '@brak': '',
  };
  const segments = template.split('/').map((segment) =>
    segment.replace(/@[A-Za-z_]+/g, (token) => {
      const value = tokens[token.toLowerCase()];
      if (value === undefined) {
        throw new PermanentError(
          `numbering template "${template}" of definition ${ctx.symbol} has the token ${token}, which the integrator ` +
            "cannot fill: change the definition's numbering scheme in Optima or report the token",
          { system: 'optima', code: 'numbering-token' },
        );
      }
      return value;
    }),
  );
  const result = segments.filter((s) => s !== '').join('/');
  if (result.split('@numerS').length !== 2) {
    throw new PermanentError(
      `numbering template "${template}" of definition ${ctx.symbol} must contain @numerS exactly once`,
      { system: 'optima', code: 'numbering-template' },
    );
  }
  if (result.length > maxLength) {
    throw new PermanentError(
      `number pattern "${result}" is longer than Optima's ${maxLength} characters: shorten the series or the template`,
      { system: 'optima', code: 'numbering-length' },
    );
  }
  return result;
}

// ---------------------------------------------------------------------------------------
// Money

/** Net of a gross amount at a rate, VAT computed from gross (TrN_TypNB = 2). */
export function netFromGross(gross: Minor, vatRate: number): Minor {
  return gross - vatFromGross(gross, vatRate);
}

/** Minor units → the decimal number bound to a decimal(…, 2) parameter. */
export function decimalOf(minor: Minor): number {
  return minor / 100;
}

/** A decimal read back (number, or text on some drivers) → minor units. */
export function minorOf(value: unknown): Minor {
  return Math.round(Number(value) * 100);
}

/** Local time as Optima keeps it: `YYYY-MM-DD HH:MM:SS`. */
export function localDateTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

// ---------------------------------------------------------------------------------------
// Payment forms

/** FPl_KSeFId: the KSeF (FA) payment-form code, a public standard. */
const KSEF_CREDIT = 5;
/** FPl_Typ [G]: not documented; the order of Comarch's list "Gotówka, Przelew, Karta, Kompensata". */
const FPL_TYP: Record<number, PaymentFormRef['type']> = { 1: 'cash', 2: 'transfer', 3: 'card' };

export function paymentFormType(fplTyp: number, ksefId: number): PaymentFormRef['type'] {
  if (ksefId === KSEF_CREDIT) return 'credit';
  return FPL_TYP[fplTyp] ?? 'other';
}
