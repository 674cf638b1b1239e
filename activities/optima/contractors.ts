/**
 * Contractors (CDN.Kontrahenci): finding a buyer's card by link, NIP or e-mail, creating one
 * with its link, and linking a card a person chose. Every creation and its link share one
 * transaction under one lock, so a retry or a second worker finds the first one's card.
 */
import { randomUUID } from 'node:crypto';
import { TransientError } from '../../domain/errors';
import type { ContractorDraft, ContractorRef, OptimaGateway } from '../../domain/types';
import { COLUMNS } from './columns';
import type { Params, Row } from './driver';
import { LINK_KEY, linkStatements, saveLink } from './links';
import { composeDescription, countryName, cut, exportFlag, nipForms, splitStreet, type CutText } from './rules';
import { audit, fit, freeCode, len, permanent, type OperatorInfo, type OptimaSession } from './session';
import { first, insertReturningId, same, type InsertSpec, type Statement } from './sql';
import { int, nvarchar } from './sql-types';

// prettier-ignore
const KONTRAHENCI: InsertSpec = {
  params: [
    'Knt_Kod', 'Knt_Nazwa1', 'Knt_Nazwa2', 'Knt_Nazwa3', 'Knt_Ulica', 'Knt_NrDomu', 'Knt_NrLokalu', 'Knt_Miasto',
    'Knt_KodPocztowy', 'Knt_Poczta', 'Knt_Kraj', 'Knt_KrajISO', 'Knt_Nip', 'Knt_NipE', 'Knt_NipKraj', 'Knt_Email',
    'Knt_Telefon1', 'Knt_Finalny', 'Knt_PodatekVat', 'Knt_Export', 'Knt_FplID', 'Knt_Termin', 'Knt_ImportRowId', 'Knt_Opis',
    'Knt_TS_Zal', 'Knt_TS_Mod', 'Knt_OpeZalID', 'Knt_OpeZalKod', 'Knt_OpeZalNazwisko', 'Knt_OpeModID', 'Knt_OpeModKod',
    'Knt_OpeModNazwisko',
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

const CONTRACTOR_COLUMNS =
  'k.Knt_KntId AS id, k.Knt_Kod AS code, k.Knt_Nazwa1 AS name1, k.Knt_Nazwa2 AS name2, k.Knt_Nip AS nip, ' +
  'k.Knt_FplID AS paymentFormId';

/** NIP compared as digits: people type it with dashes, spaces or dots. */
const nipDigits = (column: string): string => `REPLACE(REPLACE(REPLACE(${column}, '-', ''), ' ', ''), '.', '')`;

const CONTRACTOR_LINKS = linkStatements('AO.ContractorLinks', 'KntId');
const linkKey = LINK_KEY;

export const CONTRACTOR_STATEMENTS = {
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
  contractorLink: CONTRACTOR_LINKS.link,
  insertContractorLink: CONTRACTOR_LINKS.insertLink,
  updateContractorLink: CONTRACTOR_LINKS.updateLink,
} satisfies Record<string, Statement>;

/** The table contractor creation inserts into, for the start-up schema check. */
export const CONTRACTOR_TABLES = { Kontrahenci: KONTRAHENCI } as const;

interface ContractorRow extends Row {
  id: number;
  code: string;
  name1: string;
  name2: string;
  nip: string;
  paymentFormId: number | null;
}

function toContractor(r: ContractorRow): ContractorRef {
  const name = [r.name1, r.name2].filter((s) => s && s.trim()).join(' ');
  return {
    id: r.id,
    code: r.code,
    name,
    ...(r.nip ? { nip: r.nip } : {}),
    ...(r.paymentFormId !== null && r.paymentFormId !== undefined ? { paymentFormId: r.paymentFormId } : {}),
  };
}

type ContractorPort = Pick<
  OptimaGateway,
  'findContractorByLink' | 'findContractorsByNip' | 'findContractorsByEmail' | 'createContractor' | 'linkContractor'
>;

export class Contractors implements ContractorPort {
  constructor(private readonly session: OptimaSession) {}

  async findContractorByLink(linkKey: string): Promise<ContractorRef | null> {
    const driver = await this.session.driver();
    const row = await first<ContractorRow>(driver.company, CONTRACTOR_STATEMENTS.contractorByLink, { linkKey });
    return row ? toContractor(row) : null;
  }

  async findContractorsByNip(nip: string): Promise<ContractorRef[]> {
    const forms = nipForms(nip);
    if (!forms.bare) return [];
    const driver = await this.session.driver();
    const rows = await driver.company.all<ContractorRow>(CONTRACTOR_STATEMENTS.contractorsByNip, {
      nip: cut(forms.bare, 22),
      nipWithCountry: cut(forms.withCountry, 22),
    });
    return rows.map(toContractor);
  }

  async findContractorsByEmail(email: string): Promise<ContractorRef[]> {
    const wanted = email.trim();
    if (!wanted || wanted.length > len('Knt_Email')) return [];
    const driver = await this.session.driver();
    const rows = await driver.company.all<ContractorRow>(CONTRACTOR_STATEMENTS.contractorsByEmail, { email: wanted });
    return rows.map(toContractor);
  }

  async createContractor(draft: ContractorDraft): Promise<ContractorRef> {
    const driver = await this.session.driver();
    const op = await this.session.operator(driver);
    return driver.transaction(async (tx) => {
      // One lock for all contractor creations: the link check and the code choice stay consistent.
      await tx.lock('AO:contractors');
      const linked = await first<ContractorRow>(tx, CONTRACTOR_STATEMENTS.contractorByLink, { linkKey: draft.linkKey });
      if (linked) return toContractor(linked);
      const code = await freeCode(tx, CONTRACTOR_STATEMENTS.contractorCodeTaken, draft.code, len('Knt_Kod'));
      const row = await first<{ id: number }>(
        tx,
        CONTRACTOR_STATEMENTS.insertContractor,
        this.contractorValues(draft, code, op),
      );
      if (!row) throw new TransientError('Optima returned no id for the new contractor');
      await saveLink(tx, CONTRACTOR_LINKS, { linkKey: draft.linkKey, id: row.id, now: this.session.stamp() });
      const created = await first<ContractorRow>(tx, CONTRACTOR_STATEMENTS.contractorById, { id: row.id });
      return toContractor(created!);
    });
  }

  private contractorValues(draft: ContractorDraft, code: string, op: OperatorInfo): Params {
    const p = draft.party;
    const street = splitStreet(p.street);
    const nip = p.nip ? nipForms(p.nip) : undefined;
    const country = p.countryCode.toUpperCase();
    const now = this.session.stamp();
    const cuts: CutText[] = [];
    if (
      street.street.length > len('Knt_Ulica') ||
      street.house.length > len('Knt_NrDomu') ||
      street.flat.length > len('Knt_NrLokalu')
    ) {
      cuts.push({ label: 'Ulica', full: p.street });
    }
    return {
      Knt_Kod: code,
      Knt_Nazwa1: fit('Knt_Nazwa1', p.name, 'Nazwa', cuts),
      Knt_Nazwa2: fit('Knt_Nazwa2', p.name2 ?? '', 'Nazwa 2', cuts),
      Knt_Nazwa3: '',
      Knt_Ulica: cut(street.street, len('Knt_Ulica')),
      Knt_NrDomu: cut(street.house, len('Knt_NrDomu')),
      Knt_NrLokalu: cut(street.flat, len('Knt_NrLokalu')),
      Knt_Miasto: fit('Knt_Miasto', p.city, 'Miejscowość', cuts),
      Knt_KodPocztowy: fit('Knt_KodPocztowy', p.postCode, 'Kod pocztowy', cuts),
      Knt_Poczta: cut(p.city, len('Knt_Poczta')),
      Knt_Kraj: cut(countryName(country), len('Knt_Kraj')),
      Knt_KrajISO: cut(country, len('Knt_KrajISO')),
      Knt_Nip: cut(nip?.bare ?? '', len('Knt_Nip')),
      Knt_NipE: cut(nip?.bare ?? '', len('Knt_NipE')),
      // Optima leaves the prefix empty for Polish NIPs [G]; foreign ones carry their country.
      Knt_NipKraj: nip && nip.country !== 'PL' ? cut(nip.country, len('Knt_NipKraj')) : '',
      Knt_Email: fit('Knt_Email', p.email ?? '', 'E-mail', cuts),
      Knt_Telefon1: fit('Knt_Telefon1', p.phone ?? '', 'Telefon', cuts),
      Knt_Finalny: draft.finalConsumer ? 1 : 0,
      Knt_PodatekVat: draft.isCompany && nip ? 1 : 0,
      Knt_Export: exportFlag(country),
      Knt_FplID: draft.paymentFormId ?? null,
      Knt_Termin: 0,
      Knt_ImportRowId: randomUUID().toUpperCase(),
      // The card's notes keep whatever had to be cut (nvarchar(max): always room).
      Knt_Opis: composeDescription('', cuts, Number.MAX_SAFE_INTEGER),
      Knt_TS_Zal: now,
      Knt_TS_Mod: now,
      ...audit('Knt', op),
    };
  }

  async linkContractor(linkKey: string, contractorId: number): Promise<void> {
    const driver = await this.session.driver();
    await driver.transaction(async (tx) => {
      await tx.lock('AO:contractors');
      if (!(await first(tx, CONTRACTOR_STATEMENTS.contractorById, { id: contractorId }))) {
        throw permanent(`contractor id ${contractorId} does not exist in Optima`, 'contractor-missing');
      }
      await saveLink(tx, CONTRACTOR_LINKS, { linkKey, id: contractorId, now: this.session.stamp() });
    });
  }
}
