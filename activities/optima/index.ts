/**
 * The Optima gateway factory: the embedded Optima (development, tests, demo) or SQL Server
 * (a real Optima), chosen by the settings' `kind`. The gateway connects on first use, so
 * creating it never fails on an unreachable server; checkConnection() reports that.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openEmbeddedOptima } from '../../dev/embedded-optima';
import type { OptimaGateway } from '../../domain/types';
import { SqlOptimaGateway, type GatewayOptions } from './gateway';
import { mssqlSettingsFromUrl, openMssqlDriver, type MssqlConnectionSettings } from './mssql-driver';
import type { WrittenKind } from './rules';
import { sqliteDriver } from './sqlite-driver';

export { SqlOptimaGateway, type GatewayOptions } from './gateway';
export { classifyMssqlError, classifySqliteError } from './errors';
export { mssqlSettingsFromUrl, openMssqlDriver, type MssqlConnectionSettings } from './mssql-driver';
export { sqliteDriver } from './sqlite-driver';
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

/**
 * The gateway for the settings' `optima` section (or a whole settings object holding one).
 * Nothing is opened until the first call.
 */
export function createOptimaGateway(settings: OptimaSettings | { optima: OptimaSettings }): OptimaGateway {
  const s = 'optima' in settings ? settings.optima : settings;
  const options: GatewayOptions = { operator: s.operator ?? 'ADMIN', ...(s.series ? { series: s.series } : {}) };
  if (s.kind === 'embedded') {
    return new SqlOptimaGateway(async () => {
      if (s.file) fs.mkdirSync(path.dirname(path.resolve(s.file)), { recursive: true });
      const optima = openEmbeddedOptima({
        ...(s.file ? { file: s.file } : {}),
        ...(s.seed !== undefined ? { seed: s.seed } : {}),
      });
      return sqliteDriver(optima, { ownsOptima: true });
    }, options);
  }
  return new SqlOptimaGateway(() => openMssqlDriver(connectionSettings(s)), options);
}
