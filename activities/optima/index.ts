/**
 * The Optima gateway factory: SQL Server (a real Optima), or a driver the entry point
 * supplies for the other kinds — the embedded Optima of the demo and tests lives in dev/,
 * which production code never imports. The gateway connects on first use, so creating it
 * never fails on an unreachable server; checkConnection() reports that.
 */
import { PermanentError } from '../../domain/errors';
import type { OptimaGateway } from '../../domain/types';
import type { OptimaDriver } from './driver';
import { SqlOptimaGateway, type GatewayOptions } from './gateway';
import { mssqlSettingsFromUrl, openMssqlDriver, type MssqlConnectionSettings } from './mssql-driver';
import type { WrittenKind } from './rules';

export { SqlOptimaGateway, type GatewayOptions } from './gateway';
export { classifyMssqlError, classifySqliteError } from './errors';
export { mssqlSettingsFromUrl, openMssqlDriver, type MssqlConnectionSettings } from './mssql-driver';
export type { OptimaDriver } from './driver';

interface CommonSettings {
  /** Ope_Kod the integrator writes as (audit columns, default warehouse). Default ADMIN. */
  operator?: string;
  /** Series (`@rejestr` of the numbering template) per document kind. */
  series?: Partial<Record<WrittenKind, string>>;
}

export interface EmbeddedOptimaSettings extends CommonSettings {
  kind: 'embedded';
  /** SQLite file (and its siblings); absent: in memory. */
  file?: string;
  /** Seed the demo company; default: when the files are new. */
  seed?: boolean;
  /**
   * Default true: a commit waits for the disk. false: only for the OS, so better-sqlite3's
   * synchronous fsync does not stall the worker's event loop (a SQL Server's commit never
   * does); a killed process loses nothing, a power cut may.
   */
  fsync?: boolean;
}

interface MssqlCommon extends CommonSettings {
  kind: 'mssql';
  /** Optima's configuration database. Default CDN_KNF_Konfiguracja. */
  configDatabase?: string;
  requestTimeoutMs?: number;
  lockTimeoutMs?: number;
}

export interface MssqlUrlSettings extends MssqlCommon {
  /** mssql://user:password@host[:port]/database?instance=…&encrypt=…&trustServerCertificate=… */
  url: string;
}

export interface MssqlServerSettings extends MssqlCommon {
  /** host, host\instance or host,port */
  server: string;
  port?: number;
  database: string;
  user?: string;
  password?: string;
  /** As in config/settings.ts; `nt` (integrated Windows login) is refused with an explanation. */
  auth?: { kind: 'sql'; user: string; password: string } | { kind: 'nt' };
  domain?: string;
  trustedConnection?: boolean;
  encrypt?: boolean;
  trustServerCertificate?: boolean;
}

export type OptimaSettings = EmbeddedOptimaSettings | MssqlUrlSettings | MssqlServerSettings;

function connectionSettings(s: MssqlUrlSettings | MssqlServerSettings): MssqlConnectionSettings {
  const base: MssqlConnectionSettings =
    'url' in s
      ? mssqlSettingsFromUrl(s.url)
      : {
          server: s.server,
          database: s.database,
          configDatabase: 'CDN_KNF_Konfiguracja',
          ...(s.port !== undefined ? { port: s.port } : {}),
          ...(s.auth?.kind === 'sql' ? { user: s.auth.user, password: s.auth.password } : {}),
          ...(s.user !== undefined ? { user: s.user } : {}),
          ...(s.password !== undefined ? { password: s.password } : {}),
          ...(s.domain !== undefined ? { domain: s.domain } : {}),
          trustedConnection: s.trustedConnection === true || s.auth?.kind === 'nt',
          ...(s.encrypt !== undefined ? { encrypt: s.encrypt } : {}),
          ...(s.trustServerCertificate !== undefined ? { trustServerCertificate: s.trustServerCertificate } : {}),
        };
  return {
    ...base,
    ...(s.configDatabase ? { configDatabase: s.configDatabase } : {}),
    ...(s.requestTimeoutMs !== undefined ? { requestTimeoutMs: s.requestTimeoutMs } : {}),
    ...(s.lockTimeoutMs !== undefined ? { lockTimeoutMs: s.lockTimeoutMs } : {}),
  };
}

/** Drivers for the settings kinds SQL Server is not; supplied by the entry points that use them. */
export interface OptimaDriverFactories {
  /** The embedded Optima (dev/embedded-optima/drivers.ts): the demo, the tests and the benchmark. */
  embedded?: (settings: EmbeddedOptimaSettings) => Promise<OptimaDriver>;
}

/**
 * The gateway for the settings' `optima` section (or a whole settings object holding one).
 * Nothing is opened until the first call.
 */
export function createOptimaGateway(
  settings: OptimaSettings | { optima: OptimaSettings },
  drivers: OptimaDriverFactories = {},
): OptimaGateway {
  const s = 'optima' in settings ? settings.optima : settings;
  const options: GatewayOptions = { operator: s.operator ?? 'ADMIN', ...(s.series ? { series: s.series } : {}) };
  if (s.kind === 'embedded') {
    const embedded = drivers.embedded;
    if (!embedded) {
      throw new PermanentError(
        'optima.kind "embedded" is the stand-in Optima of the demo and the tests, not available to this worker: ' +
          'set optima.kind to "mssql" with optima.server, optima.database and optima.auth of the Optima company database ' +
          '(see config/settings.example.yaml)',
        { system: 'optima', code: 'embedded-not-available' },
      );
    }
    return new SqlOptimaGateway(() => embedded(s), options);
  }
  return new SqlOptimaGateway(() => openMssqlDriver(connectionSettings(s)), options);
}
