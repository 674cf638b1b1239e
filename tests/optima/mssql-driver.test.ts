/**
 * The SQL Server driver without a server: connection settings (URL, instance/port forms,
 * the integrated-login refusal, no password in the target) and how statements are bound:
 * parameters only, each with the SQL type of its column.
 */
import sql from 'mssql';
import { createOptimaGateway } from '../../activities/optima';
import { describeTarget, mssqlSettingsFromUrl, poolConfig, runStatement } from '../../activities/optima/mssql-driver';
import { STATEMENTS } from '../../activities/optima/statements';
import { PermanentError } from '../../domain/errors';

interface Bound {
  name: string;
  type: unknown;
  value: unknown;
}

/** Records what the driver binds and sends instead of talking to a server. */
function fakeRequest(recordsets: unknown[][] = [[]]) {
  const bound: Bound[] = [];
  const sent: string[] = [];
  const request = {
    input(name: string, type: unknown, value: unknown) {
      bound.push({ name, type, value });
      return request;
    },
    async query(text: string) {
      sent.push(text);
      return { recordsets, recordset: recordsets[0] };
    },
  };
  return { request: request as unknown as sql.Request, bound, sent };
}

describe('connection settings', () => {
  test('a URL gives server, port, database, credentials and options', () => {
    const s = mssqlSettingsFromUrl(
      'mssql://integrator:p%40ss%3Aword@sql01.firma.local:1444/CDN_Firma?configDatabase=CDN_KNF&trustServerCertificate=true&encrypt=false',
    );
    expect(s).toMatchObject({
      server: 'sql01.firma.local',
      port: 1444,
      database: 'CDN_Firma',
      configDatabase: 'CDN_KNF',
      user: 'integrator',
      password: 'p@ss:word',
      encrypt: false,
      trustServerCertificate: true,
    });
    expect(describeTarget(s)).toBe('mssql://sql01.firma.local:1444/CDN_Firma');
    expect(describeTarget(s)).not.toContain('p@ss');
  });

  test('Optima style server names: host\\instance and host,port', () => {
    const named = poolConfig(
      { server: 'SERWER\\OPTIMA', database: 'CDN_X', configDatabase: 'CDN_KNF_Konfiguracja', user: 'u', password: 'p' },
      'CDN_X',
    );
    expect(named).toMatchObject({
      server: 'SERWER',
      database: 'CDN_X',
      user: 'u',
      options: { instanceName: 'OPTIMA', encrypt: true },
    });
    const ported = poolConfig(
      { server: '10.0.0.5,1533', database: 'CDN_X', configDatabase: 'CDN_KNF_Konfiguracja', user: 'u' },
      'CDN_KNF_Konfiguracja',
    );
    expect(ported).toMatchObject({ server: '10.0.0.5', port: 1533, database: 'CDN_KNF_Konfiguracja' });
    const ntlm = poolConfig(
      { server: 'h', database: 'd', configDatabase: 'c', user: 'jan', password: 'x', domain: 'FIRMA' },
      'd',
    );
    expect(ntlm.authentication).toEqual({ type: 'ntlm', options: { userName: 'jan', password: 'x', domain: 'FIRMA' } });
  });

  test('integrated Windows login is refused with what to do instead', () => {
    expect(() => poolConfig({ server: 'h', database: 'd', configDatabase: 'c', trustedConnection: true }, 'd')).toThrow(
      /msnodesqlv8/,
    );
    expect(() => mssqlSettingsFromUrl('http://h/d')).toThrow(PermanentError);
    expect(() => mssqlSettingsFromUrl('mssql://h')).toThrow(/host and a database/);
  });

  test('a gateway with auth nt reports the reason in checkConnection, before any network', async () => {
    const g = createOptimaGateway({ kind: 'mssql', server: 'h', database: 'd', auth: { kind: 'nt' } });
    const checks = await g.checkConnection();
    expect(checks).toEqual([
      { target: 'Optima company database', ok: false, detail: expect.stringMatching(/msnodesqlv8/) },
    ]);
    await expect(g.findProductByCode('X')).rejects.toBeInstanceOf(PermanentError);
    await g.close();
  });
});

describe('binding', () => {
  test('varchar columns are bound as VarChar, nvarchar as NVarChar, with the column length; the text is the T-SQL', async () => {
    const { request, bound, sent } = fakeRequest([[{ id: 7 }]]);
    const rows = await runStatement(request, STATEMENTS.contractorCodeTaken, { code: 'KOWALSKI' });
    expect(rows).toEqual([{ id: 7 }]);
    expect(sent).toEqual([STATEMENTS.contractorCodeTaken.mssql]);
    expect(bound).toEqual([{ name: 'code', type: sql.VarChar(20), value: 'KOWALSKI' }]);

    const email = fakeRequest();
    await runStatement(email.request, STATEMENTS.contractorsByEmail, { email: 'a@b.pl' });
    expect(email.bound[0].type).toEqual(sql.NVarChar(127));
  });

  test('the document header: numbers, decimals, datetimes and NULLs with their types', async () => {
    const { request, bound } = fakeRequest([[{ id: 1 }]]);
    const params = Object.fromEntries(Object.keys(STATEMENTS.insertDocument.params).map((p) => [p, null]));
    await runStatement(request, STATEMENTS.insertDocument, {
      ...params,
      TrN_NumerObcy: '29bd4bd0-1c0c-11ef-9c2a-5f1e8c0f8a11',
      TrN_PodNazwa1: 'Zażółć 😀',
      TrN_RazemBrutto: 191.97,
      TrN_DataDok: '2026-03-05',
      TrN_TS_Zal: '2026-03-05 14:03:09',
      TrN_NumerNr: 12,
    });
    const byName = Object.fromEntries(bound.map((b) => [b.name, b]));
    expect(bound).toHaveLength(Object.keys(STATEMENTS.insertDocument.params).length);
    expect(byName.TrN_NumerObcy).toEqual({
      name: 'TrN_NumerObcy',
      type: sql.VarChar(256),
      value: '29bd4bd0-1c0c-11ef-9c2a-5f1e8c0f8a11',
    });
    expect(byName.TrN_PodNazwa1.type).toEqual(sql.NVarChar(50));
    expect(byName.TrN_RazemBrutto.type).toEqual(sql.Decimal(15, 2));
    expect(byName.TrN_NumerNr.type).toBe(sql.Int);
    expect(byName.TrN_DataDok.type).toBe(sql.DateTime);
    // Wall-clock text bound as the UTC instant that useUTC stores as the same text.
    expect((byName.TrN_DataDok.value as Date).toISOString()).toBe('2026-03-05T00:00:00.000Z');
    expect((byName.TrN_TS_Zal.value as Date).toISOString()).toBe('2026-03-05T14:03:09.000Z');
    expect(byName.TrN_OdbEmail.value).toBeNull();
  });

  test('values are never spliced into the text; an undeclared or over-long value is refused before sending', async () => {
    const { request, sent } = fakeRequest();
    await runStatement(request, STATEMENTS.productByCode, { code: "x'; DROP TABLE CDN.Towary; --" });
    expect(sent[0]).not.toContain('DROP');
    await expect(
      runStatement(fakeRequest().request, STATEMENTS.productByCode, { code: 'x', extra: 1 }),
    ).rejects.toThrow(/not declared/);
    await expect(
      runStatement(fakeRequest().request, STATEMENTS.productByCode, { code: 'x'.repeat(51) }),
    ).rejects.toThrow(/holds 50/);
  });
});
