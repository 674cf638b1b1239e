/**
 * Writing rows into the embedded CDN tables the way a direct-SQL writer must on a real
 * Optima: every NOT NULL column without a default gets a value (zero / empty text when
 * the caller gives none), text fits the column (the tables refuse longer text).
 */
import type { Database, Statement } from 'better-sqlite3';
import { columnInfo, sqlDateTime, tableInfo, withRequiredDefaults } from './schema';

const statements = new WeakMap<Database, Map<string, Statement>>();

function prepared(db: Database, sql: string): Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map<string, Statement>()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
  return stmt;
}

/** better-sqlite3 binds neither booleans nor dates: Optima stores them as 0/1 and datetime text. */
function bindable(v: unknown): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return sqlDateTime(v);
  return v;
}

/**
 * INSERT into `CDN.<table>` (company or config connection), completing required columns
 * with zero values. Keys of `values` are column names; undefined values are left out.
 * Returns the new identity (`<Prefix>_<Prefix>Id`).
 */
export function insertRow(db: Database, table: string, values: Record<string, unknown>): number {
  const t = tableInfo(table);
  // Column names become SQL text: only names of the table pass (and typos fail here).
  const defined = Object.fromEntries(
    Object.entries(values)
      .filter(([, v]) => v !== undefined)
      .map(([c, v]) => [columnInfo(t.name, c).name, v]),
  );
  const row = withRequiredDefaults(t.name, defined);
  const cols = Object.keys(row);
  const sql = `INSERT INTO CDN.${t.name} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;
  const result = prepared(db, sql).run(...cols.map((c) => bindable(row[c])));
  return Number(result.lastInsertRowid);
}

/**
 * The id of the row whose `key` columns equal the given values, inserting it (key +
 * values) when absent: how the seed stays idempotent.
 */
export function ensureRow(
  db: Database,
  table: string,
  key: Record<string, unknown>,
  values: Record<string, unknown>,
): number {
  const t = tableInfo(table);
  if (!t.key) throw new Error(`${t.qualified} has no identity key`);
  const keyCols = Object.keys(key).map((c) => columnInfo(t.name, c).name);
  const sql = `SELECT ${t.key} AS id FROM CDN.${t.name} WHERE ${keyCols.map((c) => `${c} = ?`).join(' AND ')}`;
  const found = prepared(db, sql).get(...Object.values(key).map(bindable)) as { id: number } | undefined;
  return found ? found.id : insertRow(db, t.name, { ...values, ...key });
}
