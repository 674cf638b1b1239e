/**
 * The rows of a document in Optima: its header (CDN.TraNag), lines (CDN.TraElem), VAT table
 * (CDN.TraVat) and attributes (CDN.DokAtrybuty). Every NOT NULL column without a default
 * (SCHEMA.md Appendix A) is in these column lists; tests/optima check that against the 2025
 * schema. Also the column values shared by sales documents and stock receipts.
 */
import { TransientError } from '../../domain/errors';
import { DEFAULT_RATE_TYPE_NUMBER, HOME_CURRENCY } from '../../domain/foreign-currency';
import type { DocumentFlags, PartyCopy } from '../../domain/types';
import type { OptimaColumn } from './columns';
import type { Params, Transaction } from './driver';
import { countryName, cut, nipForms, splitStreet, VAT_FLAG_TAXABLE, type CutText } from './rules';
import { fit, len } from './session';
import { first, insertReturningId, insertRow, type InsertSpec, type Statement } from './sql';

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
    'TrN_ImportRowId', 'TrN_OpeZalID', 'TrN_OpeZalKod', 'TrN_OpeZalNazwisko', 'TrN_OpeModID', 'TrN_OpeModKod',
    'TrN_OpeModNazwisko', 'TrN_KursL', 'TrN_KursM', 'TrN_KursNumer', 'TrN_Fiskalna', 'TrN_NieWysylajDokumentuDoKSeF',
    'TrN_SplitPay', 'TrN_RozliczamPodatekWOSS',
  ],
  // Buffer (draft a person confirms), not cancelled.
  fixed: { TrN_Bufor: 1, TrN_Anulowany: 0 },
  zero: [
    'TrN_AktualizacjaCenyZakKor', 'TrN_AwizoId', 'TrN_BlokadaPlatnosci', 'TrN_BzpId', 'TrN_Centrala', 'TrN_Detal',
    'TrN_DokMOSMMId', 'TrN_EdycjaTabelkiVAT', 'TrN_FADokumentDostawy', 'TrN_FinalnyWegiel',
    'TrN_Korekta', 'TrN_KSeFStatusId', 'TrN_MetodaKasowa', 'TrN_NieNaliczajOplataCukrowa',
    'TrN_NieUwzglwedniajWEwidencjiWegiel', 'TrN_NrListuPrzewozowegoTypKuriera',
    'TrN_PAFACzesciowe', 'TrN_PARodzajKor', 'TrN_PlatElemWalSys', 'TrN_PlatKaucje', 'TrN_PlatnikRachunekLp',
    'TrN_PlatnoscNaWZ', 'TrN_PunktyZam', 'TrN_PunktyZap', 'TrN_Rabat', 'TrN_RabatWartosc', 'TrN_RezerwacjaWew',
    'TrN_StatusInt', 'TrN_StawkaNPOO', 'TrN_TaxFreePotwierdzony',
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
    'TrE_PodID', 'TrE_KursL', 'TrE_KursM', 'TrE_KursNumer', 'TrE_StawkaOSS',
  ],
  fixed: { TrE_Aktywny: 1, TrE_JMPrzelicznikL: 1, TrE_JMPrzelicznikM: 1 },
  zero: [
    'TrE_AkcyzaOpal', 'TrE_AkcyzaStawka', 'TrE_DoZwrotu', 'TrE_FakZalKwotaMax', 'TrE_IFA24', 'TrE_IFA24Mag',
    'TrE_IloscJMKW', 'TrE_IloscKW', 'TrE_JmCalkowite', 'TrE_Kaucja', 'TrE_KosztKGO', 'TrE_KosztUslugi', 'TrE_KV7ID',
    'TrE_KWRoznicaKursowa', 'TrE_OplataCukrowaDoliczDoCeny', 'TrE_OplataCukrowaOdCukrowStala',
    'TrE_OplataCukrowaOdCukrowZawartoscGram', 'TrE_OplataCukrowaOdCukrowZawartoscRoztwor',
    'TrE_OplataCukrowaOdCukrowZawartoscSokow20', 'TrE_OplataCukrowaOdCukrowZmienna',
    'TrE_OplataCukrowaOdKofeinyTauryny', 'TrE_OplataCukrowaOdKofeinyTaurynyStala',
    'TrE_OplataCukrowaOdSubstancjiSlodzacych', 'TrE_OplataCukrowaPrzelicznikML', 'TrE_PATrEId', 'TrE_Prog',
    'TrE_Rabat', 'TrE_SplitPay', 'TrE_TwCNumer', 'TrE_Upust', 'TrE_UpustKnt', 'TrE_UpustKntTyp',
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

export const DOCUMENT_ROW_STATEMENTS = {
  insertDocument: insertReturningId('CDN.TraNag', 'TrN_TrNID', TRANAG),
  insertLine: insertRow('CDN.TraElem', TRAELEM),
  insertVat: insertRow('CDN.TraVat', TRAVAT),
  insertAttribute: insertRow('CDN.DokAtrybuty', DOKATRYBUTY),
} satisfies Record<string, Statement>;

/** The tables a document is written into, for the start-up schema check. */
export const DOCUMENT_TABLES = { TraNag: TRANAG, TraElem: TRAELEM, TraVat: TRAVAT, DokAtrybuty: DOKATRYBUTY } as const;

/** Inserts the header; its id. */
export async function insertHeader(tx: Transaction, values: Params): Promise<number> {
  const row = await first<{ id: number }>(tx, DOCUMENT_ROW_STATEMENTS.insertDocument, values);
  if (!row) throw new TransientError('Optima returned no id for the new document');
  return row.id;
}

/** The buyer (Pod) or recipient (Odb) copy on the header, cut to its columns; what was cut goes to `cuts`. */
export function party(side: 'Pod' | 'Odb', p: PartyCopy | undefined, label: string, cuts?: CutText[]): Params {
  const street = splitStreet(p?.street ?? '');
  const nip = p?.nip ? nipForms(p.nip) : undefined;
  const col = (name: string) => `TrN_${side}${name}` as OptimaColumn;
  const fitText = (name: string, text: string, what: string) => fit(col(name), text, `${label}, ${what}`, cuts);
  const addressCut =
    street.street.length > len(col('Ulica')) ||
    street.house.length > len(col('NrDomu')) ||
    street.flat.length > len(col('NrLokalu'));
  if (addressCut && cuts && p) cuts.push({ label: `${label}, ulica`, full: p.street });
  return {
    [col('Nazwa1')]: fitText('Nazwa1', p?.name ?? '', 'nazwa'),
    [col('Nazwa2')]: fitText('Nazwa2', p?.name2 ?? '', 'nazwa 2'),
    [col('Nazwa3')]: '',
    [col('Kraj')]: cut(p ? countryName(p.countryCode) : '', len(col('Kraj'))),
    [col('Ulica')]: cut(street.street, len(col('Ulica'))),
    [col('NrDomu')]: cut(street.house, len(col('NrDomu'))),
    [col('NrLokalu')]: cut(street.flat, len(col('NrLokalu'))),
    [col('Miasto')]: fitText('Miasto', p?.city ?? '', 'miejscowość'),
    [col('KodPocztowy')]: fitText('KodPocztowy', p?.postCode ?? '', 'kod pocztowy'),
    [col('Poczta')]: cut(p?.city ?? '', len(col('Poczta'))),
    // Optima leaves the prefix empty for Polish NIPs [G]; foreign ones carry their country.
    [col('NipKraj')]: nip && nip.country !== 'PL' ? cut(nip.country, len(col('NipKraj'))) : '',
    [col('NipE')]: fitText('NipE', nip?.bare ?? '', 'NIP'),
  };
}

/** A document's currency and its rate as Optima keeps it: KursL / KursM, of rate type KursNumer. */
export interface DocumentRate {
  currency: string;
  kursL: number;
  kursM: number;
  kursNumer: number;
}

/** PLN at 1/1; KursNumer as the one public direct-SQL writer used (SCHEMA.md §2.8). */
export const HOME_RATE: DocumentRate = {
  currency: HOME_CURRENCY,
  kursL: 1,
  kursM: 1,
  kursNumer: DEFAULT_RATE_TYPE_NUMBER,
};

/** The header's currency columns. */
export function headerRate(rate: DocumentRate): Params {
  return { TrN_Waluta: rate.currency, TrN_KursL: rate.kursL, TrN_KursM: rate.kursM, TrN_KursNumer: rate.kursNumer };
}

/** The header's FS/PA flags (0/1 columns). */
export function headerFlags(flags: DocumentFlags): Params {
  return {
    TrN_Fiskalna: flags.fiscal ? 1 : 0,
    TrN_NieWysylajDokumentuDoKSeF: flags.ksefNotSend ? 1 : 0,
    TrN_SplitPay: flags.splitPayment ? 1 : 0,
    TrN_RozliczamPodatekWOSS: flags.oss ? 1 : 0,
  };
}

/** Line columns every document line has: position, class, dates, warehouse, currency and rate. */
export function lineBase(
  documentId: number,
  index: number,
  documentClass: number,
  date: string,
  warehouseId: number,
  rate: DocumentRate,
  oss = false,
): Params {
  return {
    TrE_TrNId: documentId,
    TrE_Lp: index + 1,
    TrE_LpPow: index + 1,
    TrE_TypDokumentu: documentClass,
    TrE_Flaga: VAT_FLAG_TAXABLE,
    TrE_Waluta: rate.currency,
    TrE_KursL: rate.kursL,
    TrE_KursM: rate.kursM,
    TrE_KursNumer: rate.kursNumer,
    TrE_StawkaOSS: oss ? 1 : 0,
    TrE_MagId: warehouseId,
    TrE_DataDok: date,
    TrE_DataOpe: date,
  };
}

/** The unit price in every price column of a line (S4 writes the gross price to CenaT on a gross document). */
export function prices(unit: number): Params {
  return { TrE_Cena0: unit, TrE_CenaT: unit, TrE_CenaW: unit, TrE_Cena0WD: unit, TrE_CenaWWD: unit };
}
