/**
 * Database errors → the typed errors of domain/errors.ts, whose names decide what Temporal
 * retries: a deadlock or a lost connection is retried, a licence shortage waits on its own
 * slow schedule, bad data waits for a person with a message saying what to fix.
 */
import { LicenceUnavailableError, NeedsPersonError, PermanentError, TransientError } from '../../domain/errors';

/**
 * Optima reports an exhausted or missing module licence in Polish prose (INTEGRATION.md §3.2:
 * the exact text is not public). Checked only after the SQL error number, because Polish SQL
 * Server messages say "klucz" for keys (duplicate key, error 2627) too.
 */
const LICENCE_TEXT = /licenc|moduł|modul|klucz|wyczerp/i;

function isTyped(error: unknown): error is Error {
  return (
    error instanceof TransientError ||
    error instanceof LicenceUnavailableError ||
    error instanceof PermanentError ||
    error instanceof NeedsPersonError
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// ---------------------------------------------------------------------------------------
// SQL Server (mssql / tedious)

/** Retrying the same statement later can succeed. */
const MSSQL_TRANSIENT: Record<number, string> = {
  [-2]: 'the statement timed out',
  64: 'the connection to SQL Server broke',
  233: 'the connection to SQL Server broke',
  701: 'SQL Server is out of memory',
  1204: 'SQL Server ran out of locks',
  1205: 'deadlock: SQL Server chose this transaction as the victim',
  1222: 'lock request timed out',
  2601: 'duplicate key (another writer took the same document number or key at the same moment)',
  2627: 'duplicate key (another writer took the same document number or key at the same moment)',
  3960: 'snapshot update conflict',
  10053: 'the connection to SQL Server broke',
  10054: 'the connection to SQL Server broke',
  10060: 'SQL Server did not answer',
  40197: 'the service had an error processing the request',
  40501: 'the service is busy',
  40613: 'the database is not available right now',
};

/** SQL Server refused the data or the statement: the same call fails again. */
const MSSQL_PERMANENT: Record<number, string> = {
  207: 'a column the integrator writes does not exist in this Optima version: run the connection check and report the column',
  208: 'a table the integrator uses does not exist in this database: check that the configured database is an Optima company database',
  229: 'the SQL login lacks a permission: grant it SELECT/INSERT/UPDATE on schema CDN and CREATE/INSERT/UPDATE on schema AO',
  230: 'the SQL login lacks a permission on a column: grant it the rights on schema CDN',
  245: 'a value has the wrong type for its Optima column: report the column named in the message',
  515: 'Optima requires a value the integrator left empty (NOT NULL): this Optima version has a required column the integrator does not fill; report it',
  547: 'Optima refused a reference (constraint): a payment form, warehouse, contractor or product the order refers to is missing; check the mappings',
  2628: 'a text is longer than its Optima column: shorten it in Allegro or in the mapping, or report the column',
  8114: 'a value has the wrong type for its Optima column: report the column named in the message',
  8115: 'a number is too large for its Optima column (arithmetic overflow): check quantities and prices',
  8152: 'a text is longer than its Optima column: shorten it in Allegro or in the mapping, or report the column',
};

/** Driver error codes without an SQL error number: the connection, not the data. */
const MSSQL_CONNECTION_CODES: Record<string, string> = {
  ETIMEOUT: 'SQL Server did not answer in time',
  ESOCKET: 'the connection to SQL Server broke',
  ECONNCLOSED: 'the connection to SQL Server is closed',
  ECONNRESET: 'the connection to SQL Server was reset',
  ENOTOPEN: 'the connection to SQL Server is not open',
  EINSTLOOKUP: 'the SQL Server instance could not be found (SQL Browser, UDP 1434)',
  ECONNREFUSED: 'SQL Server refused the connection',
  ELOGIN: 'SQL Server refused the login: check server, database, user and password in the settings',
  EABORT: 'the transaction was aborted',
  ECANCEL: 'the statement was cancelled',
};

interface MssqlErrorShape {
  number?: unknown;
  code?: unknown;
  originalError?: { number?: unknown; code?: unknown; info?: { number?: unknown } };
}

/** Any error from the mssql package (or already typed) → a typed error. */
export function classifyMssqlError(error: unknown): Error {
  if (isTyped(error)) return error;
  const e = (typeof error === 'object' && error !== null ? error : {}) as MssqlErrorShape;
  const rawNumber = e.number ?? e.originalError?.number ?? e.originalError?.info?.number;
  const number = typeof rawNumber === 'number' ? rawNumber : undefined;
  const code = [e.code, e.originalError?.code].find((c): c is string => typeof c === 'string');
  const message = messageOf(error);

  if (number !== undefined && MSSQL_TRANSIENT[number]) {
    return new TransientError(`Optima (SQL ${number}): ${MSSQL_TRANSIENT[number]}: ${message}`, {
      system: 'optima',
      code: `SQL${number}`,
    });
  }
  if (number !== undefined && MSSQL_PERMANENT[number]) {
    return new PermanentError(`Optima refused the write (SQL ${number}): ${MSSQL_PERMANENT[number]}. ${message}`, {
      system: 'optima',
      code: `SQL${number}`,
    });
  }
  if (LICENCE_TEXT.test(message)) {
    return new LicenceUnavailableError(`no free Optima licence (module) right now: ${message}`);
  }
  if (number === undefined && code && MSSQL_CONNECTION_CODES[code]) {
    return new TransientError(`Optima: ${MSSQL_CONNECTION_CODES[code]}: ${message}`, { system: 'optima', code });
  }
  if (number !== undefined) {
    // Numbers ≥ 50000 come from RAISERROR/THROW, e.g. in Optima's triggers: business rules.
    return new PermanentError(`Optima refused the write (SQL ${number}): ${message}`, {
      system: 'optima',
      code: `SQL${number}`,
    });
  }
  return new TransientError(`Optima: ${message}`, { system: 'optima', ...(code ? { code } : {}) });
}

// ---------------------------------------------------------------------------------------
// SQLite (better-sqlite3, the embedded Optima)

/** better-sqlite3's SqliteError → a typed error; errors that are not SQLite's pass through. */
export function classifySqliteError(error: unknown): Error {
  if (isTyped(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) {
    return error instanceof Error ? error : new Error(String(error));
  }
  const message = messageOf(error);
  const transient = (why: string) =>
    new TransientError(`embedded Optima: ${why}: ${message}`, { system: 'optima', code });
  const permanent = (why: string) =>
    new PermanentError(`embedded Optima refused the write: ${why}: ${message}`, { system: 'optima', code });

  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return transient('the database is busy');
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return transient('duplicate key (another writer took the same document number or key at the same moment)');
  }
  if (code === 'SQLITE_CONSTRAINT_NOTNULL') {
    return permanent('a required column was left empty (NOT NULL); report the column named in the message');
  }
  if (code === 'SQLITE_CONSTRAINT_CHECK') {
    return permanent('a value does not fit its Optima column (length or type named in the message)');
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_FULL' || code.startsWith('SQLITE_CANTOPEN')) {
    return transient('the database file cannot be written right now');
  }
  if (LICENCE_TEXT.test(message)) return new LicenceUnavailableError(`no free Optima licence right now: ${message}`);
  return permanent('the statement does not fit this database');
}
