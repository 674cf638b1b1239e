/**
 * The gateway contract against SQL Server: a test copy of an Optima company database named
 * by OPTIMA_MSSQL_URL (mssql://user:password@host[:port]/CDN_Firma?trustServerCertificate=true
 * &configDatabase=CDN_KNF_Konfiguracja). It writes documents into that database's buffer.
 */
import sql from 'mssql';
import { createOptimaGateway } from '../../activities/optima';
import { mssqlSettingsFromUrl, poolConfig } from '../../activities/optima/mssql-driver';
import { describeGatewayContract, type QueryParams } from './contract';

const url = process.env.OPTIMA_MSSQL_URL;

if (!url) {
  test.skip('Optima gateway contract on SQL Server (skipped: OPTIMA_MSSQL_URL not set)', () => undefined);
} else {
  describeGatewayContract(
    'SQL Server',
    async () => {
      const settings = mssqlSettingsFromUrl(url);
      const pool = await new sql.ConnectionPool(poolConfig(settings, settings.database)).connect();
      const gateway = createOptimaGateway({ kind: 'mssql', url });
      return {
        gateway,
        async query<T>(text: string, params: QueryParams = {}) {
          const request = pool.request();
          for (const [name, value] of Object.entries(params)) {
            request.input(
              name,
              typeof value === 'number' ? (Number.isInteger(value) ? sql.Int : sql.Float) : sql.NVarChar,
              value,
            );
          }
          return (await request.query<T>(text)).recordset;
        },
        async close() {
          await gateway.close();
          await pool.close();
        },
      };
    },
    { licences: false },
  );
}
