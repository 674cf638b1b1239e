/** The gateway contract against the embedded Optima (SQLite, in memory, demo company seeded). */
import { openEmbeddedOptima } from '../../dev/embedded-optima';
import { SqlOptimaGateway } from '../../activities/optima/gateway';
import { sqliteDriver } from '../../dev/embedded-optima/driver';
import { describeGatewayContract } from './contract';

describeGatewayContract(
  'embedded Optima (SQLite)',
  async () => {
    const optima = openEmbeddedOptima();
    const gateway = new SqlOptimaGateway(async () => sqliteDriver(optima, { ownsOptima: true }), { operator: 'ADMIN' });
    return {
      gateway,
      query: async <T>(sql: string, params = {}) => optima.company.prepare(sql).all(params) as T[],
      failLicences: (n: number) => optima.licences.failNext(n),
      close: () => gateway.close(),
    };
  },
  { licences: true },
);
