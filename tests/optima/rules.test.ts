import { paymentFormType as seedPaymentFormType, FPL_TYP, KSEF_PAYMENT_FORM } from '../../dev/embedded-optima';
import { PermanentError } from '../../domain/errors';
import { vatFromGross } from '../../domain/money';
import {
  composeDescription,
  cut,
  nipForms,
  numberingString,
  paymentFormType,
  splitStreet,
  uniqueCodes,
} from '../../activities/optima/rules';
import { vatTable } from '../../domain/vat';

describe('cut', () => {
  test('cuts to the column length in UTF-16 units and never splits an emoji', () => {
    expect(cut('Łódź', 10)).toBe('Łódź');
    expect(cut('Zażółć gęślą jaźń', 6)).toBe('Zażółć');
    const emoji = 'ab😀cd'; // 😀 is two UTF-16 units
    expect(cut(emoji, 3)).toBe('ab');
    expect(cut(emoji, 4)).toBe('ab😀');
    expect(cut('x'.repeat(300), 50)).toHaveLength(50);
  });
});

describe('splitStreet', () => {
  test.each([
    ['ul. Długa 5/3', { street: 'ul. Długa', house: '5', flat: '3' }],
    ['Aleje Jerozolimskie 123A m. 45', { street: 'Aleje Jerozolimskie', house: '123A', flat: '45' }],
    ['Marszałkowska 10', { street: 'Marszałkowska', house: '10', flat: '' }],
    ['Plac Zbawiciela', { street: 'Plac Zbawiciela', house: '', flat: '' }],
    ['  Polna   3 lok. 4 ', { street: 'Polna', house: '3', flat: '4' }],
  ])('%s', (line, parts) => {
    expect(splitStreet(line)).toEqual(parts);
  });
});

describe('numberingString (DDf_Numeracja → TrN_NumerString)', () => {
  const ctx = { symbol: 'RO', documentDate: '2026-03-05', warehouseSymbol: 'MAG' };
  test('resolves every token except @numerS and drops @brak slots', () => {
    expect(numberingString('@symbol/@numerS/@rok_kal', ctx, 31)).toBe('RO/@numerS/2026');
    expect(numberingString('@brak/@symbol/@rok_kal/@numerS/@brak', ctx, 31)).toBe('RO/2026/@numerS');
    expect(numberingString('@symbol/@numerS/@miesiac/@rok_kal', ctx, 31)).toBe('RO/@numerS/03/2026');
    expect(numberingString('@symbol/@rejestr/@numerS/@rok_kal', { ...ctx, series: 'ALL' }, 31)).toBe(
      'RO/ALL/@numerS/2026',
    );
    expect(numberingString('@symbol/@rejestr/@numerS/@rok_kal', ctx, 31)).toBe('RO/@numerS/2026');
    expect(numberingString('@symbol/@magazyn/@numerS', ctx, 31)).toBe('RO/MAG/@numerS');
  });
  test('refuses templates it cannot resolve, with what to fix', () => {
    expect(() => numberingString('@symbol/@numerS/@rok_obr', ctx, 31)).toThrow(PermanentError);
    expect(() => numberingString('@symbol/@numerS/@rok_obr', ctx, 31)).toThrow(/@rok_obr/);
    expect(() => numberingString('@symbol/@rok_kal', ctx, 31)).toThrow(/@numerS exactly once/);
    expect(() => numberingString('@symbol/@rejestr/@numerS', { ...ctx, series: 'X'.repeat(30) }, 31)).toThrow(
      /longer than/,
    );
  });
});

describe('vatTable', () => {
  test('one row per rate, VAT from the gross sum of the rate, highest rate first', () => {
    const rows = vatTable([
      { vatRate: 5, grossValue: 1850 },
      { vatRate: 23, grossValue: 2999 },
      { vatRate: 23, grossValue: 11900 },
      { vatRate: 8, grossValue: 1099 },
    ]);
    expect(rows.map((r) => r.vatRate)).toEqual([23, 8, 5]);
    expect(rows[0]).toEqual({
      vatRate: 23,
      gross: 14899,
      vat: vatFromGross(14899, 23),
      net: 14899 - vatFromGross(14899, 23),
    });
    for (const r of rows) expect(r.net + r.vat).toBe(r.gross);
  });
});

describe('nipForms', () => {
  test.each([
    ['527-300-01-54', { bare: '5273000154', withCountry: 'PL5273000154', country: 'PL' }],
    ['PL 527 300 01 54', { bare: '5273000154', withCountry: 'PL5273000154', country: 'PL' }],
    ['cz12345678', { bare: '12345678', withCountry: 'CZ12345678', country: 'CZ' }],
  ])('%s', (nip, forms) => expect(nipForms(nip)).toEqual(forms));
});

describe('uniqueCodes', () => {
  test('the code cut to the limit, then with -2, -3… inside the limit', () => {
    const first: string[] = [];
    for (const code of uniqueCodes('ALLEGRO_BARDZO_DLUGI_LOGIN_KUPUJACEGO', 20)) {
      first.push(code);
      if (first.length === 3) break;
    }
    expect(first).toEqual(['ALLEGRO_BARDZO_DLUGI', 'ALLEGRO_BARDZO_DLU-2', 'ALLEGRO_BARDZO_DLU-3']);
    for (const c of first) expect(c.length).toBeLessThanOrEqual(20);
  });
});

describe('composeDescription', () => {
  test('keeps the message and adds full cut texts that fit; joins labels of the same text', () => {
    const text = composeDescription(
      'Proszę o fakturę',
      [
        { label: 'Nabywca, nazwa', full: 'A'.repeat(60) },
        { label: 'Odbiorca, nazwa', full: 'A'.repeat(60) },
        { label: 'Odbiorca, ulica', full: 'B'.repeat(2000) },
      ],
      1024,
    );
    expect(text).toBe(`Proszę o fakturę\nNabywca, nazwa; Odbiorca, nazwa: ${'A'.repeat(60)}`);
  });
});

describe('paymentFormType', () => {
  test('reads FPl_Typ / FPl_KSeFId as the embedded Optima seeds them', () => {
    const codes = [...Object.values(FPL_TYP), 0, 9].flatMap((typ) =>
      [...Object.values(KSEF_PAYMENT_FORM), 0].map((ksef) => [typ, ksef] as const),
    );
    for (const [typ, ksef] of codes)
      expect({ typ, ksef, type: paymentFormType(typ, ksef) }).toEqual({
        typ,
        ksef,
        type: seedPaymentFormType(typ, ksef),
      });
  });
});
