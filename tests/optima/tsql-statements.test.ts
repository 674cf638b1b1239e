/**
 * Every statement the gateway can send to SQL Server, checked without a SQL Server: parsed
 * by a real T-SQL parser (datafusion sqlparser, dialect mssql), every CDN table and column
 * it names present in the 2025 schema (optima-columns-2025.json), every INSERT into a CDN
 * table supplying all NOT NULL columns without a default, and every parameter declared with
 * the type of the column it is compared with or written to (VarChar vs NVarChar).
 */
import { checkCdnReferences, closeSqlParser, parseTsql } from '../../dev/embedded-optima/sql-check';
import { findColumn, requiredColumns, tableForPrefix } from '../../dev/embedded-optima';
import { COLUMNS } from '../../activities/optima/columns';
import { WRITTEN_COLUMNS } from '../../activities/optima/checks';
import type { Statement } from '../../activities/optima/sql';
import { STATEMENTS } from '../../activities/optima/statements';
import { sqlTypeName, type SqlType } from '../../activities/optima/sql-types';

const entries = Object.entries(STATEMENTS) as [string, Statement][];

afterAll(() => closeSqlParser());

/** `decimal(15, 2)` / `decimal(15,2)` / `NVARCHAR(50)` → one spelling. */
const normal = (t: string) => t.replace(/\s+/g, '').toLowerCase();

/** Parameters a statement text uses: `@name`, but not sp_getapplock's own `@Resource =` argument names. */
function usedParams(sql: string): Set<string> {
  const withoutProcArgs = sql.replace(/@\w+\s*=(?!=)/g, (m) =>
    /^@(Resource|LockMode|LockOwner|LockTimeout)\b/.test(m) ? '' : m,
  );
  return new Set([...withoutProcArgs.matchAll(/@(\w+)/g)].map((m) => m[1]));
}

function columnType(column: string): string | undefined {
  const owner = tableForPrefix(column.slice(0, column.indexOf('_')));
  return owner ? findColumn(owner.name, column)?.sqlType : undefined;
}

describe('T-SQL statements of the gateway', () => {
  test('every mssql statement parses as T-SQL and names only CDN tables and columns of the 2025 schema', () => {
    let parsed = 0;
    const problems: string[] = [];
    for (const [key, s] of entries) {
      try {
        parsed += parseTsql(s.mssql).length;
        const refs = checkCdnReferences(s.mssql);
        if (refs.missing.length) problems.push(`${key}: unknown ${refs.missing.join(', ')}`);
      } catch (e) {
        problems.push(`${key}: ${(e as Error).message}`);
      }
    }
    console.log(`T-SQL: ${entries.length} gateway statements parsed (${parsed} SQL statements) with dialect mssql`);
    expect(problems).toEqual([]);
    expect(parsed).toBeGreaterThanOrEqual(entries.length);
  });

  test('every CDN table a statement names is one of the schema (a misspelt table is caught)', () => {
    expect(checkCdnReferences('SELECT TrN_TrNID FROM CDN.TraNagi').missing).toEqual(['CDN.TraNagi']);
    expect(checkCdnReferences('SELECT TrN_NumerObcyy FROM CDN.TraNag').missing).toEqual(['TrN_NumerObcyy']);
    const tables = new Set(entries.flatMap(([, s]) => checkCdnReferences(s.mssql).tables.map((t) => t.toLowerCase())));
    for (const t of [
      'cdn.tranag',
      'cdn.traelem',
      'cdn.travat',
      'cdn.dokatrybuty',
      'cdn.kontrahenci',
      'cdn.towary',
      'cdn.twrceny',
    ]) {
      expect(tables).toContain(t);
    }
  });

  test('every INSERT into a CDN table supplies all NOT NULL columns without a default (SCHEMA.md Appendix A)', () => {
    const inserts = entries.flatMap(([key, s]) =>
      [s.mssql, s.sqlite ?? ''].flatMap((sql) =>
        [...sql.matchAll(/INSERT INTO CDN\.(\w+) \(([^)]*)\)/g)].map((m) => ({
          key,
          table: m[1],
          columns: m[2].split(',').map((c) => c.trim().toLowerCase()),
        })),
      ),
    );
    expect(new Set(inserts.map((i) => i.table))).toEqual(
      new Set(['Kontrahenci', 'Towary', 'TwrEan', 'TwrCeny', 'TraNag', 'TraElem', 'TraVat', 'DokAtrybuty']),
    );
    for (const insert of inserts) {
      const missing = requiredColumns(insert.table)
        .map((c) => c.name)
        .filter((c) => !insert.columns.includes(c.toLowerCase()));
      expect({ statement: insert.key, missing }).toEqual({ statement: insert.key, missing: [] });
    }
  });

  test('the two dialects use the same parameters, all declared', () => {
    for (const [key, s] of entries) {
      const declared = new Set(Object.keys(s.params));
      expect({ key, params: usedParams(s.mssql) }).toEqual({ key, params: declared });
      if (s.sqlite !== null) expect({ key, params: usedParams(s.sqlite) }).toEqual({ key, params: declared });
    }
  });

  test('statements are the same text in both dialects where the SQL can be', () => {
    const differing = entries.filter(([, s]) => s.sqlite !== null && s.sqlite !== s.mssql).map(([k]) => k);
    const same = entries.filter(([, s]) => s.sqlite === s.mssql).length;
    console.log(
      `${same} of ${entries.length} statements identical in T-SQL and SQLite; differing: ${differing.join(', ')}`,
    );
    // Only DDL, identity retrieval, lock hints and catalogue queries differ.
    for (const k of differing)
      expect(k).toMatch(/^create|^insert(Contractor|Product|Document)$|^nextNumber$|^schemaColumns$/);
  });

  test('the column catalogue has the types and lengths of optima-columns-2025.json', () => {
    for (const [column, type] of Object.entries<SqlType>(COLUMNS)) {
      expect({ column, type: normal(columnType(column) ?? 'absent') }).toEqual({
        column,
        type: normal(sqlTypeName(type)),
      });
    }
  });

  test('a parameter compared with or written to an Optima column has that column type (VarChar for varchar)', () => {
    let checked = 0;
    for (const [key, s] of entries) {
      const pairs = [
        ...[...s.mssql.matchAll(/\b(\w+_\w+)\s*(?:=|IN \()\s*@(\w+)/g)].map(
          (m) => [m[1].replace(/^\w+\./, ''), m[2]] as const,
        ),
        // INSERT … VALUES: column list and value list line up
        ...[...s.mssql.matchAll(/INSERT INTO \S+ \(([^)]*)\) VALUES \(([^)]*)\)/g)].flatMap((m) => {
          const cols = m[1].split(',').map((c) => c.trim());
          const vals = m[2].split(',').map((v) => v.trim());
          return cols.flatMap((c, i) => (vals[i]?.startsWith('@') ? [[c, vals[i].slice(1)] as const] : []));
        }),
      ];
      for (const [column, param] of pairs) {
        const colType = columnType(column);
        const paramType = s.params[param];
        if (!colType || !paramType) continue;
        checked++;
        const base = (t: string) => normal(t).replace(/\(.*$/, '');
        expect({ key, column, param: base(sqlTypeName(paramType)) }).toEqual({ key, column, param: base(colType) });
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  test('the start-up schema check covers every column the INSERTs name', () => {
    const written = Object.values(WRITTEN_COLUMNS).flat().length;
    expect(written).toBeGreaterThan(400);
    expect(WRITTEN_COLUMNS.TraNag).toContain('TrN_NumerObcy');
  });
});
