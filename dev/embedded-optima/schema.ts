/**
 * The Optima CDN schema as data, read from optima-columns-2025.json (a copy of
 * /work/shared/reference/optima/optima-columns-2025.json: column facts of a real Optima
 * 2024/2025 company DB and its config DB, see SCHEMA.md). The embedded Optima creates its
 * tables from it, and the gateway uses the same facts (lengths, NOT NULL columns) to write
 * rows that a real Optima would accept.
 *
 * This module is database-neutral: DDL generation for SQLite lives here too, but nothing
 * here opens a database.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Which Optima database a table lives in. */
export type OptimaDatabase = 'company' | 'config';

export type SqliteAffinity = 'INTEGER' | 'NUMERIC' | 'REAL' | 'TEXT' | 'BLOB';

export interface ColumnInfo {
  name: string;
  /** SQL Server type as in the file, e.g. `nvarchar(50)`, `decimal(15, 2)`, `datetime`. */
  sqlType: string;
  /** Base type name, lower case: `nvarchar`, `decimal`, `int`… */
  baseType: string;
  /** Characters for char types; absent for `(max)` and non-text types. */
  maxLength?: number;
  precision?: number;
  scale?: number;
  nullable: boolean;
  /** Raw default as the file shows it (e.g. `default ""`), absent when none. */
  defaultRaw?: string;
  /** SQL Server computed column: never written. */
  computed: boolean;
  /** The `<Prefix>_<Prefix>Id` identity key: never written. */
  identity: boolean;
  affinity: SqliteAffinity;
}

export interface IndexInfo {
  name: string;
  columns: string[];
  unique: boolean;
}

export interface TableInfo {
  database: OptimaDatabase;
  /** Name without schema, e.g. `TraNag`. */
  name: string;
  /** `CDN.TraNag`. */
  qualified: string;
  /** Column prefix (as spelled by the key column), e.g. `TrN`. */
  prefix: string;
  /** Optima "views" (PodmiotyView) are tables maintained by triggers there; a view here. */
  isView: boolean;
  columns: ColumnInfo[];
  indexes: IndexInfo[];
  /** The identity key column; absent for views. */
  key?: string;
}

interface RawColumn {
  name: string;
  sqlType: string;
  null: boolean;
  extra: string;
}
interface RawTable {
  indexes: { name: string; columns: string[]; unique: boolean }[];
  triggers: string[];
  columns: RawColumn[];
}

export const SCHEMA_FILE = join(__dirname, 'optima-columns-2025.json');

const TYPE_AFFINITY: Record<string, SqliteAffinity> = {
  int: 'INTEGER',
  bigint: 'INTEGER',
  smallint: 'INTEGER',
  tinyint: 'INTEGER',
  bit: 'INTEGER',
  decimal: 'NUMERIC',
  numeric: 'NUMERIC',
  money: 'NUMERIC',
  smallmoney: 'NUMERIC',
  float: 'REAL',
  real: 'REAL',
  char: 'TEXT',
  nchar: 'TEXT',
  varchar: 'TEXT',
  nvarchar: 'TEXT',
  text: 'TEXT',
  ntext: 'TEXT',
  uniqueidentifier: 'TEXT',
  date: 'TEXT',
  datetime: 'TEXT',
  datetime2: 'TEXT',
  smalldatetime: 'TEXT',
  time: 'TEXT',
  binary: 'BLOB',
  varbinary: 'BLOB',
  image: 'BLOB',
};

const CHAR_TYPES = new Set(['char', 'nchar', 'varchar', 'nvarchar', 'text', 'ntext']);
const DATE_TYPES = new Set(['date', 'datetime', 'datetime2', 'smalldatetime']);

function parseColumn(raw: RawColumn, keyName: string | undefined): ColumnInfo {
  const m = /^([a-z0-9]+)\s*(?:\(([^)]*)\))?$/i.exec(raw.sqlType.trim());
  if (!m) throw new Error(`unreadable SQL type "${raw.sqlType}" of ${raw.name}`);
  const baseType = m[1].toLowerCase();
  const affinity = TYPE_AFFINITY[baseType];
  if (!affinity) throw new Error(`no SQLite mapping for SQL type "${raw.sqlType}" of ${raw.name}`);
  const info: ColumnInfo = {
    name: raw.name,
    sqlType: raw.sqlType,
    baseType,
    nullable: raw.null,
    computed: raw.extra.startsWith('COMPUTED'),
    identity: keyName !== undefined && raw.name.toLowerCase() === keyName.toLowerCase(),
    affinity,
  };
  if (raw.extra.startsWith('default')) info.defaultRaw = raw.extra;
  const args = m[2]?.split(',').map((s) => s.trim());
  if (args && CHAR_TYPES.has(baseType) && args[0] !== 'max') info.maxLength = Number(args[0]);
  if (args && (baseType === 'decimal' || baseType === 'numeric')) {
    info.precision = Number(args[0]);
    info.scale = Number(args[1] ?? 0);
  }
  return info;
}

function loadSchema(): Map<string, TableInfo> {
  const parsed = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as { tables: Record<string, RawTable> };
  const tables = new Map<string, TableInfo>();
  for (const [fullName, raw] of Object.entries(parsed.tables)) {
    const m = /^(company|config):CDN\.(\w+)$/.exec(fullName);
    if (!m) throw new Error(`unexpected table name in ${SCHEMA_FILE}: ${fullName}`);
    const name = m[2];
    const first = raw.columns[0];
    if (!first) throw new Error(`table without columns: ${fullName}`);
    const prefix = first.name.split('_')[0];
    const isView = /View$/.test(name);
    // Optima keys are `<prefix>_<prefix>Id` (TrN_TrNID, Baz_BazID, BMO_BmoId): match ignoring case.
    const key = isView
      ? undefined
      : raw.columns.find((c) => c.name.toLowerCase() === `${prefix}_${prefix}id`.toLowerCase())?.name;
    if (!isView && !key) throw new Error(`no <prefix>_<prefix>Id key column in ${fullName}`);
    tables.set(name.toLowerCase(), {
      database: m[1] as OptimaDatabase,
      name,
      qualified: `CDN.${name}`,
      prefix,
      isView,
      columns: raw.columns.map((c) => parseColumn(c, key)),
      indexes: raw.indexes.map((i) => ({ name: i.name, columns: [...i.columns], unique: i.unique })),
      ...(key ? { key } : {}),
    });
  }
  return tables;
}

const TABLES = loadSchema();

/** Column prefix (lower case) → table; Optima prefixes are unique per table. */
const PREFIXES = new Map<string, TableInfo>();
for (const t of TABLES.values()) {
  for (const c of t.columns) {
    const p = c.name.split('_')[0].toLowerCase();
    const owner = PREFIXES.get(p);
    if (owner && owner !== t) throw new Error(`column prefix ${p} used by ${owner.name} and ${t.name}`);
    PREFIXES.set(p, t);
  }
}

function tableKey(table: string): string {
  return table
    .replace(/^(company|config):/i, '')
    .replace(/^CDN\./i, '')
    .toLowerCase();
}

/** All tables of the file (or of one database), in file order. */
export function optimaTables(database?: OptimaDatabase): TableInfo[] {
  return [...TABLES.values()].filter((t) => !database || t.database === database);
}

/** `TraNag`, `CDN.TraNag` or `company:CDN.TraNag`, any case; undefined when unknown. */
export function findTable(table: string): TableInfo | undefined {
  return TABLES.get(tableKey(table));
}

export function tableInfo(table: string): TableInfo {
  const t = findTable(table);
  if (!t) throw new Error(`CDN.${tableKey(table)} is not in ${SCHEMA_FILE}`);
  return t;
}

/** The table owning a column prefix (`TrN`, `Knt`…, any case), if any. */
export function tableForPrefix(prefix: string): TableInfo | undefined {
  return PREFIXES.get(prefix.toLowerCase());
}

export function findColumn(table: string, column: string): ColumnInfo | undefined {
  const lc = column.toLowerCase();
  return findTable(table)?.columns.find((c) => c.name.toLowerCase() === lc);
}

/**
 * Facts about one column (case-insensitive names, like SQL Server under Polish_CI_AS).
 * Throws for an unknown table or column so that a typo in the gateway fails loudly.
 */
export function columnInfo(table: string, column: string): ColumnInfo {
  const c = findColumn(tableInfo(table).name, column);
  if (!c) throw new Error(`column ${column} is not in ${tableInfo(table).qualified}`);
  return c;
}

/** Local time as SQL Server prints a datetime: `YYYY-MM-DD HH:MM:SS`. Datetime columns hold this text. */
export function sqlDateTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
  );
}

/**
 * Columns an INSERT must supply: NOT NULL, no default, not computed, not the identity.
 * (Appendix A of SCHEMA.md: the EF scaffold may hide DEFAULT 0 constraints, so a real
 * database can be more lenient; never less.)
 */
export function requiredColumns(table: string): ColumnInfo[] {
  return tableInfo(table).columns.filter((c) => !c.nullable && !c.defaultRaw && !c.computed && !c.identity);
}

/** SQL Server's "empty" value of a column type: what Optima itself stores for "nothing". */
export function zeroValue(c: ColumnInfo): string | number | Buffer {
  if (c.affinity === 'BLOB') return Buffer.alloc(0);
  if (DATE_TYPES.has(c.baseType)) return '1900-01-01 00:00:00';
  if (c.baseType === 'uniqueidentifier') return '00000000-0000-0000-0000-000000000000';
  return c.affinity === 'TEXT' ? '' : 0;
}

/** `values` completed with the zero value of every required column it leaves out. */
export function withRequiredDefaults(table: string, values: Record<string, unknown>): Record<string, unknown> {
  const given = new Set(Object.keys(values).map((k) => k.toLowerCase()));
  const row: Record<string, unknown> = { ...values };
  for (const c of requiredColumns(table)) if (!given.has(c.name.toLowerCase())) row[c.name] = zeroValue(c);
  return row;
}

// ---------------------------------------------------------------------------------------
// SQLite DDL

function q(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** SQL Server defaults of the file → SQLite DEFAULT clauses. Unknown forms fail loudly. */
function sqliteDefault(c: ColumnInfo): string | undefined {
  if (!c.defaultRaw) return undefined;
  const v = c.defaultRaw.replace(/^default\s+/, '').trim();
  if (v === '""') return "''";
  if (v === '(getdate())') return "(datetime('now','localtime'))";
  if (v === '(newid())') {
    // A random version-4 GUID, upper case as SQL Server shows uniqueidentifier values.
    return (
      "(upper(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-' || " +
      "substr('89AB', 1 + abs(random() % 4), 1) || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))))"
    );
  }
  const num = v
    .replace(/^\((?:byte|short)\)/, '')
    .replace(/m$/, '')
    .replace(/^\(+|\)+$/g, '');
  if (/^-?\d+(\.\d+)?$/.test(num)) return num;
  throw new Error(`no SQLite translation of ${c.name} ${c.defaultRaw}`);
}

/**
 * SQL Server computed columns of the file, rewritten in SQLite. The Optima functions
 * behind some of them are not public: those give NULL (all such columns are nullable).
 */
const COMPUTED: Record<string, string> = {
  // CDN.FN_NUMERPELNY(nr, string): the printable number, `@numerS` replaced by the counter.
  'tranag.trn_numerpelny': "replace(TrN_NumerString, '@numerS', TrN_NumerNr)",
  'tranag.trn_statusstring': 'NULL',
  'tranag.trn_wartosczakupu': 'NULL',
  'traelem.tre_wartosczakupu': 'NULL',
  'dokatrybuty.dat_wartoscdecimal':
    "CASE WHEN length(DAt_WartoscTxt) < 15 AND trim(replace(replace(DAt_WartoscTxt, char(9), ''), ',', '.')) <> '' " +
    "AND trim(replace(replace(DAt_WartoscTxt, char(9), ''), ',', '.')) NOT GLOB '*[^0-9.+-]*' " +
    "AND DAt_WartoscTxt GLOB '*[0-9]*' AND DAt_WartoscTxt NOT LIKE '%' || char(13) || '%' " +
    "THEN CAST(trim(replace(replace(DAt_WartoscTxt, char(9), ''), ',', '.')) AS NUMERIC) ELSE -99999999 END",
  'kontrahenci.knt_nippelny': 'Knt_NipKraj || Knt_Nip',
  'kontrahenci.knt_rachuneknr0': "replace(replace(Knt_RachunekNr, '-', ''), ' ', '')",
  'dokdefinicje.ddf_kierunekorg':
    'CASE WHEN DDf_Klasa IN (650, 600, 313, 307, 301, 224, 201, 117, 114, 102) THEN -1 ' +
    'WHEN DDf_Klasa IN (314, 308, 306, 305, 302, 221, 202, 101) THEN 1 ELSE 0 END',
  // Baz_Dostep looks like `NET:<database>,<server>,NT=1`.
  'bazy.baz_nazwabazy':
    "CASE WHEN instr(Baz_Dostep, ':') > 0 AND instr(substr(Baz_Dostep, instr(Baz_Dostep, ':') + 1), ',') > 0 " +
    "THEN substr(Baz_Dostep, instr(Baz_Dostep, ':') + 1, instr(substr(Baz_Dostep, instr(Baz_Dostep, ':') + 1), ',') - 1) END",
  'bazy.baz_nazwaserwera':
    "CASE WHEN instr(Baz_Dostep, ',') > 0 AND instr(substr(Baz_Dostep, instr(Baz_Dostep, ',') + 1), ',') > 0 " +
    "THEN substr(Baz_Dostep, instr(Baz_Dostep, ',') + 1, instr(substr(Baz_Dostep, instr(Baz_Dostep, ',') + 1), ',') - 1) END",
  'bazmodulyoperatora.bmo_ustawieniaogolne':
    'CASE WHEN BMO_ModulKP + BMO_ModulKH + BMO_ModulST + BMO_ModulFA + BMO_ModulHA + BMO_ModulPK + BMO_ModulPKP + ' +
    'BMO_ModulANL + BMO_ModulANLP + BMO_ModulCRM + BMO_ModulCRMP + BMO_ModulKHP + BMO_ModulSRW + BMO_ModulOBD + ' +
    'BMO_ModulKB + BMO_ModulKBP + BMO_ModulHAP > 0 THEN 0 ELSE 1 END',
};

/**
 * Checks that make SQLite refuse what SQL Server refuses: text longer than the column
 * ("String or binary data would be truncated"), a value that is not a number in a number
 * column, a datetime that is not `YYYY-MM-DD…` text. Named after the column so the
 * error message says which one.
 */
function columnChecks(c: ColumnInfo): string[] {
  const col = q(c.name);
  const checks: string[] = [];
  if (c.maxLength !== undefined) {
    checks.push(`CONSTRAINT ${q(`${c.name} max ${c.maxLength}`)} CHECK (length(${col}) <= ${c.maxLength})`);
  }
  if (c.affinity === 'INTEGER') {
    checks.push(`CONSTRAINT ${q(`${c.name} integer`)} CHECK (typeof(${col}) IN ('integer', 'null'))`);
  } else if (c.affinity === 'NUMERIC' || c.affinity === 'REAL') {
    checks.push(`CONSTRAINT ${q(`${c.name} number`)} CHECK (typeof(${col}) IN ('integer', 'real', 'null'))`);
  } else if (DATE_TYPES.has(c.baseType)) {
    checks.push(
      `CONSTRAINT ${q(`${c.name} datetime`)} CHECK (${col} IS NULL OR (typeof(${col}) = 'text' AND ` +
        `${col} GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]*'))`,
    );
  }
  return checks;
}

function columnDdl(t: TableInfo, c: ColumnInfo): string {
  const parts = [q(c.name), c.affinity];
  if (c.identity) {
    // AUTOINCREMENT: like an identity, an id is never reused after a delete.
    parts.push('PRIMARY KEY AUTOINCREMENT NOT NULL');
    return parts.join(' ');
  }
  // Polish_CI_AS compares text case-insensitively; NOCASE does so for ASCII letters.
  if (c.affinity === 'TEXT' && CHAR_TYPES.has(c.baseType)) parts.push('COLLATE NOCASE');
  if (c.computed) {
    const expr = COMPUTED[`${t.name}.${c.name}`.toLowerCase()];
    if (!expr) throw new Error(`no SQLite translation of computed column ${t.qualified}.${c.name}`);
    parts.push(`GENERATED ALWAYS AS (${expr}) VIRTUAL`);
  } else {
    const dflt = sqliteDefault(c);
    if (dflt !== undefined) parts.push(`DEFAULT ${dflt}`);
  }
  if (!c.nullable) parts.push('NOT NULL');
  parts.push(...columnChecks(c));
  return parts.join(' ');
}

/** PodmiotyView: every party of the company; here only contractors (Pod_PodmiotTyp = 1). */
function podmiotyViewDdl(schema: string, t: TableInfo): string {
  const knt = tableInfo('Kontrahenci');
  const special: Record<string, string> = {
    pod_podid: 'k.Knt_KntId',
    pod_podmiottyp: 'COALESCE(k.Knt_PodmiotTyp, 1)',
    pod_glkod: 'g.Knt_Kod',
    pod_glnazwa12: "g.Knt_Nazwa1 || ' ' || g.Knt_Nazwa2",
    pod_importrowid: "COALESCE(k.Knt_ImportRowId, '')",
    pod_rodzajopis: "'Kontrahent'",
  };
  const select = t.columns.map((c) => {
    const lc = c.name.toLowerCase();
    const source = knt.columns.find((k) => k.name.toLowerCase() === `knt_${lc.slice('pod_'.length)}`);
    const expr = special[lc] ?? (source ? `k.${source.name}` : undefined);
    if (!expr) throw new Error(`no Kontrahenci source for ${t.qualified}.${c.name}`);
    return `${expr} AS ${q(c.name)}`;
  });
  return (
    `CREATE VIEW IF NOT EXISTS ${schema}.${q(t.name)} AS SELECT ${select.join(', ')} ` +
    `FROM Kontrahenci AS k LEFT JOIN Kontrahenci AS g ON g.Knt_KntId = k.Knt_GlID`
  );
}

/**
 * DDL creating every table (and view) of one Optima database in the SQLite schema
 * `schema` (an attached database named CDN), with the file's indexes. Idempotent.
 * SQLite index names share one namespace with tables: an index named like a table
 * (TwrEAN on Towary vs the table TwrEan) gets the table name as a prefix.
 */
export function cdnDdl(database: OptimaDatabase, schema = 'CDN'): string[] {
  const tables = optimaTables(database);
  const tableNames = new Set(tables.map((t) => t.name.toLowerCase()));
  const ddl: string[] = [];
  for (const t of tables) {
    if (t.isView) {
      if (t.name !== 'PodmiotyView') throw new Error(`no SQLite definition of the view ${t.qualified}`);
      continue; // views after their tables
    }
    ddl.push(
      `CREATE TABLE IF NOT EXISTS ${schema}.${q(t.name)} (\n  ${t.columns.map((c) => columnDdl(t, c)).join(',\n  ')}\n)`,
    );
    for (const i of t.indexes) {
      const name = tableNames.has(i.name.toLowerCase()) ? `${t.name}_${i.name}` : i.name;
      ddl.push(
        `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX IF NOT EXISTS ${schema}.${q(name)} ON ${q(t.name)} (${i.columns.map(q).join(', ')})`,
      );
    }
  }
  for (const t of tables) if (t.isView) ddl.push(podmiotyViewDdl(schema, t));
  return ddl;
}
