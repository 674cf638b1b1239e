/**
 * Internal stock receipts (PW) that bring Optima's stock up to the Allegro offers' stock:
 * valued at net purchase prices, without a VAT table, recorded in the ledger under their
 * key so a retry finds the first one.
 */
import { lineValue } from '../../domain/money';
import type { DocumentRef, StockReceiptDraft } from '../../domain/types';
import {
  DOCUMENT_ROW_STATEMENTS,
  headerFlags,
  headerRate,
  HOME_RATE,
  insertHeader,
  lineBase,
  party,
  prices,
} from './document-rows';
import { ledgerDocument, recordDocument } from './ledger';
import { numberedHeader } from './numbering';
import { lineProducts } from './products';
import { cut, decimalOf, DOCUMENT_CLASSES, TYP_NB } from './rules';
import { audit, len, permanent, type OptimaSession } from './session';

/** A stock receipt is no sale: none of the sales flags. */
const NO_FLAGS = { fiscal: false, ksefNotSend: false, splitPayment: false, oss: false };

export async function createStockReceipt(session: OptimaSession, draft: StockReceiptDraft): Promise<DocumentRef> {
  if (!draft.lines.length) throw permanent(`stock receipt ${draft.key} has no lines`, 'no-lines');
  const driver = await session.driver();
  const op = await session.operator(driver);
  const cls = DOCUMENT_CLASSES.PW;
  return driver.transaction(async (tx) => {
    await tx.lock(`AO:order:${draft.key}`);
    const existing = await ledgerDocument(tx, draft.key);
    if (existing) return existing;
    const products = await lineProducts(
      tx,
      draft.lines.map((l) => l.productId),
    );
    const header = await numberedHeader(session, tx, 'PW', draft.documentDate, draft.warehouseId, op);
    const values = draft.lines.map((l) => lineValue(l.unitNet, l.quantity));
    const net = values.reduce((a, b) => a + b, 0);
    const id = await insertHeader(tx, {
      ...header.values,
      ...party('Pod', undefined, 'Nabywca'),
      ...party('Odb', undefined, 'Odbiorca'),
      TrN_NumerObcy: cut(draft.key, len('TrN_NumerObcy')),
      TrN_TypNB: TYP_NB.net,
      TrN_Termin: draft.documentDate,
      TrN_OdbTelefon: null,
      TrN_OdbEmail: null,
      TrN_PodmiotTyp: null,
      TrN_PodID: null,
      TrN_OdbiorcaTyp: null,
      TrN_OdbID: null,
      TrN_PlatnikTyp: null,
      TrN_PlatnikID: null,
      TrN_FPlId: null,
      ...headerRate(HOME_RATE),
      ...headerFlags(NO_FLAGS),
      TrN_KodKraju: '',
      TrN_Export: 0,
      TrN_Finalny: 0,
      TrN_PodatekVat: 0,
      // An internal receipt is valued at net purchase prices, without a VAT table [G].
      TrN_RazemNetto: decimalOf(net),
      TrN_RazemVAT: 0,
      TrN_RazemBrutto: decimalOf(net),
      TrN_RazemNettoWal: decimalOf(net),
      TrN_RazemVATWal: 0,
      TrN_RazemBruttoWal: decimalOf(net),
      TrN_Opis: cut(`Stany ofert Allegro: ${draft.key}`, len('TrN_Opis')),
      ...audit('TrN', op),
    });
    for (const [i, line] of draft.lines.entries()) {
      const product = products.get(line.productId)!;
      await tx.all(DOCUMENT_ROW_STATEMENTS.insertLine, {
        ...lineBase(id, i, cls.documentClass, draft.documentDate, header.warehouseId, HOME_RATE),
        TrE_TwrId: product.id,
        TrE_TwrKod: product.code,
        TrE_TwrNazwa: product.name,
        TrE_TwrOpis: '',
        TrE_TwrEAN: product.ean ?? '',
        TrE_TwrTyp: Number(product.type),
        TrE_Jm: product.unit,
        TrE_Ilosc: line.quantity,
        TrE_IloscJM: line.quantity,
        ...prices(decimalOf(line.unitNet)),
        TrE_Stawka: Number(product.vatRate),
        TrE_WartoscNetto: decimalOf(values[i]),
        TrE_WartoscBrutto: decimalOf(values[i]),
        TrE_WartoscNettoWal: decimalOf(values[i]),
        TrE_WartoscBruttoWal: decimalOf(values[i]),
        TrE_TypNB: TYP_NB.net,
        TrE_PodmiotTyp: null,
        TrE_PodID: null,
      });
    }
    return recordDocument(session, tx, { id, orderId: draft.key, account: '', kind: 'PW', lineIds: [] });
  });
}
