/**
 * Driver for the embedded Optima: SQLite through better-sqlite3,
 * with Optima's tables in the attached database `CDN` and the integrator's in `AO`
 * (file `<file>.ao` next to the embedded Optima's files, or in memory).
 *
 * better-sqlite3 is synchronous while the gateway's work is async: each connection runs
 * one caller at a time (a queue), so interleaved async calls never mix their statements
 * into one transaction. Write transactions are BEGIN IMMEDIATE, which serialises writers
 * across connections and processes too. Waiting for another connection's lock is done
 * here, asynchronously, not in SQLite's busy handler, which would block the event loop
 * (and with it the other connection, when both live in this process).
 */
import fs from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import type { EmbeddedOptimaSettings } from '../../activities/optima';
import {
  checkParams,
  type OptimaDriver,
  type Params,
  type Row,
  type SqlRunner,
  type Transaction,
} from '../../activities/optima/driver';
import { classifySqliteError } from '../../activities/optima/errors';
import type { Statement } from '../../activities/optima/sql';
import { LicenceUnavailableError } from '../../domain/errors';
import { attachDatabase, openEmbeddedOptima, type EmbeddedOptima } from '.';

/** How long a caller keeps retrying while another connection holds the write lock. */
const BUSY_WAIT_MS = 30_000;

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `attempt` again while SQLite answers "busy", with a short growing pause. */
async function whileBusy<T>(attempt: () => T): Promise<T> {
  const deadline = Date.now() + BUSY_WAIT_MS;
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    try {
      return attempt();
    } catch (e) {
      if (!isBusy(e) || Date.now() > deadline) throw e;
    }
    await sleep(pause + Math.random() * pause);
  }
}

/** One SQLite connection: a FIFO of callers and a cache of prepared statements. */
class Connection {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {
    // Waiting happens in whileBusy (async); SQLite's own busy wait would block the event loop.
    db.pragma('busy_timeout = 0');
  }

  /** Runs `work` when every earlier caller of this connection has finished. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  run<T extends Row>(statement: Statement, params: Params): T[] {
    const sql = statement.sqlite;
    if (sql === null) return [];
    checkParams(statement, params);
    let stmt = this.prepared.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.prepared.set(sql, stmt);
    }
    if (stmt.reader) return stmt.all(params) as T[];
    stmt.run(params);
    return [];
  }
}

function runner(conn: Connection): SqlRunner {
  return {
    all: <T extends Row>(statement: Statement, params: Params = {}) =>
      conn.exclusive(async () => {
        try {
          return await whileBusy(() => conn.run<T>(statement, params));
        } catch (e) {
          throw classifySqliteError(e);
        }
      }),
  };
}

export interface SqliteDriverOptions {
  /** Close the embedded Optima when the driver closes (the driver opened it). */
  ownsOptima: boolean;
}

/** A driver over an open embedded Optima; attaches the integrator's database `AO` to it. */
export function sqliteDriver(optima: EmbeddedOptima, options: SqliteDriverOptions): OptimaDriver {
  const attached = (optima.company.pragma('database_list') as { name: string }[]).some((d) => d.name === 'AO');
  if (!attached) attachDatabase(optima.company, 'AO', optima.files ? `${optima.files.company}.ao` : null);
  const company = new Connection(optima.company);
  const config = new Connection(optima.config);

  return {
    dialect: 'sqlite',
    target: `embedded Optima ${optima.files ? optima.files.company : '(in memory)'}`,
    company: runner(company),
    config: runner(config),

    transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
      return company.exclusive(async () => {
        // Where a real integration would log in to Optima and take a module seat.
        if (!optima.licences.tryAcquire()) {
          throw new LicenceUnavailableError('no free Optima licence (embedded Optima: all module seats taken)');
        }
        try {
          await whileBusy(() => company.db.exec('BEGIN IMMEDIATE'));
          const tx: Transaction = {
            all: async <R extends Row>(statement: Statement, params: Params = {}) => company.run<R>(statement, params),
            lock: async () => undefined, // BEGIN IMMEDIATE already made this the only writer
          };
          const result = await work(tx);
          await whileBusy(() => company.db.exec('COMMIT'));
          return result;
        } catch (e) {
          if (company.db.inTransaction) company.db.exec('ROLLBACK');
          throw classifySqliteError(e);
        } finally {
          optima.licences.release();
        }
      });
    },

    async close(): Promise<void> {
      // Whatever is queued finishes first.
      await company.exclusive(async () => undefined);
      if (options.ownsOptima) optima.close();
    },
  };
}

/** The driver createOptimaGateway opens for `kind: 'embedded'` settings (through embeddedOptimaDrivers). */
export async function openEmbeddedOptimaDriver(
  settings: EmbeddedOptimaSettings,
  options: { licenceRefusalRate?: number } = {},
): Promise<OptimaDriver> {
  if (settings.file) fs.mkdirSync(path.dirname(path.resolve(settings.file)), { recursive: true });
  const optima = openEmbeddedOptima({
    ...(settings.file ? { file: settings.file } : {}),
    ...(settings.seed !== undefined ? { seed: settings.seed } : {}),
    ...(settings.fsync !== undefined ? { fsync: settings.fsync } : {}),
  });
  if (options.licenceRefusalRate !== undefined) optima.licences.refusalRate = options.licenceRefusalRate;
  return sqliteDriver(optima, { ownsOptima: true });
}
