/**
 * The embedded Optima: a development stand-in for a Comarch ERP Optima installation,
 * in SQLite, with the real table and column names (from optima-columns-2025.json).
 *
 * Layout, mirroring SQL Server where one database holds schemas:
 * - `company`: a connection to the company database. Its own (main) file is empty, like
 *   `dbo`; the Optima tables live in the attached database `CDN`, so SQL names them
 *   `CDN.TraNag` exactly as on SQL Server. The integrator may attach its own `AO` the
 *   same way (`attachDatabase(company, 'AO', …)`), as integrators add a schema there.
 * - `config`: a second connection, the configuration database (`CDN.Operatorzy`, `CDN.Bazy`…).
 * Files for `file = x.db`: `x.db` + `x.db.cdn`, `x.db.config` + `x.db.config.cdn`.
 *
 * Journal: rollback (DELETE), not WAL. A transaction writing `CDN` and `AO` must commit
 * both files or neither; with a rollback journal SQLite does that through a super-journal,
 * with WAL each file commits on its own (https://www.sqlite.org/lang_attach.html).
 */
import Database from 'better-sqlite3';
import { createLicenceSimulator, type LicenceSimulator } from './licences';
import { cdnDdl, type OptimaDatabase } from './schema';
import { seedCompany, seedConfig } from './seed';

export type { LicenceSimulator } from './licences';
export {
  columnInfo,
  findColumn,
  findTable,
  optimaTables,
  requiredColumns,
  sqlDateTime,
  tableForPrefix,
  tableInfo,
  withRequiredDefaults,
  zeroValue,
  type ColumnInfo,
  type IndexInfo,
  type TableInfo,
} from './schema';
export { ensureRow, insertRow } from './rows';
export * from './seed';
export * from './warehouse';

/** How long a connection waits for another one's lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

export interface EmbeddedOptimaFiles {
  /** Company database main file (empty; holds the attachments' super-journal). */
  company: string;
  /** Attached as `CDN` on the company connection. */
  companyCdn: string;
  config: string;
  /** Attached as `CDN` on the config connection. */
  configCdn: string;
}

export function embeddedOptimaFiles(file: string): EmbeddedOptimaFiles {
  return { company: file, companyCdn: `${file}.cdn`, config: `${file}.config`, configCdn: `${file}.config.cdn` };
}

export interface EmbeddedOptima {
  company: Database.Database;
  config: Database.Database;
  licences: LicenceSimulator;
  /** null: everything in memory (gone on close). */
  files: EmbeddedOptimaFiles | null;
  close(): void;
}

/**
 * `fsync`: commits wait for the disk (synchronous FULL, SQLite's default), or only hand their
 * writes to the OS (OFF): then a killed process loses nothing and the super-journal still makes
 * commits atomic across the attached files, but a power cut may lose or corrupt the last ones.
 */
function openConnection(file: string | null, fsync: boolean): Database.Database {
  const db = new Database(file ?? ':memory:', { timeout: BUSY_TIMEOUT_MS });
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('journal_mode = DELETE');
  db.pragma(`synchronous = ${fsync ? 'FULL' : 'OFF'}`);
  return db;
}

/**
 * Attaches a database file (null: a private in-memory one) under `schema`, with the
 * rollback journal that keeps commits atomic across the attached files, and the connection's
 * own fsync setting (its main database's synchronous level).
 */
export function attachDatabase(db: Database.Database, schema: string, file: string | null): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) throw new Error(`not a schema name: ${schema}`);
  const attached = (db.pragma('database_list') as { name: string }[]).some(
    (d) => d.name.toLowerCase() === schema.toLowerCase(),
  );
  if (attached) throw new Error(`a database is already attached as ${schema}`);
  db.prepare(`ATTACH DATABASE ? AS ${schema}`).run(file ?? ':memory:');
  db.pragma(`${schema}.journal_mode = DELETE`);
  db.pragma(`${schema}.synchronous = ${Number(db.pragma('main.synchronous', { simple: true }))}`);
}

/** Creates the missing CDN tables of `database`; true when the database was new. */
function ensureCdnSchema(db: Database.Database, database: OptimaDatabase): boolean {
  const isNew = db.prepare("SELECT 1 FROM CDN.sqlite_master WHERE type = 'table' LIMIT 1").get() === undefined;
  db.transaction(() => {
    for (const statement of cdnDdl(database)) db.exec(statement);
  })();
  return isNew;
}

/**
 * Opens (creating when absent) the embedded Optima. `seed` defaults to true when either
 * database is new; seeding is idempotent, so `seed: true` on an existing one only adds
 * what is missing.
 */
export function openEmbeddedOptima(opts: { file?: string; seed?: boolean; fsync?: boolean } = {}): EmbeddedOptima {
  const files = opts.file ? embeddedOptimaFiles(opts.file) : null;
  const fsync = opts.fsync ?? true;
  const company = openConnection(files?.company ?? null, fsync);
  let config: Database.Database | undefined;
  try {
    attachDatabase(company, 'CDN', files?.companyCdn ?? null);
    const companyNew = ensureCdnSchema(company, 'company');
    config = openConnection(files?.config ?? null, fsync);
    attachDatabase(config, 'CDN', files?.configCdn ?? null);
    const configNew = ensureCdnSchema(config, 'config');
    if (opts.seed ?? (companyNew || configNew)) {
      seedCompany(company);
      seedConfig(config);
    }
  } catch (e) {
    company.close();
    config?.close();
    throw e;
  }
  const openConfig = config;
  return {
    company,
    config: openConfig,
    licences: createLicenceSimulator(),
    files,
    close(): void {
      if (company.open) company.close();
      if (openConfig.open) openConfig.close();
    },
  };
}
