/**
 * The demo company in the embedded Optima: the goods, payment forms and delivery services
 * of dev/catalogue.ts (so that the Allegro simulator's orders match), plus what a real
 * Optima company has before an integrator arrives: warehouses, price types, contractors,
 * document definitions with numbering, attribute definitions, the ADMIN operator and the
 * company's row in the config DB.
 *
 * Idempotent: every row is looked up by its natural key (symbol, code, name) first.
 * Code values marked [G] are guesses, as SCHEMA.md marks them.
 */
import type { Database } from 'better-sqlite3';
import { DEMO_DELIVERY_METHODS, DEMO_OFFERS, DEMO_PAYMENT_FORMS } from '../catalogue';
import { formatMinor, lineValue, parseMinor, vatFromGross } from '../../domain/money';
import type { DocumentKind, Minor, PaymentFormRef } from '../../domain/types';
import { ensureRow } from './rows';
import { columnInfo, sqlDateTime } from './schema';

export const DEMO_COMPANY = {
  /** Baz_Nazwa: the "firma" an operator logs into. */
  name: 'Sklep Demo',
  /** The SQL Server database it would be (Baz_Dostep / Baz_NazwaBazy). */
  database: 'CDN_SklepDemo',
  nip: '6770011221',
};

/** Twr_Typ (SCHEMA.md §7.1, [C2+]). */
export const TWR_TYP = { service: 0, goods: 1 } as const;

/** VAT flag of a taxable rate (Twr_Flaga / TrE_Flaga / TrV_Flaga = 2, SCHEMA.md §9). */
export const VAT_FLAG_TAXABLE = 2;

/** DeA_Typ (SCHEMA.md §10): 1 item, 2 contractor, 4 document. */
export const DEA_TYP = { item: 1, contractor: 2, document: 4 } as const;

/** FPl_Typ [G]: not documented publicly; order of Comarch's list "Gotówka, Przelew, Karta, Kompensata". */
export const FPL_TYP = { cash: 1, transfer: 2, card: 3, compensation: 4 } as const;

/** FPl_KSeFId: the KSeF (FA(3)) payment-form code, a public standard: the reliable "kind". */
export const KSEF_PAYMENT_FORM = { cash: 1, card: 2, credit: 5, transfer: 6 } as const;

/** The payment form kind of a CDN.FormyPlatnosci row, as this seed encodes it. */
export function paymentFormType(fplTyp: number, ksefId: number): PaymentFormRef['type'] {
  if (ksefId === KSEF_PAYMENT_FORM.credit) return 'credit';
  if (fplTyp === FPL_TYP.cash) return 'cash';
  if (fplTyp === FPL_TYP.transfer) return 'transfer';
  if (fplTyp === FPL_TYP.card) return 'card';
  return 'other';
}

const FORM_CODES: Record<PaymentFormRef['type'], { typ: number; ksef: number }> = {
  cash: { typ: FPL_TYP.cash, ksef: KSEF_PAYMENT_FORM.cash },
  transfer: { typ: FPL_TYP.transfer, ksef: KSEF_PAYMENT_FORM.transfer },
  card: { typ: FPL_TYP.card, ksef: KSEF_PAYMENT_FORM.card },
  // Cash on delivery and deferred payment are paid by transfer later; KSeF says "kredyt".
  credit: { typ: FPL_TYP.transfer, ksef: KSEF_PAYMENT_FORM.credit },
  other: { typ: FPL_TYP.compensation, ksef: 0 },
};

export const DEMO_WAREHOUSES = [
  { symbol: 'MAG', name: 'Magazyn główny', isDefault: true },
  { symbol: 'ALLEGRO', name: 'Magazyn wysyłkowy Allegro', isDefault: false },
] as const;

/** CDN.DefCeny. DfC_Typ [G]: 1 net, 2 gross (TwC_Typ likewise). `detaliczna` (gross) is the selling price. */
export const DEMO_PRICE_TYPES = [
  { number: 1, name: 'zakupu', gross: false },
  { number: 2, name: 'hurtowa 1', gross: false },
  { number: 3, name: 'hurtowa 2', gross: false },
  { number: 4, name: 'detaliczna', gross: true },
] as const;
export const RETAIL_PRICE_NUMBER = 4;

/** Numbering template (SCHEMA.md §12): RO/@numerS/2026 is stored, RO/12/2026 printed. */
export const DEMO_NUMBERING = '@symbol/@numerS/@rok_kal';

export const DEMO_DEFINITIONS: { symbol: DocumentKind | 'PW'; documentClass: number; name: string }[] = [
  { symbol: 'RO', documentClass: 308, name: 'Rezerwacja odbiorcy' },
  { symbol: 'FS', documentClass: 302, name: 'Faktura sprzedaży' },
  { symbol: 'PA', documentClass: 305, name: 'Paragon' },
  // PW = 303 is [C1] (SCHEMA.md §2.2): stock receipts of `import-offers`.
  { symbol: 'PW', documentClass: 303, name: 'Przyjęcie wewnętrzne' },
];

/** Document attribute definitions (DeA_Typ 4) the integrator writes. DeA_Format 1 = text [G]. */
export const DEMO_ATTRIBUTES = [
  { code: 'ALLEGRO_ID', name: 'Allegro: id zamówienia' },
  { code: 'ALLEGRO_KONTO', name: 'Allegro: konto sprzedawcy' },
  { code: 'ALLEGRO_LOGIN', name: 'Allegro: login kupującego' },
  { code: 'ALLEGRO_BRAK_KARTY', name: 'Allegro: pozycje bez karty towaru' },
  { code: 'ALLEGRO_USTAWIENIA', name: 'Allegro: wersja ustawień importu' },
] as const;

export const UNKNOWN_CONTRACTOR_CODE = '!NIEOKREŚLONY!';

/** Knt_Nip as typed in Optima (with dashes), Knt_NipE digits only [G]; Knt_NipKraj empty for Poland [G]. */
export const DEMO_CONTRACTORS = [
  {
    code: 'PRZYKLAD',
    name1: 'Hurtownia Przykład Sp. z o.o.',
    nip: '527-300-01-54',
    nipDigits: '5273000154',
    isCompany: true,
    email: 'biuro@przyklad.example',
    phone: '+48 22 100 20 30',
    street: 'Marszałkowska',
    house: '10',
    flat: '5',
    city: 'Warszawa',
    postCode: '00-590',
    paymentForm: 'przelew',
  },
  {
    code: 'KOWALSKI JAN',
    name1: 'Jan Kowalski',
    nip: '',
    nipDigits: '',
    isCompany: false,
    email: 'jan.kowalski@example.com',
    phone: '+48 600 100 200',
    street: 'Polna',
    house: '3',
    flat: '4',
    city: 'Poznań',
    postCode: '60-101',
    paymentForm: 'gotówka',
  },
  {
    code: UNKNOWN_CONTRACTOR_CODE,
    name1: 'Nieokreślony',
    nip: '',
    nipDigits: '',
    isCompany: false,
    email: '',
    phone: '',
    street: '',
    house: '',
    flat: '',
    city: '',
    postCode: '',
    paymentForm: 'gotówka',
  },
] as const;

export const DEMO_OPERATOR = { code: 'ADMIN', name: 'Administrator', warehouse: 'MAG' } as const;

/**
 * Optima's names of the goods (Twr_Nazwa) where the card is not found by name: shop
 * assistants name cards their own way, so only the 'name' offers match by title.
 */
const OPTIMA_NAMES: Record<string, string> = {
  'KUB-350-KRK': 'Kubek ceramiczny 350 ml, wzór Kraków',
  'HER-EG-100': 'Herbata Earl Grey liściasta 100 g',
  'KS-PT-SZK': 'Pan Tadeusz – wydanie szkolne',
  'LAD-65W-GAN': 'Ładowarka sieciowa USB-C 65 W GaN',
  'KAB-CC-2M': 'Kabel USB-C/USB-C 2 m',
  'KOC-150-SZ': 'Koc polarowy 150×200, szary',
  'SWI-LAS-200': 'Świeca sojowa Las 200 g',
  'MAK-ZYT-1': 'Mąka żytnia typ 720 1 kg',
  'PLE-20-GR': 'Plecak miejski 20 l, granatowy',
  'SRU-24-PREC': 'Wkrętaki precyzyjne, zestaw 24 el.',
};

/**
 * A good whose offer EAN is only an additional code (CDN.TwrEan), its main Twr_EAN being
 * the shop's own in-store barcode: lookups must search both.
 */
const IN_STORE_EAN: Record<string, string> = { 'MAK-ZYT-1': '2000000000015' };

/** Fixed date of the opening stock rows (TwI_Data), so that reseeding finds them. */
export const OPENING_STOCK_DATE = '2025-01-01 00:00:00';

export interface CompanySeedIds {
  warehouses: Record<string, number>;
  paymentForms: Record<string, number>;
  priceTypes: Record<string, number>;
  /** Twr_Kod → Twr_TwrId of goods and delivery services. */
  products: Record<string, number>;
  contractors: Record<string, number>;
  definitions: Record<string, number>;
  attributes: Record<string, number>;
}

/**
 * FPl_Nazwa of a catalogue payment form. The column holds 20 characters and Optima cuts
 * what is typed there, so a longer catalogue name is stored cut, as Optima would.
 */
export function paymentFormName(catalogueName: string): string {
  const max = columnInfo('FormyPlatnosci', 'FPl_Nazwa').maxLength!;
  return catalogueName.slice(0, max);
}

/** Net from gross at a VAT rate, to the grosz. */
function netOf(gross: Minor, vatRate: number): Minor {
  return gross - vatFromGross(gross, vatRate);
}

/** The demo's purchase price: 60 % of the retail net. */
function purchaseNet(retailNet: Minor): Minor {
  return lineValue(retailNet, 0.6);
}

/** Price rows for every price type: purchase 60 %, wholesale 85 % / 80 % of the retail net. */
export function seedPrices(db: Database, productId: number, gross: Minor, vatRate: number): void {
  const net = netOf(gross, vatRate);
  const values: Record<number, Minor> = {
    1: purchaseNet(net),
    2: lineValue(net, 0.85),
    3: lineValue(net, 0.8),
    [RETAIL_PRICE_NUMBER]: gross,
  };
  for (const p of DEMO_PRICE_TYPES) {
    ensureRow(
      db,
      'TwrCeny',
      { TwC_TwrID: productId, TwC_TwCNumer: p.number },
      {
        TwC_Typ: p.gross ? 2 : 1,
        TwC_Wartosc: formatMinor(values[p.number]),
        TwC_Waluta: 'PLN',
        TwC_Zaokraglenie: 0.01,
      },
    );
  }
}

export function productValues(
  code: string,
  name: string,
  ean: string,
  typ: number,
  unit: string,
  vatRate: number,
  now: string,
) {
  return {
    Twr_Kod: code,
    Twr_Nazwa: name,
    Twr_EAN: ean,
    Twr_Typ: typ,
    Twr_Produkt: 0,
    Twr_JM: unit,
    Twr_Stawka: vatRate,
    Twr_Flaga: VAT_FLAG_TAXABLE,
    Twr_StawkaZak: vatRate,
    Twr_FlagaZak: VAT_FLAG_TAXABLE,
    Twr_FlagaExport: VAT_FLAG_TAXABLE,
    Twr_TwCNumer: RETAIL_PRICE_NUMBER,
    Twr_Waluta: 'PLN',
    Twr_KursL: 1,
    Twr_KursM: 1,
    TwR_KursLZakOld: 1,
    TwR_KursMZakOld: 1,
    Twr_JmPomPrzelicznikL: 1,
    Twr_JmPomPrzelicznikM: 1,
    Twr_OpeZalKod: DEMO_OPERATOR.code,
    Twr_OpeModKod: DEMO_OPERATOR.code,
    Twr_TS_Zal: now,
    Twr_TS_Mod: now,
  };
}

/** Seeds the company database (its `CDN` schema) in one transaction. */
export function seedCompany(db: Database, now: Date = new Date()): CompanySeedIds {
  const ts = sqlDateTime(now);
  const audit = (p: string) => ({
    [`${p}_OpeZalKod`]: DEMO_OPERATOR.code,
    [`${p}_OpeModKod`]: DEMO_OPERATOR.code,
    [`${p}_TS_Zal`]: ts,
    [`${p}_TS_Mod`]: ts,
  });
  return db.transaction((): CompanySeedIds => {
    const ids: CompanySeedIds = {
      warehouses: {},
      paymentForms: {},
      priceTypes: {},
      products: {},
      contractors: {},
      definitions: {},
      attributes: {},
    };

    for (const p of DEMO_PRICE_TYPES) {
      ids.priceTypes[p.name] = ensureRow(
        db,
        'DefCeny',
        { DfC_Lp: p.number },
        { DfC_Nazwa: p.name, DfC_Typ: p.gross ? 2 : 1, DfC_Waluta: 'PLN', DfC_Zaokraglenie: 0.01 },
      );
    }

    for (const w of DEMO_WAREHOUSES) {
      ids.warehouses[w.symbol] = ensureRow(
        db,
        'Magazyny',
        { Mag_Symbol: w.symbol },
        {
          Mag_Nazwa: w.name,
          Mag_Typ: 1,
          Mag_TwCNumer: RETAIL_PRICE_NUMBER,
          ...audit('Mag'),
        },
      );
    }

    for (const f of DEMO_PAYMENT_FORMS) {
      const codes = FORM_CODES[f.type];
      ids.paymentForms[f.name] = ensureRow(
        db,
        'FormyPlatnosci',
        { FPl_Nazwa: paymentFormName(f.name) },
        {
          FPl_Typ: codes.typ,
          FPl_KSeFId: codes.ksef,
          FPl_Termin: f.dueDays,
          FPl_Domyslna: f.name === 'gotówka' ? 1 : 0,
        },
      );
    }

    const mainWarehouse = ids.warehouses[DEMO_OPERATOR.warehouse];
    for (const offer of DEMO_OFFERS) {
      if (offer.optimaMatch === 'absent') continue;
      const name = offer.optimaMatch === 'name' ? offer.name : (OPTIMA_NAMES[offer.optimaCode] ?? offer.name);
      const byEan = offer.optimaMatch === 'ean' && offer.ean !== null;
      const inStore = IN_STORE_EAN[offer.optimaCode];
      const mainEan = byEan ? (inStore ?? offer.ean!) : '';
      const id = ensureRow(
        db,
        'Towary',
        { Twr_Kod: offer.optimaCode },
        productValues(offer.optimaCode, name, mainEan, TWR_TYP.goods, 'szt', offer.vatRate, ts),
      );
      ids.products[offer.optimaCode] = id;
      if (mainEan) ensureRow(db, 'TwrEan', { TwE_TwrID: id, TwE_EAN: mainEan }, { TwE_JM: 'szt', TwE_Domyslny: 1 });
      if (byEan && inStore) {
        ensureRow(
          db,
          'TwrEan',
          { TwE_TwrID: id, TwE_EAN: offer.ean! },
          { TwE_JM: 'szt', TwE_Domyslny: 0, TwE_Opis: 'EAN producenta' },
        );
      }
      const gross = parseMinor(offer.priceGross);
      seedPrices(db, id, gross, offer.vatRate);
      const unitCost = purchaseNet(netOf(gross, offer.vatRate));
      ensureRow(
        db,
        'TwrIlosci',
        { TwI_TwrId: id, TwI_MagId: mainWarehouse, TwI_Data: OPENING_STOCK_DATE },
        {
          TwI_Ilosc: offer.stock,
          TwI_Wartosc: formatMinor(unitCost * offer.stock),
        },
      );
    }

    for (const m of DEMO_DELIVERY_METHODS) {
      const id = ensureRow(
        db,
        'Towary',
        { Twr_Kod: m.optimaServiceCode },
        productValues(m.optimaServiceCode, m.optimaServiceName, '', TWR_TYP.service, 'usł.', 23, ts),
      );
      ids.products[m.optimaServiceCode] = id;
      seedPrices(db, id, parseMinor(m.costGross), 23);
    }

    for (const c of DEMO_CONTRACTORS) {
      ids.contractors[c.code] = ensureRow(
        db,
        'Kontrahenci',
        { Knt_Kod: c.code },
        {
          Knt_Nazwa1: c.name1,
          Knt_Nip: c.nip,
          Knt_NipE: c.nipDigits,
          Knt_Email: c.email,
          Knt_Telefon1: c.phone,
          Knt_Ulica: c.street,
          Knt_NrDomu: c.house,
          Knt_NrLokalu: c.flat,
          Knt_Miasto: c.city,
          Knt_Poczta: c.city,
          Knt_KodPocztowy: c.postCode,
          Knt_Kraj: 'Polska',
          Knt_KrajISO: 'PL',
          Knt_PodatekVat: c.isCompany ? 1 : 0,
          Knt_Finalny: c.isCompany ? 0 : 1,
          Knt_Rodzaj_Odbiorca: 1,
          Knt_FplID: ids.paymentForms[c.paymentForm],
          Knt_Termin: DEMO_PAYMENT_FORMS.find((f) => f.name === c.paymentForm)?.dueDays ?? 0,
          Knt_Ceny: RETAIL_PRICE_NUMBER,
          Knt_LimitKredytuWal: 'PLN',
          ...audit('Knt'),
        },
      );
    }

    for (const d of DEMO_DEFINITIONS) {
      ids.definitions[d.symbol] = ensureRow(
        db,
        'DokDefinicje',
        { DDf_Klasa: d.documentClass, DDf_Symbol: d.symbol },
        {
          DDf_Nazwa: d.name,
          DDf_Numeracja: DEMO_NUMBERING,
          ...audit('DDf'),
        },
      );
    }

    for (const a of DEMO_ATTRIBUTES) {
      ids.attributes[a.code] = ensureRow(
        db,
        'DefAtrybuty',
        { DeA_Typ: DEA_TYP.document, DeA_Kod: a.code },
        {
          DeA_Nazwa: a.name,
          DeA_Format: 1,
          DeA_CzyDrukowac: 0,
          ...audit('DeA'),
        },
      );
    }
    return ids;
  })();
}

export interface ConfigSeedIds {
  operatorId: number;
  companyId: number;
}

/** Seeds the config database: the ADMIN operator, the company row, its licence-server row. */
export function seedConfig(db: Database, now: Date = new Date()): ConfigSeedIds {
  const ts = sqlDateTime(now);
  return db.transaction((): ConfigSeedIds => {
    const operatorId = ensureRow(
      db,
      'Operatorzy',
      { Ope_Kod: DEMO_OPERATOR.code },
      {
        Ope_Nazwisko: DEMO_OPERATOR.name,
        Ope_Administrator: 1,
        Ope_Magazyn: DEMO_OPERATOR.warehouse,
        Ope_ModulMAG: 1,
        Ope_ModulKB: 1,
        Ope_ModulFA: 1,
        Ope_PelneMenu: 1,
        OPE_OpeZalKod: DEMO_OPERATOR.code,
        OPE_TS_Zal: ts,
        OPE_TS_Mod: ts,
      },
    );
    const companyId = ensureRow(
      db,
      'Bazy',
      { Baz_Nazwa: DEMO_COMPANY.name },
      {
        Baz_Dostep: `NET:${DEMO_COMPANY.database},(embedded),NT=1`,
        Baz_NIP: DEMO_COMPANY.nip,
        Baz_Opis: 'Firma demonstracyjna integratora Allegro → Optima',
      },
    );
    ensureRow(
      db,
      'BazModulyOperatora',
      { BMO_OpeID: operatorId, BMO_BazID: companyId },
      {
        BMO_ModulHA: 1,
        BMO_ModulKB: 1,
        BMO_SerwerKlucza: '(embedded licence simulator)',
      },
    );
    return { operatorId, companyId };
  })();
}
