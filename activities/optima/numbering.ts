/**
 * Numbering a new document: its definition (CDN.DokDefinicje), its warehouse, the numbering
 * string of its series and the next number in it, taken under a lock per series so
 * concurrent writers number one after another (SCHEMA.md §12).
 */
import { randomUUID } from 'node:crypto';
import { COLUMNS } from './columns';
import type { Params, SqlRunner, Transaction } from './driver';
import { cut, DOCUMENT_CLASSES, numberingString, type WrittenKind } from './rules';
import { len, permanent, type OperatorInfo, type OptimaSession } from './session';
import { first, same, type Statement } from './sql';
import { int } from './sql-types';

export const NUMBERING_STATEMENTS = {
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
  definitionBySymbol: same(
    'SELECT DDf_DDfID AS id, DDf_Numeracja AS numbering FROM CDN.DokDefinicje ' +
      'WHERE DDf_Symbol = @symbol AND DDf_Klasa = @documentClass AND DDf_Nieaktywna = 0 ORDER BY DDf_DDfID',
    { symbol: COLUMNS.DDf_Symbol, documentClass: int },
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
} satisfies Record<string, Statement>;

/** The operator's own warehouse (Ope_Magazyn), else the first active one. */
export async function defaultWarehouse(runner: SqlRunner, op: OperatorInfo): Promise<{ id: number; symbol: string }> {
  if (op.warehouse) {
    const own = await first<{ id: number; symbol: string }>(runner, NUMBERING_STATEMENTS.warehouseBySymbol, {
      symbol: cut(op.warehouse, len('Mag_Symbol')),
    });
    if (own) return own;
  }
  const any = await first<{ id: number; symbol: string }>(runner, NUMBERING_STATEMENTS.warehouses);
  if (!any) throw permanent('Optima has no active warehouse (CDN.Magazyny): create one', 'no-warehouse');
  return any;
}

export interface NumberedHeader {
  /** The CDN.TraNag columns shared by every kind of document. */
  values: Params;
  warehouseId: number;
}

/**
 * Resolves the definition, its numbering string and the next number in that series, and
 * the warehouse: the header columns shared by every kind of document.
 */
export async function numberedHeader(
  session: OptimaSession,
  tx: Transaction,
  kind: WrittenKind,
  documentDate: string,
  warehouseId: number | null,
  op: OperatorInfo,
): Promise<NumberedHeader> {
  const cls = DOCUMENT_CLASSES[kind];
  const definition = await first<{ id: number; numbering: string }>(tx, NUMBERING_STATEMENTS.definitionBySymbol, {
    symbol: kind,
    documentClass: cls.documentClass,
  });
  if (!definition) {
    throw permanent(
      `Optima has no active document definition with symbol ${kind} (class ${cls.documentClass}) in CDN.DokDefinicje: ` +
        'create it or choose another document kind in the settings',
      'definition-missing',
    );
  }
  const warehouse =
    warehouseId === null
      ? await defaultWarehouse(tx, op)
      : await first<{ id: number; symbol: string }>(tx, NUMBERING_STATEMENTS.warehouseById, { id: warehouseId });
  if (!warehouse)
    throw permanent(
      `warehouse id ${warehouseId} does not exist in Optima: check import.warehouse`,
      'warehouse-missing',
    );
  const series = session.options.series?.[kind];
  const numerString = numberingString(
    definition.numbering,
    { symbol: kind, documentDate, ...(series ? { series } : {}), warehouseSymbol: warehouse.symbol },
    len('TrN_NumerString'),
  );
  await tx.lock(`AO:numbering:${numerString}`);
  const next = await first<{ nr: number }>(tx, NUMBERING_STATEMENTS.nextNumber, { numerString });
  const now = session.stamp();
  return {
    warehouseId: warehouse.id,
    values: {
      TrN_DDfId: definition.id,
      TrN_TypDokumentu: cls.documentClass,
      TrN_Rodzaj: cls.kind,
      TrN_NumerNr: Number(next?.nr ?? 1),
      TrN_NumerString: numerString,
      TrN_DataDok: documentDate,
      TrN_DataWys: documentDate,
      TrN_DataOpe: documentDate,
      TrN_DataKur: documentDate,
      TrN_MagZrdId: warehouse.id,
      TrN_ImportRowId: randomUUID().toUpperCase(),
      TrN_TS_Zal: now,
      TrN_TS_Mod: now,
    },
  };
}
