import { checkCdnReferences, closeSqlParser, parseTsql } from '../../dev/embedded-optima/sql-check';

afterAll(() => closeSqlParser());

describe('parseTsql', () => {
  test('parses SQL Server statements into the AST', () => {
    const ast = parseTsql('DECLARE @n INT = 1; SELECT @n');
    expect(ast).toHaveLength(2);
    expect(Object.keys(ast[0])).toEqual(['Declare']);
  });

  test('throws on a syntax error', () => {
    expect(() => parseTsql('SELEC * FORM CDN.TraNag')).toThrow(/T-SQL parse error/);
  });

  test('keeps working after closeSqlParser', async () => {
    await closeSqlParser();
    expect(parseTsql('SELECT 1')).toHaveLength(1);
  });
});

describe('checkCdnReferences: statements that only name what exists', () => {
  test.each([
    [
      'INSERT … OUTPUT INSERTED',
      'INSERT INTO CDN.TraNag (TrN_TypDokumentu, TrN_NumerString, TrN_NumerNr, TrN_NumerObcy) OUTPUT INSERTED.TrN_TrNID VALUES (@typ, @str, @nr, @obcy)',
      ['CDN.TraNag'],
      ['TrN_NumerNr', 'TrN_NumerObcy', 'TrN_NumerString', 'TrN_TrNID', 'TrN_TypDokumentu'],
    ],
    [
      'DECLARE + table hints WITH (UPDLOCK, HOLDLOCK)',
      `DECLARE @nr INT;
       SELECT @nr = ISNULL(MAX(TrN_NumerNr), 0) + 1 FROM CDN.TraNag WITH (UPDLOCK, HOLDLOCK)
       WHERE TrN_NumerString = @str AND TrN_TypDokumentu = 308;
       SELECT @nr AS next_number`,
      ['CDN.TraNag'],
      ['TrN_NumerNr', 'TrN_NumerString', 'TrN_TypDokumentu'],
    ],
    [
      'MERGE',
      `MERGE CDN.TwrCeny AS t USING (SELECT @twr AS twr, @nr AS nr) AS s
       ON t.TwC_TwrID = s.twr AND t.TwC_TwCNumer = s.nr
       WHEN MATCHED THEN UPDATE SET TwC_Wartosc = @v
       WHEN NOT MATCHED THEN INSERT (TwC_TwrID, TwC_TwCNumer, TwC_Wartosc) VALUES (s.twr, s.nr, @v);`,
      ['CDN.TwrCeny'],
      ['TwC_TwCNumer', 'TwC_TwrID', 'TwC_Wartosc'],
    ],
    [
      'EXEC sp_getapplock',
      "EXEC sp_getapplock @Resource = 'optima:RO', @LockMode = 'Exclusive', @LockOwner = 'Transaction'",
      [],
      [],
    ],
    [
      'joins, bracketed names, three-part names and the config DB',
      `SELECT [n].[TrN_NumerPelny], k.Knt_Kod, CDN.Kontrahenci.Knt_NipE FROM [CDN].[TraNag] n
       JOIN CDN.Kontrahenci k ON k.Knt_KntId = n.TrN_PodID AND n.TrN_PodmiotTyp = 1
       LEFT JOIN CDN_KNF_Konfiguracja.CDN.Operatorzy o ON o.Ope_Kod = n.TrN_OpeZalKod`,
      ['CDN.Kontrahenci', 'CDN.Operatorzy', 'CDN.TraNag'],
      ['Knt_KntId', 'Knt_Kod', 'Knt_NipE', 'Ope_Kod', 'TrN_NumerPelny', 'TrN_OpeZalKod', 'TrN_PodID', 'TrN_PodmiotTyp'],
    ],
  ])('%s', (_name, sql, tables, columns) => {
    expect(checkCdnReferences(sql)).toEqual({ tables, columns, missing: [] });
  });

  test('case does not matter, as under Polish_CI_AS', () => {
    expect(checkCdnReferences('select trn_trnid from cdn.tranag').missing).toEqual([]);
  });

  test("names of other schemas, variables and string contents are not Optima's", () => {
    const r = checkCdnReferences("SELECT link_key, @TrN_Var FROM AO.Links WHERE note = 'TrN_Bogus in CDN.Bogus'");
    expect(r).toEqual({ tables: [], columns: [], missing: [] });
  });
});

describe('checkCdnReferences: statements naming what does not exist', () => {
  test('XL-style and misremembered columns, an invented table', () => {
    const r = checkCdnReferences(`
      SELECT n.TrN_Nazwa1, n.TrN_KntNumer, k.Knt_PodatnikVAT, a.DAt_WartoscTxt
      FROM CDN.TraNag n
      JOIN CDN.Kontrahenci k ON k.Knt_KntId = n.TrN_PodID
      JOIN CDN.TraNagAtrybuty a ON a.DAt_TrNId = n.TrN_TrNID`);
    expect(r.missing).toEqual(['CDN.TraNagAtrybuty', 'Knt_PodatnikVAT', 'TrN_KntNumer', 'TrN_Nazwa1']);
    expect(r.tables).toEqual(['CDN.Kontrahenci', 'CDN.TraNag', 'CDN.TraNagAtrybuty']);
  });

  test('inside OUTPUT, MERGE and locking hints too', () => {
    expect(checkCdnReferences('INSERT INTO CDN.TraElem (TrE_TrNId) OUTPUT INSERTED.TrE_Id VALUES (1)').missing).toEqual(
      ['TrE_Id'],
    );
    expect(
      checkCdnReferences(
        'MERGE CDN.TwrCeny AS t USING (SELECT 1 AS id) AS s ON t.TwC_TwrID = s.id WHEN NOT MATCHED THEN INSERT (TwC_TwrID, TwC_Cena) VALUES (s.id, 1);',
      ).missing,
    ).toEqual(['TwC_Cena']);
    expect(checkCdnReferences('SELECT MAX(TrN_Numer) FROM CDN.TraNag WITH (UPDLOCK, HOLDLOCK)').missing).toEqual([
      'TrN_Numer',
    ]);
    expect(checkCdnReferences('DECLARE @x INT; SELECT @x = Twr_Cena FROM CDN.Towary').missing).toEqual(['Twr_Cena']);
  });

  test('a view of real Optima that the reference file does not hold', () => {
    expect(checkCdnReferences('SELECT * FROM CDN.KntKarty').missing).toEqual(['CDN.KntKarty']);
  });
});
