/**
 * Every SQL statement the Optima gateway runs, per dialect side by side: `mssql` (T-SQL for
 * the production Optima) and `sqlite` (the embedded Optima, dev/embedded-optima, where the
 * CDN tables live in an attached database named CDN and ours in one named AO). Where the
 * SQL can be the same it is the same string. Parameters are `@name` in both dialects
 * (better-sqlite3 binds `@name` from an object); values are never spliced into the text.
 *
 * tests/optima parse every `mssql` text with a T-SQL parser and check each CDN table and
 * column against optima-columns-2025.json, so a typo here fails a test, not a customer.
 */
import { COLUMNS, type OptimaColumn } from './columns';
import { datetime, decimal, int, nvarchar, type SqlType, varchar } from './sql-types';

export interface Statement {
  readonly mssql: string;
  /** null: nothing to run on SQLite (locks: its BEGIN IMMEDIATE already serialises writers). */
  readonly sqlite: string | null;
  readonly params: Readonly<Record<string, SqlType>>;
}

export type Dialect = 'mssql' | 'sqlite';

function same(sql: string, params: Record<string, SqlType> = {}): Statement {
  return { mssql: sql, sqlite: sql, params };
}

/** Types of columns passed as `@<column>` parameters, from the column catalogue. */
function columnParams(columns: readonly OptimaColumn[]): Record<string, SqlType> {
  return Object.fromEntries(columns.map((c) => [c, COLUMNS[c]]));
}

interface InsertSpec {
  /** Columns bound as parameters named like the column (`@TrN_Opis`). */
  params: readonly OptimaColumn[];
  /** Constant values (numbers or short ASCII text), same for every row. */
  fixed?: Readonly<Record<string, number | string>>;
  /** NOT NULL columns the integrator has nothing for: 0, as Optima stores "none". */
  zero?: readonly string[];
  /** NOT NULL text columns the integrator has nothing for: ''. */
  empty?: readonly string[];
}

function literal(value: number | string): string {
  if (typeof value === 'number') return String(value);
  // Constants only: anything that would need escaping belongs in a parameter.
  if (!/^[A-Za-z0-9 ]*$/.test(value)) throw new Error(`not a safe SQL text constant: ${value}`);
  return `'${value}'`;
}

function insertColumns(spec: InsertSpec): [string[], string[]] {
  const cols: [string, string][] = [
    ...spec.params.map((c): [string, string] => [c, `@${c}`]),
    ...Object.entries(spec.fixed ?? {}).map(([c, v]): [string, string] => [c, literal(v)]),
    ...(spec.zero ?? []).map((c): [string, string] => [c, '0']),
    ...(spec.empty ?? []).map((c): [string, string] => [c, "''"]),
  ];
  const seen = new Set<string>();
  for (const [c] of cols) {
    if (seen.has(c.toLowerCase())) throw new Error(`column ${c} listed twice in an INSERT`);
    seen.add(c.toLowerCase());
  }
  return [cols.map(([c]) => c), cols.map(([, v]) => v)];
}

/** INSERT of one row returning its identity as `id`. */
function insertReturningId(table: string, identity: string, spec: InsertSpec): Statement {
  const [cols, values] = insertColumns(spec);
  const insert = `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${values.join(', ')})`;
  return {
    // SCOPE_IDENTITY, not OUTPUT: OUTPUT without INTO fails on tables with triggers (Optima has them).
    mssql: `${insert}; SELECT CAST(SCOPE_IDENTITY() AS int) AS id`,
    sqlite: `${insert} RETURNING ${identity} AS id`,
    params: columnParams(spec.params),
  };
}

function insertRow(table: string, spec: InsertSpec): Statement {
  const [cols, values] = insertColumns(spec);
  return same(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${values.join(', ')})`, columnParams(spec.params));
}

const AUDIT = {
  TraNag: [
    'TrN_OpeZalID',
    'TrN_OpeZalKod',
    'TrN_OpeZalNazwisko',
    'TrN_OpeModID',
    'TrN_OpeModKod',
    'TrN_OpeModNazwisko',
  ],
  Kontrahenci: [
    'Knt_OpeZalID',
    'Knt_OpeZalKod',
    'Knt_OpeZalNazwisko',
    'Knt_OpeModID',
    'Knt_OpeModKod',
    'Knt_OpeModNazwisko',
  ],
  Towary: [
    'Twr_OpeZalID',
    'Twr_OpeZalKod',
    'Twr_OpeZalNazwisko',
    'Twr_OpeModID',
    'Twr_OpeModKod',
    'Twr_OpeModNazwisko',
  ],
} as const;

// ---------------------------------------------------------------------------------------
// Column lists of the rows the gateway writes. Every NOT NULL column without a default
// (SCHEMA.md Appendix A) is here; tests/optima check that against the 2025 schema.

// prettier-ignore
const TRANAG: InsertSpec = {
  params: [
    'TrN_DDfId', 'TrN_TypDokumentu', 'TrN_Rodzaj', 'TrN_NumerNr', 'TrN_NumerString', 'TrN_NumerObcy', 'TrN_TypNB',
    'TrN_DataDok', 'TrN_DataWys', 'TrN_DataOpe', 'TrN_DataKur', 'TrN_Termin', 'TrN_TS_Zal', 'TrN_TS_Mod',
    'TrN_PodmiotTyp', 'TrN_PodID', 'TrN_PodNazwa1', 'TrN_PodNazwa2', 'TrN_PodNazwa3', 'TrN_PodKraj', 'TrN_PodUlica',
    'TrN_PodNrDomu', 'TrN_PodNrLokalu', 'TrN_PodMiasto', 'TrN_PodKodPocztowy', 'TrN_PodPoczta', 'TrN_PodNipKraj',
    'TrN_PodNipE', 'TrN_OdbiorcaTyp', 'TrN_OdbID', 'TrN_OdbNazwa1', 'TrN_OdbNazwa2', 'TrN_OdbNazwa3', 'TrN_OdbKraj',
    'TrN_OdbUlica', 'TrN_OdbNrDomu', 'TrN_OdbNrLokalu', 'TrN_OdbMiasto', 'TrN_OdbKodPocztowy', 'TrN_OdbPoczta',
    'TrN_OdbNipKraj', 'TrN_OdbNipE', 'TrN_OdbTelefon', 'TrN_OdbEmail', 'TrN_PlatnikTyp', 'TrN_PlatnikID', 'TrN_FPlId',
    'TrN_MagZrdId', 'TrN_Waluta', 'TrN_KodKraju', 'TrN_Export', 'TrN_Finalny', 'TrN_PodatekVat', 'TrN_RazemNetto',
    'TrN_RazemVAT', 'TrN_RazemBrutto', 'TrN_RazemNettoWal', 'TrN_RazemVATWal', 'TrN_RazemBruttoWal', 'TrN_Opis',
    'TrN_ImportRowId', ...AUDIT.TraNag,
  ],
  // Buffer (draft a person confirms), not cancelled, PLN at rate 1/1 (KursNumer 3 as the one
  // public direct-SQL writer used; its meaning is unknown — SCHEMA.md §2.8).
  fixed: { TrN_Bufor: 1, TrN_Anulowany: 0, TrN_KursL: 1, TrN_KursM: 1, TrN_KursNumer: 3 },
  zero: [
    'TrN_AktualizacjaCenyZakKor', 'TrN_AwizoId', 'TrN_BlokadaPlatnosci', 'TrN_BzpId', 'TrN_Centrala', 'TrN_Detal',
    'TrN_DokMOSMMId', 'TrN_EdycjaTabelkiVAT', 'TrN_FADokumentDostawy', 'TrN_FinalnyWegiel', 'TrN_Fiskalna',
    'TrN_Korekta', 'TrN_KSeFStatusId', 'TrN_MetodaKasowa', 'TrN_NieNaliczajOplataCukrowa',
    'TrN_NieUwzglwedniajWEwidencjiWegiel', 'TrN_NieWysylajDokumentuDoKSeF', 'TrN_NrListuPrzewozowegoTypKuriera',
    'TrN_PAFACzesciowe', 'TrN_PARodzajKor', 'TrN_PlatElemWalSys', 'TrN_PlatKaucje', 'TrN_PlatnikRachunekLp',
    'TrN_PlatnoscNaWZ', 'TrN_PunktyZam', 'TrN_PunktyZap', 'TrN_Rabat', 'TrN_RabatWartosc', 'TrN_RezerwacjaWew',
    'TrN_RozliczamPodatekWOSS', 'TrN_SplitPay', 'TrN_StatusInt', 'TrN_StawkaNPOO', 'TrN_TaxFreePotwierdzony',
    'TrN_TrSTyp', 'TrN_TrybNettoVAT', 'TrN_UmowaWegiel', 'TrN_VatDlaDokWal', 'TrN_WartoscOO', 'TrN_WartoscSP',
    'TrN_ZwolnionyZAkcyzy', 'Trn_DokumentDostawy', 'Trn_Sent', 'Trn_WszystkoPlSyncho',
  ],
  empty: [
    'TrN_Kategoria', 'TrN_KodTransakcji', 'TrN_NotaKorPo', 'TrN_NotaKorPrzed', 'TrN_NumerPelnyPrw', 'TrN_OdbAdres2',
    'TrN_OdbGmina', 'TrN_OdbPowiat', 'TrN_OdbWojewodztwo', 'TrN_OdbiorcaGLN', 'TrN_Odebral', 'TrN_PodAdres2',
    'TrN_PodGmina', 'TrN_PodPowiat', 'TrN_PodWojewodztwo', 'TrN_PodmiotGLN',
  ],
};

// prettier-ignore
const TRAELEM: InsertSpec = {
  params: [
    'TrE_TrNId', 'TrE_Lp', 'TrE_LpPow', 'TrE_TypDokumentu', 'TrE_TwrId', 'TrE_TwrKod', 'TrE_TwrNazwa', 'TrE_TwrEAN',
    'TrE_TwrOpis', 'TrE_TwrTyp', 'TrE_Jm', 'TrE_Ilosc', 'TrE_IloscJM', 'TrE_Cena0', 'TrE_CenaT', 'TrE_CenaW', 'TrE_Cena0WD',
    'TrE_CenaWWD', 'TrE_Stawka', 'TrE_Flaga', 'TrE_WartoscNetto', 'TrE_WartoscBrutto', 'TrE_WartoscNettoWal',
    'TrE_WartoscBruttoWal', 'TrE_TypNB', 'TrE_Waluta', 'TrE_MagId', 'TrE_DataDok', 'TrE_DataOpe', 'TrE_PodmiotTyp',
    'TrE_PodID',
  ],
  fixed: { TrE_Aktywny: 1, TrE_JMPrzelicznikL: 1, TrE_JMPrzelicznikM: 1, TrE_KursL: 1, TrE_KursM: 1, TrE_KursNumer: 3 },
  zero: [
    'TrE_AkcyzaOpal', 'TrE_AkcyzaStawka', 'TrE_DoZwrotu', 'TrE_FakZalKwotaMax', 'TrE_IFA24', 'TrE_IFA24Mag',
    'TrE_IloscJMKW', 'TrE_IloscKW', 'TrE_JmCalkowite', 'TrE_Kaucja', 'TrE_KosztKGO', 'TrE_KosztUslugi', 'TrE_KV7ID',
    'TrE_KWRoznicaKursowa', 'TrE_OplataCukrowaDoliczDoCeny', 'TrE_OplataCukrowaOdCukrowStala',
    'TrE_OplataCukrowaOdCukrowZawartoscGram', 'TrE_OplataCukrowaOdCukrowZawartoscRoztwor',
    'TrE_OplataCukrowaOdCukrowZawartoscSokow20', 'TrE_OplataCukrowaOdCukrowZmienna',
    'TrE_OplataCukrowaOdKofeinyTauryny', 'TrE_OplataCukrowaOdKofeinyTaurynyStala',
    'TrE_OplataCukrowaOdSubstancjiSlodzacych', 'TrE_OplataCukrowaPrzelicznikML', 'TrE_PATrEId', 'TrE_Prog',
    'TrE_Rabat', 'TrE_SplitPay', 'TrE_StawkaOSS', 'TrE_TwCNumer', 'TrE_Upust', 'TrE_UpustKnt', 'TrE_UpustKntTyp',
    'TrE_UpustTyp', 'TrE_UslugaZlozona', 'TrE_UslugaZlozonaId', 'TrE_WartoscZakupuWylicz', 'TrE_ZestawWiazanie',
    'TrE_Zrodlowa', 'TrE_ZTwGlowny', 'TrE_ZTwID', 'TrE_ZTwIlosc', 'Tre_CenaZCzteremaMiejscami',
    'Tre_OdwrotneObciazenie',
  ],
  empty: [
    'TrE_Atr1_Kod', 'TrE_Atr1_Wartosc', 'TrE_Atr2_Kod', 'TrE_Atr2_Wartosc', 'TrE_Atr3_Kod', 'TrE_Atr3_Wartosc',
    'TrE_Atr4_Kod', 'TrE_Atr4_Wartosc', 'TrE_Atr5_Kod', 'TrE_Atr5_Wartosc', 'TrE_JmZ', 'TrE_TwrKodDostawcy',
    'TrE_TwrNumerKat', 'TrE_TwrSWW',
  ],
};

const TRAVAT: InsertSpec = {
  params: ['TrV_TrNID', 'TrV_Stawka', 'TrV_Flaga', 'TrV_Netto', 'TrV_VAT', 'TrV_NettoWal', 'TrV_VATWal'],
  zero: ['TrV_Typ', 'TrV_Zrodlowa'],
};

const DOKATRYBUTY: InsertSpec = { params: ['DAt_TrNId', 'DAt_DeAId', 'DAt_Kod', 'DAt_WartoscTxt'] };

// prettier-ignore
const KONTRAHENCI: InsertSpec = {
  params: [
    'Knt_Kod', 'Knt_Nazwa1', 'Knt_Nazwa2', 'Knt_Nazwa3', 'Knt_Ulica', 'Knt_NrDomu', 'Knt_NrLokalu', 'Knt_Miasto',
    'Knt_KodPocztowy', 'Knt_Poczta', 'Knt_Kraj', 'Knt_KrajISO', 'Knt_Nip', 'Knt_NipE', 'Knt_NipKraj', 'Knt_Email',
    'Knt_Telefon1', 'Knt_Finalny', 'Knt_PodatekVat', 'Knt_Export', 'Knt_FplID', 'Knt_Termin', 'Knt_ImportRowId', 'Knt_Opis',
    'Knt_TS_Zal', 'Knt_TS_Mod', ...AUDIT.Kontrahenci,
  ],
  // A buyer: recipient role on (S4 sets Odbiorca = 1, Dostawca = 0), a contractor party.
  fixed: { Knt_Rodzaj_Odbiorca: 1, Knt_PodmiotTyp: 1 },
  zero: [
    'Knt_Algorytm', 'Knt_AutoWindBlokadaSprzed', 'Knt_AwfMonit', 'Knt_AwfZgoda', 'Knt_BlokadaDok', 'Knt_Ceny',
    'Knt_Chroniony', 'Knt_ESklep', 'Knt_FCzesci', 'Knt_FinalnyWegiel', 'Knt_IBAN', 'Knt_Informacje', 'Knt_Komornik',
    'Knt_LimitFlag', 'Knt_LimitKredytu', 'Knt_LimitKredytuWykorzystany', 'Knt_LimitPrzeterKredytFlag',
    'Knt_LimitPrzeterKredytWartosc', 'Knt_LpAnonimizacji', 'Knt_MalyPod', 'Knt_MaxZwloka', 'Knt_Medialny',
    'Knt_MetodaKasowa', 'Knt_NaliczajPlatnosc', 'Knt_NieNaliczajOdsetek', 'Knt_NieNaliczajOplataCukrowa',
    'Knt_NieRozliczac', 'Knt_NieUwzglVATZD', 'Knt_NieUwzglwedniajWEwidencjiWegiel', 'Knt_NieWysylajDokumentuDoKSeF',
    'Knt_Nieaktywny', 'Knt_OsPlec', 'Knt_PowiazanyUoV', 'Knt_Rodzaj', 'Knt_Rodzaj_Dostawca',
    'Knt_Rodzaj_Konkurencja', 'Knt_Rodzaj_Partner', 'Knt_Rodzaj_Potencjalny', 'Knt_Rolnik', 'Knt_SplitPay',
    'Knt_TerminPlat', 'Knt_TerminZwrotuKaucji', 'Knt_UmowaWegiel', 'Knt_Upust', 'Knt_ZakazDokumentowHaMag',
    'Knt_ZgodaNaEFaktury', 'Knt_ZwolnionyZAkcyzy',
  ],
  empty: [
    'Knt_Adres2', 'Knt_EAN', 'Knt_Fax', 'Knt_GLN', 'Knt_Gmina', 'Knt_Grupa', 'Knt_KodTransakcji', 'Knt_KontoDost',
    'Knt_KontoOdb', 'Knt_LimitKredytuWal', 'Knt_OsAdres2', 'Knt_OsEmail', 'Knt_OsGmina', 'Knt_OsGSM',
    'Knt_OsKodPocztowy', 'Knt_OsKraj', 'Knt_OsMiasto', 'Knt_OsNazwisko', 'Knt_OsNrDomu', 'Knt_OsNrLokalu',
    'Knt_OsPoczta', 'Knt_OsPowiat', 'Knt_OsTelefon', 'Knt_OsTytul', 'Knt_OsUlica', 'Knt_OsWojewodztwo', 'Knt_Pesel',
    'Knt_Powiat', 'Knt_RachunekNr', 'Knt_Regon', 'Knt_Telefon2', 'Knt_URL', 'Knt_Wojewodztwo', 'Knt_Zezwolenie',
  ],
};

// prettier-ignore
const TOWARY: InsertSpec = {
  params: [
    'Twr_Kod', 'Twr_Nazwa', 'Twr_EAN', 'Twr_JM', 'Twr_Typ', 'Twr_Stawka', 'Twr_StawkaZak', 'Twr_TwCNumer',
    'Twr_TS_Zal', 'Twr_TS_Mod', ...AUDIT.Towary,
  ],
  // Flag 2 = taxable at the rate (SCHEMA.md §9); unit conversions 1/1; PLN rate 1/1.
  fixed: {
    Twr_Flaga: 2, Twr_FlagaZak: 2, Twr_FlagaExport: 2, Twr_JmPomPrzelicznikL: 1, Twr_JmPomPrzelicznikM: 1,
    Twr_KursL: 1, Twr_KursM: 1, TwR_KursLZakOld: 1, TwR_KursMZakOld: 1,
  },
  zero: [
    'TwR_KosztUslugiOld', 'TwR_MiejsceDodania', 'Twr_Akcyza', 'Twr_AkcyzaOpal', 'Twr_AkcyzaStawka',
    'Twr_AutoKodGrupaTowarowa', 'Twr_AutoKodNumer', 'Twr_BezRabatu', 'Twr_CenaZCzteremaMiejscami', 'Twr_EdycjaNazwy',
    'Twr_EdycjaOpisu', 'Twr_ESklepBezRabatu', 'Twr_ESklepDostepnosc', 'Twr_ESklepFlaga_NajlepiejOceniany',
    'Twr_ESklepFlaga_Nowosc', 'Twr_ESklepFlaga_ProduktPolecany', 'Twr_ESklepFlaga_ProduktzGazetki',
    'Twr_ESklepFlaga_Promocja', 'Twr_ESklepFlaga_RekomendacjaSprzedawcy', 'Twr_ESklepFlaga_SuperCena',
    'Twr_ESklepFlaga_SuperJakosc', 'Twr_ESklepFlaga_Wyprzedaz', 'Twr_ESklepKalkulacjaDostaw',
    'Twr_ESklepKalkulacjaDostawWartosc', 'Twr_IloscMax', 'Twr_IloscMin', 'Twr_IloscZam', 'Twr_JMCalkowite',
    'Twr_Kaucja', 'Twr_KopiujOpis', 'Twr_KosztKGO', 'Twr_KosztUslugi', 'Twr_KosztUslugiTyp', 'Twr_KosztUslugiWal',
    'Twr_KursNumer', 'Twr_KV7ID', 'Twr_MarzaMin', 'Twr_Masa', 'Twr_MinCenaMarza', 'Twr_NieAktywny',
    'Twr_OdwrotneObciazenie', 'Twr_OplataCukrowa', 'Twr_OplataCukrowaOdCukrowStala',
    'Twr_OplataCukrowaOdCukrowZawartoscGram', 'Twr_OplataCukrowaOdCukrowZawartoscRoztwor',
    'Twr_OplataCukrowaOdCukrowZawartoscSokow20', 'Twr_OplataCukrowaOdCukrowZmienna',
    'Twr_OplataCukrowaOdKofeinyTauryny', 'Twr_OplataCukrowaOdKofeinyTaurynyStala',
    'Twr_OplataCukrowaOdSubstancjiSlodzacych', 'Twr_OplataCukrowaPrzelicznikML', 'Twr_OplataCukrowaSuma',
    'Twr_PobieranieSkladnikowFSUslugaZlozona', 'Twr_Produkt', 'Twr_Prog', 'Twr_Sent', 'Twr_SentMasaBrutto',
    'Twr_SplitPay', 'Twr_StawkaExport', 'Twr_TwGGIDNumer', 'Twr_TypMinimum', 'Twr_UdostepniajWCenniku', 'Twr_Upust',
    'Twr_UpustData', 'Twr_UpustGodz', 'Twr_Zrodlowa', 'Twr_ZrodlowaExport', 'Twr_ZrodlowaZak',
  ],
  empty: [
    'Twr_IloscMaxJM', 'Twr_IloscMinJM', 'Twr_IloscZamJM', 'Twr_Kategoria', 'Twr_KategoriaZak', 'Twr_KodDostawcy',
    'Twr_KrajPochodzenia', 'Twr_NumerKat', 'Twr_Opis', 'Twr_SWW', 'Twr_URL', 'Twr_Waluta',
  ],
};

// ---------------------------------------------------------------------------------------
// Shapes read back

const CONTRACTOR_COLUMNS =
  'k.Knt_KntId AS id, k.Knt_Kod AS code, k.Knt_Nazwa1 AS name1, k.Knt_Nazwa2 AS name2, k.Knt_Nip AS nip, ' +
  'k.Knt_FplID AS paymentFormId';
const PRODUCT_COLUMNS =
  't.Twr_TwrId AS id, t.Twr_Kod AS code, t.Twr_Nazwa AS name, t.Twr_EAN AS ean, t.Twr_JM AS unit, ' +
  't.Twr_Stawka AS vatRate, t.Twr_Typ AS type';
/** The ledger row with its document; LEFT JOIN: a person may have deleted the document. */
const LEDGER_DOCUMENT =
  'SELECT d.OrderId AS orderId, d.DocumentId AS id, d.Kind AS kind, d.Number AS ledgerNumber, ' +
  'd.GrossTotal AS ledgerGross, n.TrN_TrNID AS presentId, n.TrN_NumerPelny AS number, ' +
  'n.TrN_RazemBrutto AS grossTotal, n.TrN_Anulowany AS cancelled, n.TrN_Bufor AS buffer, n.TrN_Opis AS description ' +
  'FROM AO.OrderDocuments AS d LEFT JOIN CDN.TraNag AS n ON n.TrN_TrNID = d.DocumentId';

/** NIP compared as digits: people type it with dashes, spaces or dots. */
const nipDigits = (column: string): string => `REPLACE(REPLACE(REPLACE(${column}, '-', ''), ' ', ''), '.', '')`;

const linkKey = nvarchar(200);
const orderId = nvarchar(200);
const lineId = nvarchar(100);

// ---------------------------------------------------------------------------------------

export const STATEMENTS = {
  // --- integrator tables (schema AO), idempotent migration -----------------------------
  createSchema: {
    mssql: "IF SCHEMA_ID(N'AO') IS NULL EXEC(N'CREATE SCHEMA AO')",
    sqlite: null, // AO is an attached database file
    params: {},
  },
  createContractorLinks: {
    mssql:
      "IF OBJECT_ID(N'AO.ContractorLinks', N'U') IS NULL CREATE TABLE AO.ContractorLinks (" +
      'LinkKey nvarchar(200) NOT NULL CONSTRAINT PK_AO_ContractorLinks PRIMARY KEY, KntId int NOT NULL, ' +
      'CreatedAt datetime NOT NULL)',
    sqlite:
      'CREATE TABLE IF NOT EXISTS AO.ContractorLinks (LinkKey TEXT NOT NULL PRIMARY KEY, KntId INTEGER NOT NULL, ' +
      'CreatedAt TEXT NOT NULL)',
    params: {},
  },
  createProductLinks: {
    mssql:
      "IF OBJECT_ID(N'AO.ProductLinks', N'U') IS NULL CREATE TABLE AO.ProductLinks (" +
      'LinkKey nvarchar(200) NOT NULL CONSTRAINT PK_AO_ProductLinks PRIMARY KEY, TwrId int NOT NULL, ' +
      'CreatedAt datetime NOT NULL)',
    sqlite:
      'CREATE TABLE IF NOT EXISTS AO.ProductLinks (LinkKey TEXT NOT NULL PRIMARY KEY, TwrId INTEGER NOT NULL, ' +
      'CreatedAt TEXT NOT NULL)',
    params: {},
  },
  // The ledger: one row per Allegro order id (PRIMARY KEY = unique), so a second document
  // for an order is impossible whatever the number of workers.
  createOrderDocuments: {
    mssql:
      "IF OBJECT_ID(N'AO.OrderDocuments', N'U') IS NULL CREATE TABLE AO.OrderDocuments (" +
      'OrderId nvarchar(200) NOT NULL CONSTRAINT PK_AO_OrderDocuments PRIMARY KEY, Account nvarchar(100) NOT NULL, ' +
      'DocumentId int NOT NULL, Kind varchar(4) NOT NULL, Number nvarchar(30) NOT NULL, ' +
      'GrossTotal decimal(15, 2) NOT NULL, CreatedAt datetime NOT NULL)',
    sqlite:
      'CREATE TABLE IF NOT EXISTS AO.OrderDocuments (OrderId TEXT NOT NULL PRIMARY KEY, Account TEXT NOT NULL, ' +
      'DocumentId INTEGER NOT NULL, Kind TEXT NOT NULL, Number TEXT NOT NULL, GrossTotal NUMERIC NOT NULL, ' +
      'CreatedAt TEXT NOT NULL)',
    params: {},
  },
  createOrderDocumentsIndex: {
    mssql:
      "IF NOT EXISTS (SELECT 1 FROM sys.indexes WHERE name = N'IX_AO_OrderDocuments_DocumentId' AND " +
      "object_id = OBJECT_ID(N'AO.OrderDocuments')) " +
      'CREATE INDEX IX_AO_OrderDocuments_DocumentId ON AO.OrderDocuments (DocumentId)',
    sqlite: 'CREATE INDEX IF NOT EXISTS AO.IX_AO_OrderDocuments_DocumentId ON OrderDocuments (DocumentId)',
    params: {},
  },
  // Allegro line item ids on a document: a merged checkout form reuses its parts' ids.
  createOrderLines: {
    mssql:
      "IF OBJECT_ID(N'AO.OrderLines', N'U') IS NULL CREATE TABLE AO.OrderLines (" +
      'LineId nvarchar(100) NOT NULL CONSTRAINT PK_AO_OrderLines PRIMARY KEY, DocumentId int NOT NULL, ' +
      'OrderId nvarchar(200) NOT NULL, CreatedAt datetime NOT NULL)',
    sqlite:
      'CREATE TABLE IF NOT EXISTS AO.OrderLines (LineId TEXT NOT NULL PRIMARY KEY, DocumentId INTEGER NOT NULL, ' +
      'OrderId TEXT NOT NULL, CreatedAt TEXT NOT NULL)',
    params: {},
  },

  // --- driver plumbing ------------------------------------------------------------------
  /** Every mssql transaction: any error rolls the whole transaction back. */
  xactAbort: { mssql: 'SET XACT_ABORT ON', sqlite: null, params: {} },
  /**
   * Exclusive application lock held until commit/rollback. sp_getapplock reports a timeout
   * or deadlock through its return code, not an error: APPLOCK_MODE tells whether we hold it.
   */
  applock: {
    mssql:
      "EXEC sp_getapplock @Resource = @resource, @LockMode = 'Exclusive', @LockOwner = 'Transaction', " +
      "@LockTimeout = @timeoutMs; SELECT APPLOCK_MODE('public', @resource, 'Transaction') AS lockMode",
    sqlite: null,
    params: { resource: nvarchar(255), timeoutMs: int },
  },
  ping: same('SELECT 1 AS ok'),

  // --- reference data -------------------------------------------------------------------
  paymentForms: same(
    'SELECT FPl_FPlId AS id, FPl_Nazwa AS name, FPl_Typ AS type, FPl_KSeFId AS ksefId, FPl_Termin AS dueDays ' +
      'FROM CDN.FormyPlatnosci ' +
      'WHERE FPl_NieAktywny = 0 ORDER BY FPl_FPlId',
  ),
  paymentFormById: same('SELECT FPl_FPlId AS id, FPl_Termin AS dueDays FROM CDN.FormyPlatnosci WHERE FPl_FPlId = @id', {
    id: int,
  }),
  serviceGoods: same(
    `SELECT ${PRODUCT_COLUMNS} FROM CDN.Towary AS t WHERE t.Twr_Typ = 0 AND t.Twr_NieAktywny = 0 ORDER BY t.Twr_Kod`,
  ),
  warehouses: same(
    'SELECT Mag_MagId AS id, Mag_Symbol AS symbol, Mag_Nazwa AS name FROM CDN.Magazyny WHERE Mag_NieAktywny = 0 ' +
      'ORDER BY Mag_MagId',
  ),
  warehouseById: same('SELECT Mag_MagId AS id, Mag_Symbol AS symbol FROM CDN.Magazyny WHERE Mag_MagId = @id', {
    id: int,
  }),
  warehouseBySymbol: same(
    'SELECT Mag_MagId AS id, Mag_Symbol AS symbol FROM CDN.Magazyny WHERE Mag_Symbol = @symbol AND Mag_NieAktywny = 0',
    { symbol: COLUMNS.Mag_Symbol },
  ),
  definitions: same(
    'SELECT DDf_DDfID AS id, DDf_Symbol AS symbol, DDf_Klasa AS documentClass, DDf_Numeracja AS numbering ' +
      'FROM CDN.DokDefinicje WHERE DDf_Nieaktywna = 0 ORDER BY DDf_Klasa, DDf_Symbol',
  ),
  definitionBySymbol: same(
    'SELECT DDf_DDfID AS id, DDf_Numeracja AS numbering FROM CDN.DokDefinicje ' +
      'WHERE DDf_Symbol = @symbol AND DDf_Klasa = @documentClass AND DDf_Nieaktywna = 0 ORDER BY DDf_DDfID',
    { symbol: COLUMNS.DDf_Symbol, documentClass: int },
  ),
  /** Config database: the operator the integrator writes as, and its default warehouse. */
  operator: same(
    'SELECT Ope_OpeID AS id, Ope_Kod AS code, Ope_Nazwisko AS name, Ope_Magazyn AS warehouse FROM CDN.Operatorzy ' +
      'WHERE Ope_Kod = @code',
    { code: COLUMNS.Ope_Kod },
  ),
  /** Columns of the tables the gateway writes, for the start-up schema check. */
  schemaColumns: {
    mssql:
      'SELECT c.TABLE_NAME AS tableName, c.COLUMN_NAME AS columnName, c.DATA_TYPE AS dataType, ' +
      "c.CHARACTER_MAXIMUM_LENGTH AS maxLength FROM INFORMATION_SCHEMA.COLUMNS AS c WHERE c.TABLE_SCHEMA = N'CDN' " +
      "AND c.TABLE_NAME IN (N'TraNag', N'TraElem', N'TraVat', N'DokAtrybuty', N'Kontrahenci', N'Towary', N'TwrCeny')",
    sqlite:
      'SELECT m.name AS tableName, p.name AS columnName, p.type AS dataType, NULL AS maxLength FROM CDN.sqlite_master AS m ' +
      "JOIN pragma_table_info(m.name, 'CDN') AS p WHERE m.type = 'table' " +
      "AND m.name IN ('TraNag', 'TraElem', 'TraVat', 'DokAtrybuty', 'Kontrahenci', 'Towary', 'TwrCeny')",
    params: {},
  },

  // --- contractors ----------------------------------------------------------------------
  contractorByLink: same(
    `SELECT ${CONTRACTOR_COLUMNS} FROM AO.ContractorLinks AS l JOIN CDN.Kontrahenci AS k ON k.Knt_KntId = l.KntId ` +
      'WHERE l.LinkKey = @linkKey',
    { linkKey },
  ),
  contractorById: same(`SELECT ${CONTRACTOR_COLUMNS} FROM CDN.Kontrahenci AS k WHERE k.Knt_KntId = @id`, { id: int }),
  contractorsByNip: same(
    `SELECT ${CONTRACTOR_COLUMNS} FROM CDN.Kontrahenci AS k WHERE k.Knt_Nieaktywny = 0 AND ` +
      `(${nipDigits('k.Knt_Nip')} IN (@nip, @nipWithCountry) OR ${nipDigits('k.Knt_NipE')} IN (@nip, @nipWithCountry)) ` +
      'ORDER BY k.Knt_KntId',
    { nip: nvarchar(22), nipWithCountry: nvarchar(22) },
  ),
  contractorsByEmail: same(
    `SELECT ${CONTRACTOR_COLUMNS} FROM CDN.Kontrahenci AS k WHERE k.Knt_Nieaktywny = 0 AND ` +
      'LOWER(k.Knt_Email) = LOWER(@email) ORDER BY k.Knt_KntId',
    { email: COLUMNS.Knt_Email },
  ),
  /** Knt_Kod is unique case-insensitively (Polish_CI_AS; NOCASE in the embedded Optima). */
  contractorCodeTaken: same('SELECT Knt_KntId AS id FROM CDN.Kontrahenci WHERE Knt_Kod = @code', {
    code: COLUMNS.Knt_Kod,
  }),
  insertContractor: insertReturningId('CDN.Kontrahenci', 'Knt_KntId', KONTRAHENCI),
  contractorLink: same('SELECT KntId AS id FROM AO.ContractorLinks WHERE LinkKey = @linkKey', { linkKey }),
  insertContractorLink: same(
    'INSERT INTO AO.ContractorLinks (LinkKey, KntId, CreatedAt) VALUES (@linkKey, @id, @now)',
    {
      linkKey,
      id: int,
      now: datetime,
    },
  ),
  updateContractorLink: same('UPDATE AO.ContractorLinks SET KntId = @id, CreatedAt = @now WHERE LinkKey = @linkKey', {
    linkKey,
    id: int,
    now: datetime,
  }),

  // --- products -------------------------------------------------------------------------
  productByLink: same(
    `SELECT ${PRODUCT_COLUMNS} FROM AO.ProductLinks AS l JOIN CDN.Towary AS t ON t.Twr_TwrId = l.TwrId ` +
      'WHERE l.LinkKey = @linkKey',
    { linkKey },
  ),
  productById: same(`SELECT ${PRODUCT_COLUMNS} FROM CDN.Towary AS t WHERE t.Twr_TwrId = @id`, { id: int }),
  /** The main EAN on the card or any extra EAN in CDN.TwrEan. */
  productsByEan: same(
    `SELECT ${PRODUCT_COLUMNS} FROM CDN.Towary AS t WHERE t.Twr_NieAktywny = 0 AND (t.Twr_EAN = @ean OR ` +
      't.Twr_TwrId IN (SELECT e.TwE_TwrID FROM CDN.TwrEan AS e WHERE e.TwE_EAN = @ean)) ORDER BY t.Twr_TwrId',
    { ean: COLUMNS.Twr_EAN },
  ),
  productByCode: same(
    `SELECT ${PRODUCT_COLUMNS} FROM CDN.Towary AS t WHERE t.Twr_Kod = @code AND t.Twr_NieAktywny = 0`,
    {
      code: COLUMNS.Twr_Kod,
    },
  ),
  productsByName: same(
    `SELECT ${PRODUCT_COLUMNS} FROM CDN.Towary AS t WHERE t.Twr_Nazwa = @name AND t.Twr_NieAktywny = 0 ` +
      'ORDER BY t.Twr_TwrId',
    { name: COLUMNS.Twr_Nazwa },
  ),
  productCodeTaken: same('SELECT Twr_TwrId AS id FROM CDN.Towary WHERE Twr_Kod = @code', { code: COLUMNS.Twr_Kod }),
  priceType: same('SELECT DfC_Lp AS number, DfC_Typ AS type FROM CDN.DefCeny WHERE DfC_Lp = @number', { number: int }),
  insertProduct: insertReturningId('CDN.Towary', 'Twr_TwrId', TOWARY),
  /** The main EAN also as the card's default code in CDN.TwrEan, as Optima lists it there. */
  insertProductEan: insertRow('CDN.TwrEan', {
    params: ['TwE_TwrID', 'TwE_EAN', 'TwE_JM'],
    fixed: { TwE_Domyslny: 1 },
    empty: ['TwE_Opis'],
  }),
  /**
   * One price row per price type, as Optima's item card has; the configured type gets the
   * price, net or gross as its DfC_Typ says (1 net, 2 gross — SCHEMA.md §7.2, a guess).
   */
  insertProductPrices: same(
    'INSERT INTO CDN.TwrCeny (TwC_TwrID, TwC_TwCNumer, TwC_Typ, TwC_Wartosc, TwC_Waluta, TwC_Aktualizacja, TwC_DokID, ' +
      'TwC_Marza, TwC_MarzaWStu, TwC_Offset, TwC_Punkty, TwC_WartoscZakOld, TwC_Zaokraglenie) ' +
      'SELECT @productId, d.DfC_Lp, d.DfC_Typ, CASE WHEN d.DfC_Lp = @priceTypeNumber THEN ' +
      'CASE WHEN d.DfC_Typ = 1 THEN @netPrice ELSE @grossPrice END ELSE 0 END, d.DfC_Waluta, d.DfC_Aktualizacja, 0, ' +
      'd.DfC_Marza, 0, d.DfC_Offset, 0, 0, d.DfC_Zaokraglenie FROM CDN.DefCeny AS d ' +
      'WHERE d.DfC_Nieaktywna = 0 OR d.DfC_Nieaktywna IS NULL OR d.DfC_Lp = @priceTypeNumber',
    { productId: int, priceTypeNumber: int, netPrice: COLUMNS.TwC_Wartosc, grossPrice: COLUMNS.TwC_Wartosc },
  ),
  productLink: same('SELECT TwrId AS id FROM AO.ProductLinks WHERE LinkKey = @linkKey', { linkKey }),
  insertProductLink: same('INSERT INTO AO.ProductLinks (LinkKey, TwrId, CreatedAt) VALUES (@linkKey, @id, @now)', {
    linkKey,
    id: int,
    now: datetime,
  }),
  updateProductLink: same('UPDATE AO.ProductLinks SET TwrId = @id, CreatedAt = @now WHERE LinkKey = @linkKey', {
    linkKey,
    id: int,
    now: datetime,
  }),

  // --- documents ------------------------------------------------------------------------
  documentByOrder: same(`${LEDGER_DOCUMENT} WHERE d.OrderId = @orderId`, { orderId }),
  documentByLine: same(
    `${LEDGER_DOCUMENT} JOIN AO.OrderLines AS l ON l.DocumentId = d.DocumentId AND l.OrderId = d.OrderId ` +
      'WHERE l.LineId = @lineId',
    { lineId },
  ),
  ledgerByDocument: same(`${LEDGER_DOCUMENT} WHERE d.DocumentId = @documentId ORDER BY d.CreatedAt, d.OrderId`, {
    documentId: int,
  }),
  documentHeader: same(
    'SELECT TrN_TrNID AS id, TrN_TypDokumentu AS documentClass, TrN_NumerPelny AS number, TrN_RazemBrutto AS grossTotal ' +
      'FROM CDN.TraNag WHERE TrN_TrNID = @id',
    { id: int },
  ),
  /** The gross total as stored three ways: header, sum of lines, sum of the VAT table. */
  documentTotals: same(
    'SELECT n.TrN_RazemBrutto AS header, ' +
      '(SELECT SUM(e.TrE_WartoscBrutto) FROM CDN.TraElem AS e WHERE e.TrE_TrNId = n.TrN_TrNID) AS lines, ' +
      '(SELECT SUM(v.TrV_Netto + v.TrV_VAT) FROM CDN.TraVat AS v WHERE v.TrV_TrNID = n.TrN_TrNID) AS vat ' +
      'FROM CDN.TraNag AS n WHERE n.TrN_TrNID = @id',
    { id: int },
  ),
  attributeDefinition: same(
    'SELECT DeA_DeAId AS id, DeA_Kod AS code FROM CDN.DefAtrybuty WHERE DeA_Kod = @code AND DeA_Typ = 4 AND ' +
      'DeA_Nieaktywny = 0',
    { code: COLUMNS.DeA_Kod },
  ),
  /**
   * Next number in one numbering string (SCHEMA.md §12). On SQL Server UPDLOCK+HOLDLOCK keep
   * the range locked to the commit, which also stops a person saving in Optima meanwhile.
   */
  nextNumber: {
    mssql:
      'SELECT COALESCE(MAX(TrN_NumerNr), 0) + 1 AS nr FROM CDN.TraNag WITH (UPDLOCK, HOLDLOCK) ' +
      'WHERE TrN_NumerString = @numerString',
    sqlite: 'SELECT COALESCE(MAX(TrN_NumerNr), 0) + 1 AS nr FROM CDN.TraNag WHERE TrN_NumerString = @numerString',
    params: { numerString: COLUMNS.TrN_NumerString },
  },
  insertDocument: insertReturningId('CDN.TraNag', 'TrN_TrNID', TRANAG),
  insertLine: insertRow('CDN.TraElem', TRAELEM),
  insertVat: insertRow('CDN.TraVat', TRAVAT),
  insertAttribute: insertRow('CDN.DokAtrybuty', DOKATRYBUTY),
  insertOrderDocument: same(
    'INSERT INTO AO.OrderDocuments (OrderId, Account, DocumentId, Kind, Number, GrossTotal, CreatedAt) ' +
      'VALUES (@orderId, @account, @documentId, @kind, @number, @grossTotal, @now)',
    {
      orderId,
      account: nvarchar(100),
      documentId: int,
      kind: varchar(4),
      number: nvarchar(30),
      grossTotal: decimal(15, 2),
      now: datetime,
    },
  ),
  orderLineOwner: same(
    'SELECT DocumentId AS documentId, OrderId AS orderId FROM AO.OrderLines WHERE LineId = @lineId',
    {
      lineId,
    },
  ),
  insertOrderLine: same(
    'INSERT INTO AO.OrderLines (LineId, DocumentId, OrderId, CreatedAt) VALUES (@lineId, @documentId, @orderId, @now)',
    {
      lineId,
      documentId: int,
      orderId,
      now: datetime,
    },
  ),
  updateDocumentNote: same(
    'UPDATE CDN.TraNag SET TrN_Opis = @TrN_Opis, TrN_Anulowany = @TrN_Anulowany, TrN_TS_Mod = @TrN_TS_Mod ' +
      'WHERE TrN_TrNID = @TrN_TrNID',
    columnParams(['TrN_Opis', 'TrN_Anulowany', 'TrN_TS_Mod', 'TrN_TrNID']),
  ),
} satisfies Record<string, Statement>;

/** The tables the gateway inserts into, with every column it names (for the schema check). */
export const WRITTEN_COLUMNS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  (
    [
      ['TraNag', TRANAG],
      ['TraElem', TRAELEM],
      ['TraVat', TRAVAT],
      ['DokAtrybuty', DOKATRYBUTY],
      ['Kontrahenci', KONTRAHENCI],
      ['Towary', TOWARY],
    ] as const
  ).map(([table, spec]) => [table, insertColumns(spec)[0]]),
);
