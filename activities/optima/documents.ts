/**
 * Sales documents (RO, FS, PA) written into Optima's buffer for an Allegro order, in one
 * transaction with their ledger row: refuse a draft Optima would store wrongly, resolve what
 * the document refers to, number it, then write header, lines, VAT table and attributes,
 * read the totals back, and record it in the ledger. Under a lock per order, so a retry or
 * a second worker finds the first one's document instead of writing a second.
 */
import type { CurrencyExchange, DocumentDraft, DocumentRef, VatRow } from '../../domain/types';
import { currencyExchange, HOME_CURRENCY } from '../../domain/foreign-currency';
import { vatTable } from '../../domain/vat';
import { COLUMNS } from './columns';
import { CONTRACTOR_STATEMENTS } from './contractors';
import {
  DOCUMENT_ROW_STATEMENTS,
  headerFlags,
  headerRate,
  HOME_RATE,
  insertHeader,
  lineBase,
  party,
  prices,
  type DocumentRate,
} from './document-rows';
import type { Params, Row, Transaction } from './driver';
import { ledgerDocument, recordDocument, refuseLinesOnOtherDocuments } from './ledger';
import { numberedHeader, type NumberedHeader } from './numbering';
import { lineProducts, type ProductRow } from './products';
import {
  composeDescription,
  cut,
  decimalOf,
  DOCUMENT_CLASSES,
  exportFlag,
  minorOf,
  netFromGross,
  nipForms,
  PARTY_CONTRACTOR,
  TWR_TYP,
  TYP_NB,
  VAT_FLAG_TAXABLE,
  type CutText,
} from './rules';
import { audit, fit, len, permanent, type OperatorInfo, type OptimaSession } from './session';
import { first, same, type Statement } from './sql';
import { int } from './sql-types';

export const DOCUMENT_STATEMENTS = {
  paymentFormById: same('SELECT FPl_FPlId AS id FROM CDN.FormyPlatnosci WHERE FPl_FPlId = @id', { id: int }),
  attributeDefinition: same(
    'SELECT DeA_DeAId AS id, DeA_Kod AS code FROM CDN.DefAtrybuty WHERE DeA_Kod = @code AND DeA_Typ = 4 AND ' +
      'DeA_Nieaktywny = 0',
    { code: COLUMNS.DeA_Kod },
  ),
  /** The gross total as stored three ways (header, sum of lines, sum of the VAT table), in PLN and in the currency. */
  documentTotals: same(
    'SELECT n.TrN_RazemBrutto AS header, n.TrN_RazemBruttoWal AS headerWal, ' +
      '(SELECT SUM(e.TrE_WartoscBrutto) FROM CDN.TraElem AS e WHERE e.TrE_TrNId = n.TrN_TrNID) AS lines, ' +
      '(SELECT SUM(e.TrE_WartoscBruttoWal) FROM CDN.TraElem AS e WHERE e.TrE_TrNId = n.TrN_TrNID) AS linesWal, ' +
      '(SELECT SUM(v.TrV_Netto + v.TrV_VAT) FROM CDN.TraVat AS v WHERE v.TrV_TrNID = n.TrN_TrNID) AS vat, ' +
      '(SELECT SUM(v.TrV_NettoWal + v.TrV_VATWal) FROM CDN.TraVat AS v WHERE v.TrV_TrNID = n.TrN_TrNID) AS vatWal ' +
      'FROM CDN.TraNag AS n WHERE n.TrN_TrNID = @id',
    { id: int },
  ),
} satisfies Record<string, Statement>;

interface AttributeDefinition extends Row {
  id: number;
  code: string;
}

/** What a document refers to, each checked to exist in Optima before anything is written. */
interface References {
  paymentForm: { id: number };
  products: Map<number, ProductRow>;
  attributes: Map<string, AttributeDefinition>;
}

export async function createDocument(session: OptimaSession, draft: DocumentDraft): Promise<DocumentRef> {
  checkDraft(draft);
  const driver = await session.driver();
  const op = await session.operator(driver);
  return driver.transaction(async (tx) => {
    // Same order → one writer at a time; the second finds the first one's ledger row.
    await tx.lock(`AO:order:${draft.orderId}`);
    const existing = await ledgerDocument(tx, draft.orderId);
    if (existing) return existing;
    const lineIds = [...new Set(draft.lineIds)];
    await refuseLinesOnOtherDocuments(tx, lineIds);
    const refs = await references(tx, draft);
    const header = await numberedHeader(session, tx, draft.kind, draft.documentDate, draft.warehouseId, op);
    const vat = vatTable(draft.lines);
    const id = await insertHeader(tx, headerValues(draft, header, refs, vat, op));
    await insertLines(tx, id, draft, header.warehouseId, refs.products);
    await insertVatRows(tx, id, vat, draft.exchange?.vatPln ?? vat);
    await insertAttributes(tx, id, draft.attributes, refs.attributes);
    await verifyStoredTotals(tx, id, draft.grossTotal, draft.exchange?.grossTotalPln ?? draft.grossTotal);
    return recordDocument(session, tx, {
      id,
      orderId: draft.orderId,
      account: draft.account,
      kind: draft.kind,
      lineIds,
    });
  });
}

async function references(tx: Transaction, draft: DocumentDraft): Promise<References> {
  const paymentForm = await first<{ id: number }>(tx, DOCUMENT_STATEMENTS.paymentFormById, {
    id: draft.paymentFormId,
  });
  if (!paymentForm)
    throw permanent(
      `payment form id ${draft.paymentFormId} does not exist in Optima: check mappings.payment`,
      'payment-form-missing',
    );
  if (!(await first(tx, CONTRACTOR_STATEMENTS.contractorById, { id: draft.contractorId }))) {
    throw permanent(
      `contractor id ${draft.contractorId} does not exist in Optima (deleted?): retry to match the buyer again`,
      'contractor-missing',
    );
  }
  const products = await lineProducts(
    tx,
    draft.lines.map((l) => l.productId),
  );
  const attributes = await attributeDefinitions(
    tx,
    draft.attributes.map((a) => a.code),
  );
  return { paymentForm, products, attributes };
}

async function attributeDefinitions(tx: Transaction, codes: string[]): Promise<Map<string, AttributeDefinition>> {
  const found = new Map<string, AttributeDefinition>();
  for (const code of new Set(codes)) {
    const row =
      code.length <= len('DeA_Kod')
        ? await first<AttributeDefinition>(tx, DOCUMENT_STATEMENTS.attributeDefinition, { code })
        : undefined;
    if (!row) {
      throw permanent(
        `document attribute "${code}" is not defined in Optima: add it in Ogólne → Atrybuty as a document attribute (or change the setting naming it)`,
        'attribute-missing',
      );
    }
    found.set(code, row);
  }
  return found;
}

/** The CDN.TraNag values: numbering, party copies (what they cut is kept whole in TrN_Opis), totals. */
function headerValues(
  draft: DocumentDraft,
  header: NumberedHeader,
  refs: References,
  vat: VatRow[],
  op: OperatorInfo,
): Params {
  const cuts: CutText[] = [];
  const buyerNip = draft.buyer.nip ? nipForms(draft.buyer.nip) : undefined;
  const sum = (rows: VatRow[]) =>
    rows.reduce((t, r) => ({ net: t.net + r.net, vat: t.vat + r.vat }), { net: 0, vat: 0 });
  const totals = sum(vat);
  const exchange = draft.exchange;
  const pln = exchange ? sum(exchange.vatPln) : totals;
  const recipient = {
    ...draft.recipient,
    phone: draft.recipient.phone ?? draft.buyer.phone,
    email: draft.recipient.email ?? draft.buyer.email,
  };
  // Party copies first: what they cut goes into the description composed below.
  const copies = {
    ...party('Pod', draft.buyer, 'Nabywca', cuts),
    ...party('Odb', recipient, 'Odbiorca', cuts),
    TrN_OdbTelefon: fit('TrN_OdbTelefon', recipient.phone ?? '', 'Odbiorca, telefon', cuts),
    TrN_OdbEmail: fit('TrN_OdbEmail', recipient.email ?? '', 'Odbiorca, e-mail', cuts),
  };
  return {
    ...header.values,
    TrN_NumerObcy: draft.orderId,
    TrN_TypNB: TYP_NB.gross,
    TrN_Termin: draft.dueDate,
    // The day of the NBP table the rate comes from.
    ...(exchange ? { TrN_DataKur: exchange.effectiveDate } : {}),
    ...copies,
    TrN_PodmiotTyp: PARTY_CONTRACTOR,
    TrN_PodID: draft.contractorId,
    TrN_OdbiorcaTyp: PARTY_CONTRACTOR,
    TrN_OdbID: draft.contractorId,
    TrN_PlatnikTyp: PARTY_CONTRACTOR,
    TrN_PlatnikID: draft.contractorId,
    TrN_FPlId: refs.paymentForm.id,
    ...headerRate(documentRate(draft)),
    ...headerFlags(draft.flags),
    TrN_KodKraju: cut(draft.buyer.countryCode.toUpperCase(), len('TrN_KodKraju')),
    TrN_Export: exportFlag(draft.buyer.countryCode),
    TrN_Finalny: buyerNip ? 0 : 1,
    TrN_PodatekVat: buyerNip ? 1 : 0,
    TrN_RazemNetto: decimalOf(pln.net),
    TrN_RazemVAT: decimalOf(pln.vat),
    TrN_RazemBrutto: decimalOf(exchange?.grossTotalPln ?? draft.grossTotal),
    TrN_RazemNettoWal: decimalOf(totals.net),
    TrN_RazemVATWal: decimalOf(totals.vat),
    TrN_RazemBruttoWal: decimalOf(draft.grossTotal),
    TrN_Opis: composeDescription(draft.description, cuts, len('TrN_Opis')),
    ...audit('TrN', op),
  };
}

async function insertLines(
  tx: Transaction,
  id: number,
  draft: DocumentDraft,
  warehouseId: number,
  products: Map<number, ProductRow>,
): Promise<void> {
  const documentClass = DOCUMENT_CLASSES[draft.kind].documentClass;
  const rate = documentRate(draft);
  for (const [i, line] of draft.lines.entries()) {
    const net = decimalOf(netFromGross(line.grossValue, line.vatRate));
    const grossPln = draft.exchange?.linesGrossPln[i] ?? line.grossValue;
    await tx.all(DOCUMENT_ROW_STATEMENTS.insertLine, {
      ...lineBase(id, i, documentClass, draft.documentDate, warehouseId, rate, draft.flags.oss),
      TrE_TwrId: line.productId,
      TrE_TwrKod: cut(line.code, len('TrE_TwrKod')),
      TrE_TwrNazwa: cut(line.name, len('TrE_TwrNazwa')),
      // The full name when it had to be cut (the line's description has room for it).
      TrE_TwrOpis: line.name.length > len('TrE_TwrNazwa') ? cut(line.name, len('TrE_TwrOpis')) : '',
      TrE_TwrEAN: (line.productId !== null ? products.get(line.productId)?.ean : undefined) ?? '',
      TrE_TwrTyp: line.isService ? TWR_TYP.service : TWR_TYP.goods,
      TrE_Jm: line.unit,
      TrE_Ilosc: line.quantity,
      TrE_IloscJM: line.quantity,
      ...prices(decimalOf(line.unitGross)),
      TrE_Stawka: line.vatRate,
      TrE_WartoscNetto: decimalOf(netFromGross(grossPln, line.vatRate)),
      TrE_WartoscBrutto: decimalOf(grossPln),
      TrE_WartoscNettoWal: net,
      TrE_WartoscBruttoWal: decimalOf(line.grossValue),
      TrE_TypNB: TYP_NB.gross,
      TrE_PodmiotTyp: PARTY_CONTRACTOR,
      TrE_PodID: draft.contractorId,
    });
  }
}

/** `vatPln`: the same rows in PLN (the currency rows themselves on a PLN document). */
async function insertVatRows(tx: Transaction, id: number, vat: VatRow[], vatPln: VatRow[]): Promise<void> {
  for (const row of vat) {
    const pln = vatPln.find((r) => r.vatRate === row.vatRate);
    if (!pln) throw permanent(`document ${id}: no PLN VAT row for rate ${row.vatRate}`, 'vat-mismatch');
    await tx.all(DOCUMENT_ROW_STATEMENTS.insertVat, {
      TrV_TrNID: id,
      TrV_Stawka: row.vatRate,
      TrV_Flaga: VAT_FLAG_TAXABLE,
      TrV_Netto: decimalOf(pln.net),
      TrV_VAT: decimalOf(pln.vat),
      TrV_NettoWal: decimalOf(row.net),
      TrV_VATWal: decimalOf(row.vat),
    });
  }
}

async function insertAttributes(
  tx: Transaction,
  id: number,
  values: DocumentDraft['attributes'],
  definitions: Map<string, AttributeDefinition>,
): Promise<void> {
  for (const a of values) {
    const definition = definitions.get(a.code)!;
    await tx.all(DOCUMENT_ROW_STATEMENTS.insertAttribute, {
      DAt_TrNId: id,
      DAt_DeAId: definition.id,
      DAt_Kod: definition.code,
      DAt_WartoscTxt: cut(a.value, len('DAt_WartoscTxt')),
    });
  }
}

/**
 * Refuses a draft Optima would store wrongly: no lines, a total that is not the sum of
 * its lines (to the grosz), a VAT table that is not the one of its lines, a currency the
 * gateway cannot convert.
 */
function checkDraft(draft: DocumentDraft): void {
  const refuse = (message: string, code: string) => {
    throw permanent(`order ${draft.orderId}: ${message}`, code);
  };
  if (!draft.lines.length) refuse('the document has no lines', 'no-lines');
  const sum = draft.lines.reduce((s, l) => s + l.grossValue, 0);
  if (sum !== draft.grossTotal) {
    refuse(
      `the gross total ${draft.grossTotal} differs from the sum of the lines ${sum} (minor units); nothing was written`,
      'total-mismatch',
    );
  }
  for (const l of draft.lines) {
    if (!Number.isSafeInteger(l.grossValue) || !Number.isSafeInteger(l.unitGross))
      refuse(`line ${l.sourceLineId} has a non-integer amount`, 'bad-amount');
    if (!(l.quantity > 0)) refuse(`line ${l.sourceLineId} has quantity ${l.quantity}`, 'bad-quantity');
    if (!(l.vatRate >= 0 && l.vatRate < 100))
      refuse(`line ${l.sourceLineId} has VAT rate ${l.vatRate}`, 'bad-vat-rate');
  }
  if (draft.vat.length) {
    const key = (rows: { vatRate: number; net: number; vat: number; gross: number }[]) =>
      JSON.stringify([...rows].sort((a, b) => b.vatRate - a.vatRate).map((r) => [r.vatRate, r.net, r.vat, r.gross]));
    if (key(draft.vat) !== key(vatTable(draft.lines)))
      refuse('the VAT table does not match the lines (VAT from gross per rate)', 'vat-mismatch');
  }
  checkExchange(draft, refuse);
  if (!['RO', 'FS', 'PA'].includes(draft.kind)) refuse(`unknown document kind ${draft.kind}`, 'kind');
}

/**
 * Reads back what the database stored (decimal columns, after any trigger) and refuses,
 * rolling everything back, unless header, lines and VAT table all hold the draft's total.
 */
async function verifyStoredTotals(
  tx: Transaction,
  id: number,
  grossTotal: number,
  grossTotalPln: number,
): Promise<void> {
  const stored = await first<Record<'header' | 'lines' | 'vat' | 'headerWal' | 'linesWal' | 'vatWal', unknown>>(
    tx,
    DOCUMENT_STATEMENTS.documentTotals,
    { id },
  );
  const check = (expected: number, header: unknown, lines: unknown, vat: unknown, what: string) => {
    const totals = { header: minorOf(header), lines: minorOf(lines), vat: minorOf(vat) };
    if (totals.header === expected && totals.lines === expected && totals.vat === expected) return;
    throw permanent(
      `document totals ${what} stored by Optima differ from the order's ${expected} (header ${totals.header}, lines ` +
        `${totals.lines}, VAT table ${totals.vat}, minor units); nothing was written: report this order`,
      'stored-total-mismatch',
    );
  };
  check(grossTotal, stored?.headerWal, stored?.linesWal, stored?.vatWal, "in the order's currency");
  check(grossTotalPln, stored?.header, stored?.lines, stored?.vat, 'in PLN');
}

/** The draft's currency and rate; PLN at 1/1. */
function documentRate(draft: DocumentDraft): DocumentRate {
  const x = draft.exchange;
  return x ? { currency: draft.currency, kursL: x.kursL, kursM: x.kursM, kursNumer: x.kursNumer } : HOME_RATE;
}

/**
 * A foreign-currency draft must carry its rate, and its PLN amounts must be the ones the
 * rate gives (domain/foreign-currency.ts): Optima would otherwise book other PLN figures.
 */
function checkExchange(draft: DocumentDraft, refuse: (message: string, code: string) => void): void {
  const x = draft.exchange;
  if (draft.currency === HOME_CURRENCY) {
    if (x) refuse('a PLN document carries an exchange rate', 'currency');
    return;
  }
  if (!/^[A-Z]{3}$/.test(draft.currency)) refuse(`"${draft.currency}" is not a currency code`, 'currency');
  if (!x) {
    refuse(`the document is in ${draft.currency} but carries no NBP rate`, 'currency');
    return;
  }
  const expected = currencyExchange(
    { currency: draft.currency, rate: x.rate, tableNumber: x.tableNumber, effectiveDate: x.effectiveDate },
    x.taxPointDate,
    x.kursNumer,
    draft.lines,
    vatTable(draft.lines),
  );
  const amounts = (e: CurrencyExchange) =>
    JSON.stringify([
      e.kursL,
      e.kursM,
      e.vatPln.map((r) => [r.vatRate, r.net, r.vat, r.gross]),
      e.linesGrossPln,
      e.grossTotalPln,
    ]);
  if (amounts(expected) !== amounts(x))
    refuse(`the PLN amounts differ from those of the rate ${x.rate} ${draft.currency}`, 'currency-mismatch');
}
