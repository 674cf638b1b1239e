/**
 * One SQL statement in both dialects, and the builders the gateway's modules write their
 * statements with: `mssql` (T-SQL for the production Optima) and `sqlite` (the embedded
 * Optima, where the CDN tables live in an attached database named CDN and ours in one named
 * AO). Where the SQL can be the same it is the same string. Parameters are `@name` in both
 * dialects (better-sqlite3 binds `@name` from an object); values are never spliced in.
 */
import { COLUMNS, type OptimaColumn } from './columns';
import type { Params, Row, SqlRunner } from './driver';
import type { SqlType } from './sql-types';

export interface Statement {
  readonly mssql: string;
  /** null: nothing to run on SQLite (locks: its BEGIN IMMEDIATE already serialises writers). */
  readonly sqlite: string | null;
  readonly params: Readonly<Record<string, SqlType>>;
}

export type Dialect = 'mssql' | 'sqlite';

export function same(sql: string, params: Record<string, SqlType> = {}): Statement {
  return { mssql: sql, sqlite: sql, params };
}

/** Types of columns passed as `@<column>` parameters, from the column catalogue. */
export function columnParams(columns: readonly OptimaColumn[]): Record<string, SqlType> {
  return Object.fromEntries(columns.map((c) => [c, COLUMNS[c]]));
}

export interface InsertSpec {
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

/** Every column an INSERT of the spec names (for the start-up schema check). */
export function writtenColumns(spec: InsertSpec): string[] {
  return insertColumns(spec)[0];
}

/** INSERT of one row returning its identity as `id`. */
export function insertReturningId(table: string, identity: string, spec: InsertSpec): Statement {
  const [cols, values] = insertColumns(spec);
  const insert = `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${values.join(', ')})`;
  return {
    // SCOPE_IDENTITY, not OUTPUT: OUTPUT without INTO fails on tables with triggers (Optima has them).
    mssql: `${insert}; SELECT CAST(SCOPE_IDENTITY() AS int) AS id`,
    sqlite: `${insert} RETURNING ${identity} AS id`,
    params: columnParams(spec.params),
  };
}

export function insertRow(table: string, spec: InsertSpec): Statement {
  const [cols, values] = insertColumns(spec);
  return same(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${values.join(', ')})`, columnParams(spec.params));
}

/** The first row of a statement's result. */
export async function first<T extends Row>(
  runner: SqlRunner,
  statement: Statement,
  params?: Params,
): Promise<T | undefined> {
  return (await runner.all<T>(statement, params))[0];
}
