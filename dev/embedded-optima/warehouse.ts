/**
 * What people do in the demo company's Optima that the integrator then reads: goods added
 * with their prices and opening stock, a stock level changed (a new dated CDN.TwrIlosci row,
 * as Optima keeps stock as a dated ledger). Used by tests and the demo, never by production code.
 */
import type { Database } from 'better-sqlite3';
import { parseMinor } from '../../domain/money';
import { ensureRow, insertRow } from './rows';
import { sqlDateTime, tableInfo } from './schema';
import {
  DEA_TYP,
  DEMO_OPERATOR,
  OPENING_STOCK_DATE,
  productValues,
  RETAIL_PRICE_NUMBER,
  seedPrices,
  TWR_TYP,
} from './seed';

export interface NewGood {
  code: string;
  name: string;
  /** Retail gross price (price type 4), PLN decimal string. */
  priceGross: string;
  vatRate: number;
  /** Opening stock in the operator's warehouse (MAG). */
  stock: number;
}

function warehouseId(db: Database, symbol: string): number {
  const row = db.prepare('SELECT Mag_MagId AS id FROM CDN.Magazyny WHERE Mag_Symbol = ?').get(symbol) as
    { id: number } | undefined;
  if (!row) throw new Error(`no warehouse ${symbol}`);
  return row.id;
}

/** Cards with their prices and opening stock, in one transaction; their ids in order. */
export function addGoods(db: Database, goods: readonly NewGood[], now = new Date()): number[] {
  const mag = warehouseId(db, DEMO_OPERATOR.warehouse);
  const ts = sqlDateTime(now);
  return db.transaction(() =>
    goods.map((g) => {
      const id = ensureRow(
        db,
        'Towary',
        { Twr_Kod: g.code },
        productValues(g.code, g.name, '', TWR_TYP.goods, 'szt', g.vatRate, ts),
      );
      seedPrices(db, id, parseMinor(g.priceGross), g.vatRate);
      ensureRow(
        db,
        'TwrIlosci',
        { TwI_TwrId: id, TwI_MagId: mag, TwI_Data: OPENING_STOCK_DATE },
        { TwI_Ilosc: g.stock },
      );
      return id;
    }),
  )();
}

/** The stock level of a card in a warehouse from now on: a new dated row, as a receipt or issue leaves. */
export function setStock(
  db: Database,
  productId: number,
  level: { quantity: number; reserved?: number; warehouse?: string; at?: Date },
): void {
  const key = {
    TwI_TwrId: productId,
    TwI_MagId: warehouseId(db, level.warehouse ?? DEMO_OPERATOR.warehouse),
    TwI_Data: sqlDateTime(level.at ?? new Date()),
  };
  // (item, warehouse, date) is unique: a second change within the same second replaces the first.
  db.prepare('DELETE FROM CDN.TwrIlosci WHERE TwI_TwrId = ? AND TwI_MagId = ? AND TwI_Data = ?').run(
    key.TwI_TwrId,
    key.TwI_MagId,
    key.TwI_Data,
  );
  insertRow(db, 'TwrIlosci', { ...key, TwI_Ilosc: level.quantity, TwI_Rezerwacje: level.reserved ?? 0 });
}

/** A new retail (gross) price of a card. */
export function setRetailPrice(db: Database, productId: number, priceGross: string): void {
  db.prepare('UPDATE CDN.TwrCeny SET TwC_Wartosc = ? WHERE TwC_TwrID = ? AND TwC_TwCNumer = ?').run(
    priceGross,
    productId,
    RETAIL_PRICE_NUMBER,
  );
}

export interface Conversion {
  /** TrN_NrListuPrzewozowego of the new document; absent: none. */
  waybill?: string;
  /** TrN_NrListuPrzewozowegoTypKuriera. */
  carrierType?: number;
}

/**
 * A warehouse person converts a document (an RO) to an invoice (FS), as Optima does: a new
 * document copying the header, the two linked in CDN.TraNagRelacje; the waybill number written
 * on the invoice. Returns the invoice's id.
 */
export function convertToInvoice(
  db: Database,
  documentId: number,
  conversion: Conversion = {},
  now = new Date(),
): number {
  const source = db.prepare('SELECT * FROM CDN.TraNag WHERE TrN_TrNID = ?').get(documentId) as
    Record<string, unknown> | undefined;
  if (!source) throw new Error(`no document ${documentId}`);
  const ts = sqlDateTime(now);
  return db.transaction(() => {
    const last = db.prepare('SELECT MAX(TrN_NumerNr) AS n FROM CDN.TraNag WHERE TrN_TypDokumentu = 302').get() as {
      n: number | null;
    };
    const number = (last.n ?? 0) + 1;
    // Identity, the import's GUID and computed columns (the full number) are the database's to fill.
    const computed = new Set(
      tableInfo('TraNag')
        .columns.filter((c) => c.computed || c.identity)
        .map((c) => c.name),
    );
    const header = Object.fromEntries(
      Object.entries(source).filter(([c]) => !computed.has(c) && c !== 'TrN_ImportRowId'),
    );
    const invoiceId = insertRow(db, 'TraNag', {
      ...header,
      TrN_TypDokumentu: 302,
      TrN_Rodzaj: 302000,
      TrN_NumerNr: number,
      TrN_NumerString: 'FA/@numerS/2026',
      // The Allegro order id stays on the RO only: one document per order carries it.
      TrN_NumerObcy: '',
      TrN_NrListuPrzewozowego: conversion.waybill ?? '',
      TrN_NrListuPrzewozowegoTypKuriera: conversion.carrierType ?? 0,
      TrN_TS_Zal: ts,
      TrN_TS_Mod: ts,
    });
    insertRow(db, 'TraNagRelacje', {
      TrR_TrNId: documentId,
      TrR_TrNTyp: source.TrN_TypDokumentu,
      TrR_FaId: invoiceId,
      TrR_FaTyp: 302,
      TrR_Flaga: 0,
    });
    return invoiceId;
  })();
}

/**
 * A person sets a document attribute (e.g. STATUS_WYSYLKI = SPAKOWANE) on a document and saves
 * it, as in Optima's document form: the definition is made when the company lacks it, the value
 * replaces the one before, and saving the document stamps TrN_TS_Mod (DokAtrybuty has no stamp).
 */
export function setDocumentAttribute(
  db: Database,
  documentId: number,
  attribute: { code: string; value: string },
  now = new Date(),
): void {
  const ts = sqlDateTime(now);
  db.transaction(() => {
    const definitionId = ensureRow(
      db,
      'DefAtrybuty',
      { DeA_Typ: DEA_TYP.document, DeA_Kod: attribute.code },
      {
        DeA_Nazwa: attribute.code,
        DeA_Format: 1,
        DeA_CzyDrukowac: 0,
        DeA_OpeZalKod: DEMO_OPERATOR.code,
        DeA_OpeModKod: DEMO_OPERATOR.code,
        DeA_TS_Zal: ts,
        DeA_TS_Mod: ts,
      },
    );
    db.prepare('DELETE FROM CDN.DokAtrybuty WHERE DAt_TrNId = ? AND DAt_DeAId = ?').run(documentId, definitionId);
    insertRow(db, 'DokAtrybuty', {
      DAt_TrNId: documentId,
      DAt_DeAId: definitionId,
      DAt_Kod: attribute.code,
      DAt_WartoscTxt: attribute.value,
    });
    db.prepare('UPDATE CDN.TraNag SET TrN_TS_Mod = ? WHERE TrN_TrNID = ?').run(ts, documentId);
  })();
}
