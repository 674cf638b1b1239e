/**
 * Reads what the integrator wrote into Optima, for the demo's screen: the latest documents
 * (number, buyer, gross total) and which Allegro orders have one. Its own read connection,
 * beside the worker's gateway; the same two statements run on SQL Server and on the
 * embedded Optima. Reads the integrator's ledger (AO.OrderDocuments) joined to CDN.TraNag.
 */
import { openEmbeddedOptima } from '../../dev/embedded-optima';
import { sqliteDriver } from '../../dev/embedded-optima/driver';
import { openMssqlDriver, type OptimaDriver } from '../../activities/optima';
import type { Statement } from '../../activities/optima/sql';
import { int } from '../../activities/optima/sql-types';
import { minorOf } from '../../activities/optima/rules';
import type { Settings } from '../../config/settings';
import type { Minor } from '../../domain/types';

export interface DocumentRow {
  id: number;
  number: string;
  buyer: string;
  gross: Minor;
  currency: string;
  orderId: string;
}

interface LatestRow extends Record<string, unknown> {
  id: number;
  number: string | null;
  buyer: string | null;
  gross: unknown;
  currency: string | null;
  orderId: string;
}

const COLUMNS =
  'n.TrN_TrNID AS id, n.TrN_NumerPelny AS number, n.TrN_PodNazwa1 AS buyer, n.TrN_RazemBruttoWal AS gross, ' +
  'n.TrN_Waluta AS currency, d.OrderId AS orderId';
const FROM = 'FROM AO.OrderDocuments AS d JOIN CDN.TraNag AS n ON n.TrN_TrNID = d.DocumentId';

const LATEST: Statement = {
  mssql: `SELECT TOP (@limit) ${COLUMNS} ${FROM} ORDER BY d.DocumentId DESC`,
  sqlite: `SELECT ${COLUMNS} ${FROM} ORDER BY d.DocumentId DESC LIMIT @limit`,
  params: { limit: int },
};

/** Orders whose document came after `after` (documents only grow, so the reader keeps a mark). */
const ORDERS_AFTER: Statement = {
  mssql: 'SELECT OrderId AS orderId, DocumentId AS id FROM AO.OrderDocuments WHERE DocumentId > @after',
  sqlite: 'SELECT OrderId AS orderId, DocumentId AS id FROM AO.OrderDocuments WHERE DocumentId > @after',
  params: { after: int },
};

export interface DocumentReader {
  latest(limit: number): Promise<DocumentRow[]>;
  /** Allegro orders that have a document (grows with each call). */
  importedOrders(): Promise<ReadonlySet<string>>;
  close(): Promise<void>;
}

function openDriver(optima: Settings['optima']): Promise<OptimaDriver> {
  if (optima.kind === 'embedded') {
    return Promise.resolve(sqliteDriver(openEmbeddedOptima({ file: optima.file }), { ownsOptima: true }));
  }
  return openMssqlDriver({
    server: optima.server,
    ...(optima.port !== undefined ? { port: optima.port } : {}),
    database: optima.database,
    configDatabase: optima.configDatabase,
    ...(optima.auth.kind === 'sql' ? { user: optima.auth.user, password: optima.auth.password } : {}),
    trustedConnection: optima.auth.kind === 'nt',
    encrypt: optima.encrypt,
    trustServerCertificate: optima.trustServerCertificate,
  });
}

/** The ledger table appears with the gateway's first use; until then there is nothing to show. */
const notYetCreated = (error: unknown) =>
  /no such table|Invalid object name/i.test(String((error as Error)?.message ?? error));

export function createDocumentReader(optima: Settings['optima']): DocumentReader {
  let driver: Promise<OptimaDriver> | undefined;
  const open = () => {
    driver ??= openDriver(optima).catch((error: unknown) => {
      driver = undefined; // try again at the next refresh
      throw error;
    });
    return driver;
  };
  const imported = new Set<string>();
  let mark = 0;
  return {
    async latest(limit) {
      try {
        const rows = await (await open()).company.all<LatestRow>(LATEST, { limit });
        return rows.map((r) => ({
          id: Number(r.id),
          number: r.number ?? '',
          buyer: r.buyer ?? '',
          gross: minorOf(r.gross),
          currency: r.currency || 'PLN',
          orderId: r.orderId,
        }));
      } catch (error) {
        if (notYetCreated(error)) return [];
        throw error;
      }
    },
    async importedOrders() {
      try {
        const rows = await (await open()).company.all<{ orderId: string; id: number }>(ORDERS_AFTER, { after: mark });
        for (const r of rows) {
          imported.add(r.orderId);
          mark = Math.max(mark, Number(r.id));
        }
      } catch (error) {
        if (!notYetCreated(error)) throw error;
      }
      return imported;
    },
    async close() {
      const open = driver;
      driver = undefined;
      if (open) await (await open.catch(() => undefined))?.close();
    },
  };
}
