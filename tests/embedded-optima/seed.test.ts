import { DEMO_DELIVERY_METHODS, DEMO_OFFERS, DEMO_PAYMENT_FORMS } from '../../dev/catalogue';
import {
  DEMO_ATTRIBUTES,
  DEMO_CONTRACTORS,
  DEMO_NUMBERING,
  DEA_TYP,
  optimaTables,
  openEmbeddedOptima,
  paymentFormName,
  paymentFormType,
  seedCompany,
  seedConfig,
  TWR_TYP,
  UNKNOWN_CONTRACTOR_CODE,
  type EmbeddedOptima,
} from '../../dev/embedded-optima';
import { parseMinor } from '../../domain/money';

let optima: EmbeddedOptima;
beforeAll(() => {
  optima = openEmbeddedOptima();
});
afterAll(() => optima.close());

type Row = Record<string, unknown>;
const all = (sql: string, ...params: unknown[]) => optima.company.prepare(sql).all(...params) as Row[];

/** The lookups the gateway's match rules make (PRODUCT.md journey step 2). */
const byEan = (ean: string) =>
  all(
    `SELECT Twr_TwrId AS id FROM CDN.Towary WHERE Twr_EAN = ?
     UNION SELECT TwE_TwrID FROM CDN.TwrEan WHERE TwE_EAN = ?`,
    ean,
    ean,
  );
const byCode = (code: string) => all('SELECT Twr_TwrId AS id FROM CDN.Towary WHERE Twr_Kod = ?', code);
const byName = (name: string) => all('SELECT Twr_TwrId AS id FROM CDN.Towary WHERE Twr_Nazwa = ?', name);

function validNip(digits: string): boolean {
  const w = [6, 5, 7, 2, 3, 4, 5, 6, 7];
  if (!/^\d{10}$/.test(digits)) return false;
  const sum = w.reduce((s, x, i) => s + x * Number(digits[i]), 0) % 11;
  return sum !== 10 && sum === Number(digits[9]);
}

describe('the demo company holds what the catalogue needs', () => {
  const present = DEMO_OFFERS.filter((o) => o.optimaMatch !== 'absent');

  test.each(present.map((o) => [o.optimaMatch, o.name, o]))('found by %s: %s', (rule, _name, offer) => {
    const expected = byCode(offer.optimaCode);
    expect(expected).toHaveLength(1);
    const found = rule === 'ean' ? byEan(offer.ean!) : rule === 'code' ? byCode(offer.externalId!) : byName(offer.name);
    expect(found).toEqual(expected);
    const card = all(
      'SELECT Twr_Typ AS typ, Twr_JM AS jm, Twr_Stawka AS vat, Twr_Flaga AS flaga FROM CDN.Towary WHERE Twr_Kod = ?',
      offer.optimaCode,
    );
    expect(card).toEqual([{ typ: TWR_TYP.goods, jm: 'szt', vat: offer.vatRate, flaga: 2 }]);
  });

  test('goods matched by code or name are not found by the offer EAN, nor by title unless matched by name', () => {
    for (const o of present) {
      if (o.optimaMatch !== 'ean' && o.ean) expect([o.optimaCode, byEan(o.ean)]).toEqual([o.optimaCode, []]);
      if (o.optimaMatch !== 'name') expect([o.optimaCode, byName(o.name)]).toEqual([o.optimaCode, []]);
    }
  });

  test('one good carries the offer EAN only as an additional code (CDN.TwrEan)', () => {
    const onlyExtra = present.filter(
      (o) => o.optimaMatch === 'ean' && all('SELECT 1 FROM CDN.Towary WHERE Twr_EAN = ?', o.ean).length === 0,
    );
    expect(onlyExtra.length).toBeGreaterThan(0);
    for (const o of onlyExtra) expect(byEan(o.ean!)).toHaveLength(1);
  });

  test('offers without a card in Optima are found by no rule', () => {
    for (const o of DEMO_OFFERS.filter((x) => x.optimaMatch === 'absent')) {
      expect([byCode(o.optimaCode), o.ean ? byEan(o.ean) : [], byName(o.name)]).toEqual([[], [], []]);
    }
  });

  test('the retail price (price type "detaliczna") of every good and service is its Allegro gross price', () => {
    const price = (code: string) =>
      all(
        `SELECT c.TwC_Wartosc AS v FROM CDN.Towary t
         JOIN CDN.TwrCeny c ON c.TwC_TwrID = t.Twr_TwrId
         JOIN CDN.DefCeny d ON d.DfC_Lp = c.TwC_TwCNumer
         WHERE t.Twr_Kod = ? AND d.DfC_Nazwa = 'detaliczna'`,
        code,
      ).map((r) => Math.round(Number(r.v) * 100));
    for (const o of present)
      expect([o.optimaCode, price(o.optimaCode)]).toEqual([o.optimaCode, [parseMinor(o.priceGross)]]);
    for (const m of DEMO_DELIVERY_METHODS) {
      expect([m.optimaServiceCode, price(m.optimaServiceCode)]).toEqual([
        m.optimaServiceCode,
        [parseMinor(m.costGross)],
      ]);
    }
  });

  test('opening stock of each good sits in the MAG warehouse', () => {
    for (const o of present) {
      const stock = all(
        `SELECT i.TwI_Ilosc AS q FROM CDN.TwrIlosci i JOIN CDN.Towary t ON t.Twr_TwrId = i.TwI_TwrId
         JOIN CDN.Magazyny m ON m.Mag_MagId = i.TwI_MagId WHERE t.Twr_Kod = ? AND m.Mag_Symbol = 'MAG'`,
        o.optimaCode,
      );
      expect([o.optimaCode, stock]).toEqual([o.optimaCode, [{ q: o.stock }]]);
    }
  });

  test.each(DEMO_DELIVERY_METHODS.map((m) => [m.name, m]))('delivery service for %s', (_n, m) => {
    expect(
      all('SELECT Twr_Nazwa AS name, Twr_Typ AS typ FROM CDN.Towary WHERE Twr_Kod = ?', m.optimaServiceCode),
    ).toEqual([{ name: m.optimaServiceName, typ: TWR_TYP.service }]);
  });

  test.each(DEMO_PAYMENT_FORMS.map((f) => [f.name, f]))('payment form %s', (_n, f) => {
    const rows = all(
      'SELECT FPl_Typ AS typ, FPl_KSeFId AS ksef, FPl_Termin AS days FROM CDN.FormyPlatnosci WHERE FPl_Nazwa = ?',
      paymentFormName(f.name),
    );
    expect(rows).toHaveLength(1);
    const row = rows[0] as { typ: number; ksef: number; days: number };
    expect([paymentFormType(row.typ, row.ksef), row.days]).toEqual([f.type, f.dueDays]);
  });

  test('payment form names longer than FPl_Nazwa are cut to its 20 characters', () => {
    expect(paymentFormName('Allegro Pay (odroczona)')).toBe('Allegro Pay (odroczo');
    expect(paymentFormName('przelew')).toBe('przelew');
  });

  test('warehouses: MAG (the operator default) and a second one', () => {
    expect(all('SELECT Mag_Symbol AS s FROM CDN.Magazyny ORDER BY Mag_MagId')).toEqual([
      { s: 'MAG' },
      { s: 'ALLEGRO' },
    ]);
    expect(
      optima.config
        .prepare("SELECT Ope_Magazyn AS m, Ope_Administrator AS a FROM CDN.Operatorzy WHERE Ope_Kod = 'ADMIN'")
        .all(),
    ).toEqual([{ m: 'MAG', a: 1 }]);
  });

  test('document definitions RO 308, FS 302, PA 305, PW 303 with a numbering template', () => {
    expect(
      all('SELECT DDf_Symbol AS s, DDf_Klasa AS k, DDf_Numeracja AS n FROM CDN.DokDefinicje ORDER BY DDf_DDfID'),
    ).toEqual([
      { s: 'RO', k: 308, n: DEMO_NUMBERING },
      { s: 'FS', k: 302, n: DEMO_NUMBERING },
      { s: 'PA', k: 305, n: DEMO_NUMBERING },
      { s: 'PW', k: 303, n: DEMO_NUMBERING },
    ]);
    expect(DEMO_NUMBERING.split('/')).toEqual(expect.arrayContaining(['@symbol', '@numerS']));
  });

  test('document attribute definitions, among them the line-without-card one', () => {
    const codes = all(
      'SELECT DeA_Kod AS c FROM CDN.DefAtrybuty WHERE DeA_Typ = ? ORDER BY DeA_DeAId',
      DEA_TYP.document,
    ).map((r) => r.c);
    expect(codes).toEqual(DEMO_ATTRIBUTES.map((a) => a.code));
    expect(codes).toEqual(expect.arrayContaining(['ALLEGRO_BRAK_KARTY', 'ALLEGRO_ID']));
  });

  test('contractors: a company with a valid NIP, a private person, the unspecified one', () => {
    const rows = all(
      'SELECT Knt_Kod AS code, Knt_NipE AS nipE, Knt_Nip AS nip, Knt_Finalny AS fin, Knt_PodatekVat AS vat FROM CDN.Kontrahenci ORDER BY Knt_KntId',
    ) as {
      code: string;
      nipE: string;
      nip: string;
      fin: number;
      vat: number;
    }[];
    expect(rows.map((r) => r.code)).toEqual(DEMO_CONTRACTORS.map((c) => c.code));
    const company = rows.find((r) => r.vat === 1)!;
    expect(validNip(company.nipE)).toBe(true);
    expect(company.nip.replace(/\D/g, '')).toBe(company.nipE);
    expect(rows.filter((r) => r.fin === 1).map((r) => r.code)).toEqual(
      expect.arrayContaining([UNKNOWN_CONTRACTOR_CODE]),
    );
    expect(rows.filter((r) => r.fin === 1)).toHaveLength(2);
    expect(
      all('SELECT Pod_Kod AS k FROM CDN.PodmiotyView WHERE Pod_PodmiotTyp = 1 ORDER BY Pod_PodId').map((r) => r.k),
    ).toEqual(DEMO_CONTRACTORS.map((c) => c.code));
  });

  test('the config DB knows the company and its database', () => {
    expect(optima.config.prepare('SELECT Baz_Nazwa AS n, Baz_NazwaBazy AS db FROM CDN.Bazy').all()).toEqual([
      { n: 'Sklep Demo', db: 'CDN_SklepDemo' },
    ]);
    expect(optima.config.prepare('SELECT COUNT(*) AS n FROM CDN.BazModulyOperatora').get()).toEqual({ n: 1 });
  });
});

describe('seeding is idempotent', () => {
  const counts = (o: EmbeddedOptima) =>
    Object.fromEntries(
      optimaTables()
        .filter((t) => !t.isView)
        .map((t) => [
          t.name,
          (
            (t.database === 'company' ? o.company : o.config)
              .prepare(`SELECT COUNT(*) AS n FROM CDN.${t.name}`)
              .get() as { n: number }
          ).n,
        ]),
    );

  test('seeding again adds nothing and returns the same ids', () => {
    const before = counts(optima);
    const first = seedCompany(optima.company);
    const again = seedCompany(optima.company);
    expect(again).toEqual(first);
    expect(seedConfig(optima.config)).toEqual(seedConfig(optima.config));
    expect(counts(optima)).toEqual(before);
    expect(before.Towary).toBe(
      DEMO_OFFERS.filter((o) => o.optimaMatch !== 'absent').length + DEMO_DELIVERY_METHODS.length,
    );
  });

  test('a row deleted by hand comes back on reseeding, nothing else changes', () => {
    const before = counts(optima);
    optima.company.prepare("DELETE FROM CDN.Magazyny WHERE Mag_Symbol = 'ALLEGRO'").run();
    expect(counts(optima).Magazyny).toBe(before.Magazyny - 1);
    seedCompany(optima.company);
    expect(counts(optima)).toEqual(before);
  });

  test('seed: false opens empty tables', () => {
    const empty = openEmbeddedOptima({ seed: false });
    try {
      expect(Object.values(counts(empty)).every((n) => n === 0)).toBe(true);
    } finally {
      empty.close();
    }
  });
});
