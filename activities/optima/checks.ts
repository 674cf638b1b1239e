/**
 * What the integrator checks and reads before it writes: the connection, the operator, the
 * schema of the tables it writes (against the columns it names) and the document
 * definitions; and the reference data the settings are validated with (payment forms,
 * delivery services, warehouses, definitions).
 */
import type { ConnectionCheck, OptimaReferenceData } from '../../domain/types';
import { COLUMNS, type OptimaColumn } from './columns';
import { CONTRACTOR_TABLES } from './contractors';
import { DOCUMENT_TABLES } from './document-rows';
import type { OptimaDriver } from './driver';
import { defaultWarehouse, NUMBERING_STATEMENTS } from './numbering';
import { PRODUCT_COLUMNS, PRODUCT_TABLES, toProduct, type ProductRow } from './products';
import { DOCUMENT_CLASSES, paymentFormType } from './rules';
import { SESSION_STATEMENTS, type OptimaSession } from './session';
import { first, same, writtenColumns, type Statement } from './sql';
import { textLength } from './sql-types';

export const CHECK_STATEMENTS = {
  ping: same('SELECT 1 AS ok'),
  paymentForms: same(
    'SELECT FPl_FPlId AS id, FPl_Nazwa AS name, FPl_Typ AS type, FPl_KSeFId AS ksefId, FPl_Termin AS dueDays ' +
      'FROM CDN.FormyPlatnosci ' +
      'WHERE FPl_NieAktywny = 0 ORDER BY FPl_FPlId',
  ),
  serviceGoods: same(
    `SELECT ${PRODUCT_COLUMNS} FROM CDN.Towary AS t WHERE t.Twr_Typ = 0 AND t.Twr_NieAktywny = 0 ORDER BY t.Twr_Kod`,
  ),
  definitions: same(
    'SELECT DDf_DDfID AS id, DDf_Symbol AS symbol, DDf_Klasa AS documentClass, DDf_Numeracja AS numbering ' +
      'FROM CDN.DokDefinicje WHERE DDf_Nieaktywna = 0 ORDER BY DDf_Klasa, DDf_Symbol',
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
} satisfies Record<string, Statement>;

/** The tables the gateway inserts into, with every column it names (for the schema check). */
export const WRITTEN_COLUMNS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  Object.entries({ ...DOCUMENT_TABLES, ...CONTRACTOR_TABLES, ...PRODUCT_TABLES }).map(([table, spec]) => [
    table,
    writtenColumns(spec),
  ]),
);

type Outcome = { ok: boolean; detail: string };

export async function checkConnection(session: OptimaSession): Promise<ConnectionCheck[]> {
  let driver: OptimaDriver;
  try {
    driver = await session.driver();
  } catch (e) {
    return [{ target: 'Optima company database', ok: false, detail: (e as Error).message }];
  }
  const operator = session.options.operator;
  const checks: ConnectionCheck[] = [];
  const check = async (target: string, run: () => Promise<Outcome>) => {
    try {
      checks.push({ target, ...(await run()) });
    } catch (e) {
      checks.push({ target, ok: false, detail: (e as Error).message });
    }
  };
  await check('Optima company database', async () => {
    await driver.company.all(CHECK_STATEMENTS.ping);
    return { ok: true, detail: `${driver.target}: connected; integrator tables (AO) ready` };
  });
  await check('Optima config database', async () => {
    const op = await first<{ id: number }>(driver.config, SESSION_STATEMENTS.operator, { code: operator });
    return op
      ? { ok: true, detail: `operator ${operator} found` }
      : {
          ok: false,
          detail: `operator ${operator} not in CDN.Operatorzy: set optima.operator to an Optima operator code`,
        };
  });
  await check('Optima schema', () => schemaCheck(driver));
  await check('Optima document definitions', async () => {
    const defs = await driver.company.all<{ symbol: string; documentClass: number }>(CHECK_STATEMENTS.definitions);
    const found = (['RO', 'FS', 'PA'] as const).filter((k) =>
      defs.some((d) => d.symbol === k && Number(d.documentClass) === DOCUMENT_CLASSES[k].documentClass),
    );
    return found.length
      ? { ok: true, detail: `definitions found: ${found.join(', ')}` }
      : {
          ok: false,
          detail: 'no RO, FS or PA definition (CDN.DokDefinicje): the integrator cannot number documents',
        };
  });
  return checks;
}

/** Every column the gateway writes exists, and no text column is shorter than assumed. */
async function schemaCheck(driver: OptimaDriver): Promise<Outcome> {
  const rows = await driver.company.all<{ tableName: string; columnName: string; maxLength: number | null }>(
    CHECK_STATEMENTS.schemaColumns,
  );
  const present = new Map(rows.map((r) => [`${r.tableName}.${r.columnName}`.toLowerCase(), r]));
  const problems: string[] = [];
  for (const [table, columns] of Object.entries(WRITTEN_COLUMNS)) {
    for (const column of columns) {
      const found = present.get(`${table}.${column}`.toLowerCase());
      if (!found) {
        problems.push(`${table}.${column} missing`);
        continue;
      }
      const assumed = column in COLUMNS ? textLength(COLUMNS[column as OptimaColumn]) : undefined;
      const actual = found.maxLength === null || found.maxLength === undefined ? undefined : Number(found.maxLength);
      if (assumed !== undefined && actual !== undefined && actual !== -1 && actual < assumed) {
        problems.push(`${table}.${column} holds ${actual} characters, the integrator writes up to ${assumed}`);
      }
    }
  }
  return problems.length
    ? { ok: false, detail: `this Optima version differs: ${problems.join('; ')}` }
    : { ok: true, detail: `all ${Object.values(WRITTEN_COLUMNS).flat().length} written columns present` };
}

export async function readReferenceData(session: OptimaSession): Promise<OptimaReferenceData> {
  const driver = await session.driver();
  const db = driver.company;
  const [forms, services, warehouses, definitions, op] = await Promise.all([
    db.all<{ id: number; name: string; type: number; ksefId: number; dueDays: number }>(CHECK_STATEMENTS.paymentForms),
    db.all<ProductRow>(CHECK_STATEMENTS.serviceGoods),
    db.all<{ id: number; symbol: string; name: string }>(NUMBERING_STATEMENTS.warehouses),
    db.all<{ id: number; symbol: string; documentClass: number; numbering: string }>(CHECK_STATEMENTS.definitions),
    session.operator(driver),
  ]);
  return {
    paymentForms: forms.map((f) => ({
      id: f.id,
      name: f.name,
      type: paymentFormType(Number(f.type), Number(f.ksefId)),
      dueDays: Number(f.dueDays),
    })),
    deliveryServices: services.map(toProduct),
    warehouses: warehouses.map((w) => ({ id: w.id, symbol: w.symbol, name: w.name })),
    defaultWarehouseId: (await defaultWarehouse(db, op)).id,
    definitions: definitions.map((d) => ({
      id: d.id,
      symbol: d.symbol,
      documentClass: Number(d.documentClass),
      numbering: d.numbering,
    })),
  };
}
