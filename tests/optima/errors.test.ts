/**
 * Database errors → typed errors (domain/errors.ts), whose names decide Temporal's retries.
 * mssql errors are built with the package's own classes, shaped as tedious reports them.
 */
import sql from 'mssql';
import { LicenceUnavailableError, PermanentError, TransientError } from '../../domain/errors';
import { classifyMssqlError, classifySqliteError } from '../../activities/optima/errors';

function requestError(number: number, message: string): Error {
  const e = new sql.RequestError(message, 'EREQUEST');
  (e as unknown as { number: number }).number = number;
  return e;
}

function connectionError(code: string, message: string): Error {
  return new sql.ConnectionError(message, code as sql.MSSQL_ERROR_CODE);
}

type Expected = typeof TransientError | typeof PermanentError | typeof LicenceUnavailableError;

describe('mssql error classification', () => {
  const table: [string, Error, Expected][] = [
    [
      'deadlock 1205',
      requestError(
        1205,
        'Transaction (Process ID 57) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.',
      ),
      TransientError,
    ],
    [
      'duplicate key 2601 (numbering race)',
      requestError(2601, "Cannot insert duplicate key row in object 'CDN.TraNag' with unique index 'TrNNumer'."),
      TransientError,
    ],
    [
      'duplicate key 2627',
      requestError(
        2627,
        "Violation of PRIMARY KEY constraint 'PK_AO_OrderDocuments'. Cannot insert duplicate key in object 'AO.OrderDocuments'.",
      ),
      TransientError,
    ],
    // A Polish-language server says "klucza" in a duplicate-key message: still a race, not a licence.
    [
      'duplicate key 2627 in Polish',
      requestError(
        2627,
        "Naruszenie ograniczenia PRIMARY KEY 'PK_AO_OrderDocuments'. Nie można wstawić zduplikowanego klucza w obiekcie 'AO.OrderDocuments'.",
      ),
      TransientError,
    ],
    [
      'request timeout ETIMEOUT',
      Object.assign(new sql.RequestError('Timeout: Request failed to complete in 60000ms', 'ETIMEOUT')),
      TransientError,
    ],
    [
      'connection timeout ETIMEOUT',
      connectionError('ETIMEOUT', 'Failed to connect to sql01:1433 in 15000ms'),
      TransientError,
    ],
    ['lost connection ESOCKET', connectionError('ESOCKET', 'Connection lost - read ECONNRESET'), TransientError],
    ['closed connection ECONNCLOSED', connectionError('ECONNCLOSED', 'Connection is closed.'), TransientError],
    ['licence text from Optima (moduł)', new Error('Brak wolnych licencji na moduł Handel'), LicenceUnavailableError],
    ['licence text (klucz)', new Error('Brak dostępnych modułów w kluczu'), LicenceUnavailableError],
    ['licence text in a trigger error', requestError(50000, 'Licencja wyczerpana: moduł KB'), LicenceUnavailableError],
    [
      'NOT NULL 515',
      requestError(
        515,
        "Cannot insert the value NULL into column 'TrN_Opis', table 'CDN_Firma.CDN.TraNag'; column does not allow nulls. INSERT fails.",
      ),
      PermanentError,
    ],
    ['truncation 8152', requestError(8152, 'String or binary data would be truncated.'), PermanentError],
    [
      'truncation 2628',
      requestError(2628, "String or binary data would be truncated in table 'CDN.TraNag', column 'TrN_PodNazwa1'."),
      PermanentError,
    ],
    ['invalid column 207', requestError(207, "Invalid column name 'Trn_WszystkoPlSyncho'."), PermanentError],
    ['trigger business rule 50000', requestError(50000, 'Dokument jest zablokowany'), PermanentError],
  ];

  test.each(table)('%s', (_name, error, expected) => {
    const typed = classifyMssqlError(error);
    expect(typed).toBeInstanceOf(expected);
    expect(typed.message).toContain(error.message);
  });

  test('permanent errors say what to fix; transient ones carry the SQL number', () => {
    expect(classifyMssqlError(requestError(515, 'Cannot insert the value NULL')).message).toMatch(/NOT NULL.*report/);
    expect(classifyMssqlError(requestError(8152, 'truncated')).message).toMatch(/shorten/);
    expect((classifyMssqlError(requestError(1205, 'deadlock')) as TransientError).details.code).toBe('SQL1205');
    expect((classifyMssqlError(requestError(515, 'x')) as PermanentError).details.system).toBe('optima');
  });

  test('an already typed error passes unchanged', () => {
    const typed = new PermanentError('bad', { system: 'optima' });
    expect(classifyMssqlError(typed)).toBe(typed);
  });
});

describe('SQLite error classification (embedded Optima)', () => {
  const sqliteError = (code: string, message: string) => Object.assign(new Error(message), { code });
  test.each([
    ['SQLITE_BUSY', 'database is locked', TransientError],
    ['SQLITE_BUSY_SNAPSHOT', 'database is locked', TransientError],
    [
      'SQLITE_CONSTRAINT_UNIQUE',
      'UNIQUE constraint failed: TraNag.TrN_NumerString, TraNag.TrN_NumerNr',
      TransientError,
    ],
    ['SQLITE_CONSTRAINT_PRIMARYKEY', 'UNIQUE constraint failed: OrderDocuments.OrderId', TransientError],
    ['SQLITE_CONSTRAINT_NOTNULL', 'NOT NULL constraint failed: TraNag.TrN_Opis', PermanentError],
    ['SQLITE_CONSTRAINT_CHECK', 'CHECK constraint failed: TrN_PodNazwa1 max 50', PermanentError],
    ['SQLITE_ERROR', 'no such column: TrN_Nazwa1', PermanentError],
  ] as const)('%s', (code, message, expected) => {
    const typed = classifySqliteError(sqliteError(code, message));
    expect(typed).toBeInstanceOf(expected);
    expect(typed.message).toContain(message);
  });

  test('errors that are not SQLite errors pass through', () => {
    const bug = new TypeError('x is not a function');
    expect(classifySqliteError(bug)).toBe(bug);
  });
});
