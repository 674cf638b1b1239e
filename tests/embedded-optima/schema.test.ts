import { existsSync, readFileSync } from 'node:fs';
import {
  columnInfo,
  insertRow,
  openEmbeddedOptima,
  optimaTables,
  requiredColumns,
  withRequiredDefaults,
  type EmbeddedOptima,
} from '../../dev/embedded-optima';
import { SCHEMA_FILE } from '../../dev/embedded-optima/schema';

/** The research file the schema must follow; the module keeps a copy beside itself. */
const SHARED_FILE = '/work/shared/reference/optima/optima-columns-2025.json';
const referenceFile = existsSync(SHARED_FILE) ? SHARED_FILE : SCHEMA_FILE;

interface RawTable {
  indexes: { name: string; columns: string[]; unique: boolean }[];
  columns: { name: string; sqlType: string; null: boolean; extra: string }[];
}
const reference = JSON.parse(readFileSync(referenceFile, 'utf8')) as { tables: Record<string, RawTable> };

interface XInfo {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  hidden: number;
}

const AFFINITY: Record<string, string> = {
  int: 'INTEGER',
  smallint: 'INTEGER',
  tinyint: 'INTEGER',
  decimal: 'NUMERIC',
  varchar: 'TEXT',
  nvarchar: 'TEXT',
  datetime: 'TEXT',
  uniqueidentifier: 'TEXT',
};

let optima: EmbeddedOptima;
beforeAll(() => {
  optima = openEmbeddedOptima({ seed: false });
});
afterAll(() => optima.close());

function connection(db: string) {
  return db === 'company' ? optima.company : optima.config;
}

const tableEntries = Object.entries(reference.tables).map(([full, raw]) => {
  const [db, qualified] = full.split(':') as [string, string];
  return { full, db, name: qualified.replace(/^CDN\./, ''), raw };
});

describe('CDN tables created from optima-columns-2025.json', () => {
  test('the module reads the same file as the shared reference (skipped without /work/shared)', () => {
    if (!existsSync(SHARED_FILE)) return;
    expect(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'))).toEqual(JSON.parse(readFileSync(SHARED_FILE, 'utf8')));
  });

  test.each(tableEntries.map((t) => [t.full, t]))('%s: every column, type affinity, NOT NULL, key', (_n, t) => {
    const cols = connection(t.db).pragma(`CDN.table_xinfo(${t.name})`) as XInfo[];
    expect(cols.map((c) => c.name)).toEqual(t.raw.columns.map((c) => c.name));
    const isView = /View$/.test(t.name);
    for (const [i, rc] of t.raw.columns.entries()) {
      const c = cols[i];
      if (isView) continue; // a view's columns carry no declared type or constraint
      expect([rc.name, c.type]).toEqual([rc.name, AFFINITY[rc.sqlType.replace(/\(.*$/, '')]]);
      expect([rc.name, c.notnull === 1]).toEqual([rc.name, rc.null ? false : true]);
      if (rc.extra.startsWith('default')) expect([rc.name, c.dflt_value]).not.toEqual([rc.name, null]);
      expect([rc.name, c.hidden !== 0]).toEqual([rc.name, rc.extra.startsWith('COMPUTED')]);
    }
    if (!isView) {
      const key = cols.filter((c) => c.pk > 0).map((c) => c.name);
      expect(key).toEqual([t.raw.columns[0].name]);
      expect(key[0].toLowerCase()).toMatch(/^(\w+)_\1id$/);
    }
  });

  test.each(tableEntries.filter((t) => !/View$/.test(t.name)).map((t) => [t.full, t]))(
    '%s: every index of the file, with its uniqueness',
    (_n, t) => {
      const db = connection(t.db);
      const list = db.pragma(`CDN.index_list(${t.name})`) as { name: string; unique: number; origin: string }[];
      const actual = list
        .filter((i) => i.origin === 'c')
        .map((i) => {
          const cols = (db.pragma(`CDN.index_info("${i.name}")`) as { name: string }[]).map((c) => c.name);
          return `${i.unique ? 'UNIQUE ' : ''}(${cols.join(',')})`;
        })
        .sort();
      const expected = t.raw.indexes.map((i) => `${i.unique ? 'UNIQUE ' : ''}(${i.columns.join(',')})`).sort();
      expect(actual).toEqual(expected);
    },
  );

  test('config tables live only in the config database, company tables only in the company one', () => {
    const names = (db: typeof optima.company) =>
      (
        db
          .prepare("SELECT name FROM CDN.sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite%'")
          .all() as { name: string }[]
      )
        .map((r) => r.name)
        .sort();
    expect(names(optima.company)).toEqual(
      tableEntries
        .filter((t) => t.db === 'company')
        .map((t) => t.name)
        .sort(),
    );
    expect(names(optima.config)).toEqual(
      tableEntries
        .filter((t) => t.db === 'config')
        .map((t) => t.name)
        .sort(),
    );
  });
});

describe('constraints behave like SQL Server', () => {
  test.each(
    optimaTables()
      .filter((t) => !t.isView)
      .map((t) => [t.qualified, t.name, t.database]),
  )(
    '%s: a row of only the required columns is accepted; NULL in any NOT NULL column is refused',
    (_q, table, database) => {
      const db = connection(database);
      db.exec('SAVEPOINT t');
      try {
        expect(insertRow(db, table, {})).toBeGreaterThan(0);
        const notNull = optimaTables(database)
          .find((t) => t.name === table)!
          .columns.filter((c) => !c.nullable && !c.computed && !c.identity);
        for (const c of notNull) {
          expect(() => insertRow(db, table, { [c.name]: null })).toThrow(
            `NOT NULL constraint failed: ${table}.${c.name}`,
          );
        }
      } finally {
        db.exec('ROLLBACK TO t; RELEASE t');
      }
    },
  );

  test('a TraNag insert must supply the 114 required columns of SCHEMA.md Appendix A', () => {
    const cols = requiredColumns('TraNag').map((c) => c.name);
    expect(cols).toHaveLength(114);
    expect(cols).toEqual(expect.arrayContaining(['TrN_NumerObcy', 'TrN_PodNazwa1', 'TrN_DataDok', 'TrN_TypNB']));
    const partial = { TrN_TypDokumentu: 308 };
    const row = withRequiredDefaults('TraNag', partial);
    expect(Object.keys(row)).toHaveLength(114);
    expect(() => optima.company.prepare('INSERT INTO CDN.TraNag (TrN_TypDokumentu) VALUES (308)').run()).toThrow(
      /NOT NULL/,
    );
  });

  function document(values: Record<string, unknown>): number {
    return insertRow(optima.company, 'TraNag', {
      TrN_TypDokumentu: 308,
      TrN_Rodzaj: 308000,
      TrN_Bufor: 1,
      TrN_DataDok: '2026-01-15 00:00:00',
      ...values,
    });
  }

  describe('TraNag unique indexes', () => {
    beforeEach(() => optima.company.exec('SAVEPOINT u'));
    afterEach(() => optima.company.exec('ROLLBACK TO u; RELEASE u'));

    test('TrNNumer: one number per numbering string, unless cancelled', () => {
      document({ TrN_NumerString: 'RO/@numerS/2026', TrN_NumerNr: 1 });
      expect(() => document({ TrN_NumerString: 'RO/@numerS/2026', TrN_NumerNr: 1 })).toThrow(
        /UNIQUE constraint failed/,
      );
      expect(() => document({ TrN_NumerString: 'ro/@numers/2026', TrN_NumerNr: 1 })).toThrow(
        /UNIQUE constraint failed/,
      );
      expect(document({ TrN_NumerString: 'RO/@numerS/2026', TrN_NumerNr: 1, TrN_Anulowany: 1 })).toBeGreaterThan(0);
      expect(document({ TrN_NumerString: 'RO/@numerS/2026', TrN_NumerNr: 2 })).toBeGreaterThan(0);
    });

    test('TrNNumerPelny: the printable number (computed) is unique too', () => {
      const id = document({ TrN_NumerString: 'RO/@numerS/2026', TrN_NumerNr: 12 });
      expect(optima.company.prepare('SELECT TrN_NumerPelny AS n FROM CDN.TraNag WHERE TrN_TrNID = ?').get(id)).toEqual({
        n: 'RO/12/2026',
      });
      expect(() => document({ TrN_NumerString: 'RO/12/@numerS', TrN_NumerNr: 2026 })).toThrow(
        /UNIQUE constraint failed: TraNag.TrN_NumerPelny/,
      );
    });

    test('TrNGUID: an import row id once; documents without one are many', () => {
      document({ TrN_NumerString: 'RO/@numerS/2026', TrN_NumerNr: 1, TrN_ImportRowId: 'order-1' });
      expect(() =>
        document({ TrN_NumerString: 'RO/@numerS/2026', TrN_NumerNr: 2, TrN_ImportRowId: 'order-1' }),
      ).toThrow(/UNIQUE constraint failed: TraNag.TrN_ImportRowId/);
      document({ TrN_NumerString: 'RO/@numerS/2026', TrN_NumerNr: 3 });
      expect(document({ TrN_NumerString: 'RO/@numerS/2026', TrN_NumerNr: 4 })).toBeGreaterThan(0);
    });

    test("TrNDataDok is a unique index over the file's columns", () => {
      const idx = (optima.company.pragma('CDN.index_list(TraNag)') as { name: string; unique: number }[]).find(
        (i) => i.name === 'TrNDataDok',
      );
      expect(idx?.unique).toBe(1);
    });

    test('identity ids are never reused after a delete', () => {
      const a = document({ TrN_NumerString: 'RO/@numerS/2026', TrN_NumerNr: 1 });
      optima.company.prepare('DELETE FROM CDN.TraNag WHERE TrN_TrNID = ?').run(a);
      expect(document({ TrN_NumerString: 'RO/@numerS/2026', TrN_NumerNr: 1 })).toBeGreaterThan(a);
    });
  });

  test('text longer than the column is refused, as SQL Server refuses to truncate', () => {
    optima.company.exec('SAVEPOINT l');
    try {
      expect(insertRow(optima.company, 'Kontrahenci', { Knt_Kod: 'K'.repeat(20) })).toBeGreaterThan(0);
      expect(() => insertRow(optima.company, 'Kontrahenci', { Knt_Kod: 'L'.repeat(21) })).toThrow(
        'CHECK constraint failed: Knt_Kod max 20',
      );
      expect(() => insertRow(optima.company, 'Kontrahenci', { Knt_Kod: 'X', Knt_Nazwa1: 'ż'.repeat(51) })).toThrow(
        /Knt_Nazwa1 max 50/,
      );
    } finally {
      optima.company.exec('ROLLBACK TO l; RELEASE l');
    }
  });

  test('numbers and datetimes must be what SQL Server would convert', () => {
    optima.company.exec('SAVEPOINT v');
    try {
      expect(() => document({ TrN_NumerString: 'A/@numerS', TrN_NumerNr: 'one' })).toThrow(/TrN_NumerNr integer/);
      expect(() => document({ TrN_NumerString: 'A/@numerS', TrN_NumerNr: 1, TrN_RazemBrutto: '12,30' })).toThrow(
        /TrN_RazemBrutto number/,
      );
      expect(() => document({ TrN_NumerString: 'A/@numerS', TrN_NumerNr: 1, TrN_DataDok: '15.01.2026' })).toThrow(
        /TrN_DataDok datetime/,
      );
      const id = document({
        TrN_NumerString: 'A/@numerS',
        TrN_NumerNr: 1,
        TrN_RazemBrutto: '12.30',
        TrN_DataDok: new Date(2026, 0, 15),
      });
      expect(
        optima.company
          .prepare('SELECT TrN_RazemBrutto AS b, TrN_DataDok AS d FROM CDN.TraNag WHERE TrN_TrNID = ?')
          .get(id),
      ).toEqual({
        b: 12.3,
        d: '2026-01-15 00:00:00',
      });
    } finally {
      optima.company.exec('ROLLBACK TO v; RELEASE v');
    }
  });

  test('computed columns are computed and cannot be written', () => {
    optima.company.exec('SAVEPOINT c');
    try {
      const knt = insertRow(optima.company, 'Kontrahenci', { Knt_Kod: 'C1', Knt_NipKraj: 'DE', Knt_Nip: '123456789' });
      expect(
        optima.company.prepare('SELECT Knt_NipPelny AS n FROM CDN.Kontrahenci WHERE Knt_KntId = ?').get(knt),
      ).toEqual({ n: 'DE123456789' });
      const dfn = insertRow(optima.company, 'DokDefinicje', { DDf_Klasa: 307, DDf_Symbol: 'PZ' });
      expect(
        optima.company.prepare('SELECT DDf_KierunekOrg AS k FROM CDN.DokDefinicje WHERE DDf_DDfID = ?').get(dfn),
      ).toEqual({ k: -1 });
      expect(() => insertRow(optima.company, 'Kontrahenci', { Knt_Kod: 'C2', Knt_NipPelny: 'x' })).toThrow(
        /generated column/,
      );
      const atr = insertRow(optima.company, 'DokAtrybuty', { DAt_DeAId: 1, DAt_WartoscTxt: ' 12,5 ' });
      const txt = insertRow(optima.company, 'DokAtrybuty', { DAt_DeAId: 1, DAt_WartoscTxt: '12 szt.' });
      const dec = optima.company.prepare('SELECT DAt_WartoscDecimal AS d FROM CDN.DokAtrybuty WHERE DAt_DAtId = ?');
      expect([dec.get(atr), dec.get(txt)]).toEqual([{ d: 12.5 }, { d: -99999999 }]);
    } finally {
      optima.company.exec('ROLLBACK TO c; RELEASE c');
    }
  });

  test('defaults of the file apply when a column is left out', () => {
    optima.company.exec('SAVEPOINT d');
    try {
      const id = insertRow(optima.company, 'Towary', { Twr_Kod: 'D1' });
      expect(
        optima.company
          .prepare(
            'SELECT Twr_JMPrzelicznikL AS l, Twr_OpeZalKod AS k, Twr_ESklepStatus AS s, Twr_WagaKG AS w FROM CDN.Towary WHERE Twr_TwrId = ?',
          )
          .get(id),
      ).toEqual({ l: 1, k: '', s: 1, w: 0 });
      const baz = insertRow(optima.config, 'Bazy', { Baz_Nazwa: 'X', Baz_Dostep: 'NET:CDN_X,SRV\\OPTIMA,NT=1' });
      const row = optima.config
        .prepare('SELECT Baz_GUID AS g, Baz_NazwaBazy AS b, Baz_NazwaSerwera AS s FROM CDN.Bazy WHERE Baz_BazID = ?')
        .get(baz) as {
        g: string;
        b: string;
        s: string;
      };
      expect(row.g).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/);
      expect([row.b, row.s]).toEqual(['CDN_X', 'SRV\\OPTIMA']);
    } finally {
      optima.company.exec('ROLLBACK TO d; RELEASE d');
    }
  });
});

describe('columnInfo', () => {
  test('gives type, length and nullability from the file, names in any case', () => {
    expect(columnInfo('TraNag', 'TrN_PodNazwa1')).toMatchObject({
      sqlType: 'nvarchar(50)',
      maxLength: 50,
      nullable: false,
    });
    expect(columnInfo('CDN.TraNag', 'trn_numerobcy')).toMatchObject({
      name: 'TrN_NumerObcy',
      sqlType: 'varchar(256)',
      maxLength: 256,
    });
    expect(columnInfo('company:CDN.TraNag', 'TrN_OdbTelefon')).toMatchObject({ maxLength: 20, nullable: true });
    expect(columnInfo('Towary', 'Twr_Opis')).toMatchObject({ sqlType: 'nvarchar(max)', nullable: false });
    expect(columnInfo('Towary', 'Twr_Opis').maxLength).toBeUndefined();
    expect(columnInfo('TraElem', 'TrE_Cena0')).toMatchObject({ precision: 17, scale: 4 });
    expect(columnInfo('TraElem', 'TrE_Cena0').maxLength).toBeUndefined();
    expect(columnInfo('Operatorzy', 'Ope_Kod')).toMatchObject({ maxLength: 20, nullable: false });
  });

  test('every column of the file is described, with the length its type states', () => {
    for (const t of tableEntries) {
      for (const c of t.raw.columns) {
        const info = columnInfo(t.name, c.name);
        const len = /char\((\d+)\)/.exec(c.sqlType)?.[1];
        expect([c.name, info.sqlType, info.nullable, info.maxLength]).toEqual([
          c.name,
          c.sqlType,
          c.null,
          len ? Number(len) : undefined,
        ]);
      }
    }
  });

  test('unknown tables and columns fail loudly', () => {
    expect(() => columnInfo('TraNagAtrybuty', 'X')).toThrow(/CDN.tranagatrybuty is not in/);
    expect(() => columnInfo('TraNag', 'TrN_Nazwa1')).toThrow('column TrN_Nazwa1 is not in CDN.TraNag');
  });
});
