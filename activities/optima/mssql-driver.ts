/**
 * Driver for a real Optima: SQL Server through the `mssql` package (tedious). Parameters
 * only, each with its declared SQL type (VarChar for varchar columns, NVarChar for
 * nvarchar, INTEGRATION.md §7.3). Two pools: the company database (CDN + the integrator's
 * AO schema) and Optima's configuration database (operators).
 *
 * Windows (NT) authentication of the current process needs the native `msnodesqlv8`
 * driver (`mssql/msnodesqlv8`), which this build does not include: use a SQL login, or
 * a Windows domain account by name and password (NTLM: `domain` + user + password).
 */
import type sql from 'mssql';
import { PermanentError, TransientError } from '../../domain/errors';
import { checkParams, type OptimaDriver, type Params, type Row, type SqlRunner, type Transaction } from './driver';
import { classifyMssqlError } from './errors';
import type { Statement } from './sql';
import { int, nvarchar, type SqlType, type SqlValue } from './sql-types';

type Mssql = typeof sql;
let loaded: Promise<Mssql> | undefined;
/** mssql (with tedious) takes ~0.3 s and ~30 MB to load: only a worker on SQL Server pays for it. */
const mssql = (): Promise<Mssql> => (loaded ??= import('mssql').then((module) => module.default));

/** The driver's own statements, SQL Server only (SQLite's BEGIN IMMEDIATE does both jobs). */
export const MSSQL_DRIVER_STATEMENTS = {
  /** Every mssql transaction: any error rolls the whole transaction back. */
  xactAbort: { mssql: 'SET XACT_ABORT ON', sqlite: null, params: {} },
  /**
   * Exclusive application lock held until commit/rollback. sp_getapplock reports a timeout
   * or deadlock through its return code, not an error: APPLOCK_MODE tells whether we hold it.
   */
  applock: {
    mssql:
      "EXEC sp_getapplock @Resource = @resource, @LockMode = 'Exclusive', @LockOwner = 'Transaction', " +
      "@LockTimeout = @timeoutMs; SELECT APPLOCK_MODE('public', @resource, 'Transaction') AS lockMode",
    sqlite: null,
    params: { resource: nvarchar(255), timeoutMs: int },
  },
} satisfies Record<string, Statement>;

export interface MssqlConnectionSettings {
  /** Host name or address; `host\instance` and `host,port` (as Optima shows them) are understood. */
  server: string;
  port?: number;
  instanceName?: string;
  database: string;
  configDatabase: string;
  user?: string;
  password?: string;
  /** Windows domain for NTLM login with user + password. */
  domain?: string;
  /** Integrated Windows login of the current process: not available here (see the file comment). */
  trustedConnection?: boolean;
  encrypt?: boolean;
  trustServerCertificate?: boolean;
  requestTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** sp_getapplock wait (ms) before a TransientError. */
  lockTimeoutMs?: number;
}

const truthy = (v: string | null) => v !== null && /^(1|true|yes)$/i.test(v);

/**
 * `mssql://user:password@host[:port]/database?instance=NAME&configDatabase=…&encrypt=true&
 * trustServerCertificate=true&domain=DOMAIN` (`sqlserver://` too) → connection settings.
 */
export function mssqlSettingsFromUrl(url: string): MssqlConnectionSettings {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new PermanentError('optima.url is not a URL: expected mssql://user:password@host[:port]/database', {
      system: 'optima',
      code: 'bad-url',
    });
  }
  if (u.protocol !== 'mssql:' && u.protocol !== 'sqlserver:') {
    throw new PermanentError(`optima.url must start with mssql:// (got ${u.protocol}//)`, {
      system: 'optima',
      code: 'bad-url',
    });
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (!u.hostname || !database) {
    throw new PermanentError('optima.url needs a host and a database: mssql://user:password@host[:port]/database', {
      system: 'optima',
      code: 'bad-url',
    });
  }
  const q = u.searchParams;
  const settings: MssqlConnectionSettings = {
    server: decodeURIComponent(u.hostname),
    database,
    configDatabase: q.get('configDatabase') ?? 'CDN_KNF_Konfiguracja',
    encrypt: q.has('encrypt') ? truthy(q.get('encrypt')) : true,
    trustServerCertificate: truthy(q.get('trustServerCertificate')),
    trustedConnection: truthy(q.get('trustedConnection')),
  };
  if (u.port) settings.port = Number(u.port);
  if (q.get('instance')) settings.instanceName = q.get('instance')!;
  if (u.username) settings.user = decodeURIComponent(u.username);
  if (u.password) settings.password = decodeURIComponent(u.password);
  if (q.get('domain')) settings.domain = q.get('domain')!;
  return settings;
}

/** The connection target without credentials, for logs and checks. */
export function describeTarget(s: MssqlConnectionSettings): string {
  const { server, port, instanceName } = splitServer(s);
  return `mssql://${server}${instanceName ? `\\${instanceName}` : ''}${port ? `:${port}` : ''}/${s.database}`;
}

function splitServer(s: MssqlConnectionSettings): { server: string; port?: number; instanceName?: string } {
  let server = s.server.trim();
  let port = s.port;
  let instanceName = s.instanceName;
  const comma = server.indexOf(',');
  if (comma >= 0) {
    port ??= Number(server.slice(comma + 1));
    server = server.slice(0, comma);
  }
  const slash = server.indexOf('\\');
  if (slash >= 0) {
    instanceName ??= server.slice(slash + 1);
    server = server.slice(0, slash);
  }
  return { server, ...(port ? { port } : {}), ...(instanceName ? { instanceName } : {}) };
}

/** mssql pool configuration for one database of the server. */
export function poolConfig(s: MssqlConnectionSettings, database: string): sql.config {
  if (s.trustedConnection) {
    throw new PermanentError(
      'Windows integrated authentication (trusted connection) needs the msnodesqlv8 driver (mssql/msnodesqlv8), ' +
        'which this installation does not include: use a SQL login (user + password), or a Windows domain account ' +
        'with domain + user + password (NTLM)',
      { system: 'optima', code: 'nt-auth' },
    );
  }
  if (!s.user) {
    throw new PermanentError('the SQL Server connection needs a user (and password)', {
      system: 'optima',
      code: 'no-user',
    });
  }
  const { server, port, instanceName } = splitServer(s);
  const config: sql.config = {
    server,
    database,
    pool: { max: 10, min: 0, idleTimeoutMillis: 30_000 },
    requestTimeout: s.requestTimeoutMs ?? 60_000,
    connectionTimeout: s.connectTimeoutMs ?? 15_000,
    options: {
      encrypt: s.encrypt ?? true,
      trustServerCertificate: s.trustServerCertificate ?? false,
      // Datetimes are bound as UTC instants of the wall-clock text, so SQL Server stores the text as given.
      useUTC: true,
      appName: 'allegro-optima',
      ...(instanceName ? { instanceName } : {}),
    },
  };
  if (port) config.port = port;
  if (s.domain) {
    config.authentication = {
      type: 'ntlm',
      options: { userName: s.user, password: s.password ?? '', domain: s.domain },
    };
  } else {
    config.user = s.user;
    config.password = s.password ?? '';
  }
  return config;
}

function mssqlType(sql: Mssql, t: SqlType): sql.ISqlType | (() => sql.ISqlType) {
  switch (t.kind) {
    case 'int':
      return sql.Int;
    case 'smallint':
      return sql.SmallInt;
    case 'tinyint':
      return sql.TinyInt;
    case 'datetime':
      return sql.DateTime;
    case 'decimal':
      return sql.Decimal(t.precision, t.scale);
    case 'varchar':
      return sql.VarChar(t.length === 'max' ? sql.MAX : t.length);
    case 'nvarchar':
      return sql.NVarChar(t.length === 'max' ? sql.MAX : t.length);
  }
}

/** `YYYY-MM-DD[ HH:MM:SS]` wall-clock text → the Date that useUTC stores as that text. */
function dateValue(value: SqlValue): Date | null {
  if (value === null) return null;
  const d = new Date(`${String(value).replace(' ', 'T')}${String(value).length <= 10 ? 'T00:00:00' : ''}Z`);
  if (Number.isNaN(d.getTime())) throw new Error(`not a datetime: ${value}`);
  return d;
}

/** Binds every declared parameter with its SQL type and runs the T-SQL; rows of the last result set. */
export async function runStatement<T extends Row>(
  request: sql.Request,
  statement: Statement,
  params: Params,
): Promise<T[]> {
  checkParams(statement, params);
  const sql = await mssql();
  for (const [name, type] of Object.entries(statement.params)) {
    const value = params[name] ?? null;
    request.input(name, mssqlType(sql, type), type.kind === 'datetime' ? dateValue(value) : value);
  }
  const result = await request.query(statement.mssql);
  const sets = result.recordsets as unknown as T[][];
  return sets.length ? sets[sets.length - 1] : [];
}

function lazyPool(config: sql.config): { get(): Promise<sql.ConnectionPool>; close(): Promise<void> } {
  let pool: Promise<sql.ConnectionPool> | undefined;
  return {
    get() {
      pool ??= mssql()
        .then((sql) => new sql.ConnectionPool(config).connect())
        .catch((e: unknown) => {
          pool = undefined; // reconnect on the next call
          throw classifyMssqlError(e);
        });
      return pool;
    },
    async close() {
      const p = pool;
      pool = undefined;
      if (p) await (await p.catch(() => undefined))?.close();
    },
  };
}

function poolRunner(pool: { get(): Promise<sql.ConnectionPool> }): SqlRunner {
  return {
    async all<T extends Row>(statement: Statement, params: Params = {}): Promise<T[]> {
      try {
        return await runStatement<T>((await pool.get()).request(), statement, params);
      } catch (e) {
        throw classifyMssqlError(e);
      }
    },
  };
}

/** Opens the company pool (the config pool on first use) and returns the driver. */
export async function openMssqlDriver(settings: MssqlConnectionSettings): Promise<OptimaDriver> {
  const sql = await mssql();
  const company = lazyPool(poolConfig(settings, settings.database));
  const config = lazyPool(poolConfig(settings, settings.configDatabase));
  await company.get();
  const lockTimeoutMs = settings.lockTimeoutMs ?? 30_000;

  return {
    dialect: 'mssql',
    target: describeTarget(settings),
    company: poolRunner(company),
    config: poolRunner(config),

    async transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
      let transaction: sql.Transaction | undefined;
      try {
        transaction = new sql.Transaction(await company.get());
        await transaction.begin(sql.ISOLATION_LEVEL.READ_COMMITTED);
        const t = transaction;
        const tx: Transaction = {
          all: <R extends Row>(statement: Statement, params: Params = {}) =>
            runStatement<R>(new sql.Request(t), statement, params),
          async lock(resource: string) {
            const rows = await runStatement<{ lockMode: string }>(new sql.Request(t), MSSQL_DRIVER_STATEMENTS.applock, {
              resource,
              timeoutMs: lockTimeoutMs,
            });
            if (rows[0]?.lockMode !== 'Exclusive') {
              throw new TransientError(
                `Optima: waited ${lockTimeoutMs} ms for the lock ${resource}; another writer holds it`,
                {
                  system: 'optima',
                  code: 'lock-timeout',
                },
              );
            }
          },
        };
        await tx.all(MSSQL_DRIVER_STATEMENTS.xactAbort);
        const result = await work(tx);
        await transaction.commit();
        return result;
      } catch (e) {
        // With XACT_ABORT the server may have rolled back already; the rollback's own error is noise.
        await transaction?.rollback().catch(() => undefined);
        throw classifyMssqlError(e);
      }
    },

    async close(): Promise<void> {
      await Promise.all([company.close(), config.close()]);
    },
  };
}
