/**
 * The small interface between the gateway's business logic (gateway.ts and the modules it
 * delegates to) and a database: SQL Server through `mssql` (mssql-driver.ts) or the embedded
 * Optima's SQLite (dev/embedded-optima/driver.ts). A driver runs Statements (sql.ts) in its dialect, runs
 * transactions, and turns database errors into the typed errors of domain/errors.ts.
 */
import { PermanentError } from '../../domain/errors';
import type { Dialect, Statement } from './sql';
import { sqlTypeName, textLength, type SqlValue } from './sql-types';

export type Params = Readonly<Record<string, SqlValue>>;
export type Row = Record<string, unknown>;

export interface SqlRunner {
  /** Rows of the statement's last result set ([] for statements without one). */
  all<T extends Row = Row>(statement: Statement, params?: Params): Promise<T[]>;
}

export interface Transaction extends SqlRunner {
  /**
   * Exclusive lock on a name until the transaction ends (sp_getapplock on SQL Server;
   * nothing on SQLite, whose write transactions are already serialised).
   */
  lock(resource: string): Promise<void>;
}

export interface OptimaDriver {
  readonly dialect: Dialect;
  /** Human-readable target without secrets, e.g. `mssql://sql01/CDN_Firma`. */
  readonly target: string;
  /** The company database (CDN.* and the integrator's AO.* tables), outside a transaction. */
  readonly company: SqlRunner;
  /** Optima's configuration database (operators). */
  readonly config: SqlRunner;
  /**
   * Runs `work` in one company-database write transaction: committed when it resolves,
   * rolled back when it throws. Where Optima licences are visible (the embedded Optima),
   * one is taken for the duration and LicenceUnavailableError thrown when none is free.
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Checks the values against the statement's declared parameters before anything is sent:
 * every declared parameter has a value, nothing undeclared is passed, and no text is longer
 * than its column (SQL Server would refuse with error 8152; a clear message is better).
 */
export function checkParams(statement: Statement, params: Params): void {
  for (const name of Object.keys(params)) {
    if (!(name in statement.params)) throw new Error(`parameter @${name} is not declared by the statement`);
  }
  for (const [name, type] of Object.entries(statement.params)) {
    if (!(name in params)) throw new Error(`parameter @${name} has no value`);
    const value = params[name];
    const max = textLength(type);
    if (typeof value === 'string' && max !== undefined && value.length > max) {
      throw new PermanentError(
        `value for ${name} is ${value.length} characters, the Optima column (${sqlTypeName(type)}) holds ${max}: ` +
          `shorten it in Allegro or in the mapping`,
        { system: 'optima', code: 'too-long', path: name },
      );
    }
  }
}
