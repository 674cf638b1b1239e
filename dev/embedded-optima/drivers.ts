/**
 * The driver factories the entry points (starter/, bench/, tests) pass to createOptimaGateway
 * and wireWorker so that `optima.kind: embedded` works; production code never imports dev/.
 * The SQLite driver, and with it better-sqlite3, loads only when an embedded gateway first
 * connects: a SQL Server configuration never loads it.
 */
import type { OptimaDriverFactories } from '../../activities/optima';

export const embeddedOptimaDrivers: OptimaDriverFactories = {
  embedded: async (settings) => (await import('./driver')).openEmbeddedOptimaDriver(settings),
};
