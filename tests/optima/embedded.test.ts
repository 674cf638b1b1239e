/**
 * What only the embedded Optima shows: the demo company's goods found the way the order
 * journey looks for them, two "workers" (two connections to one file) never writing a
 * second document, a writer waiting for another connection's lock without blocking the
 * event loop, licence seats, live SQLite errors typed, and persistence through
 * createOptimaGateway.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DEMO_DELIVERY_METHODS, DEMO_OFFERS, DEMO_PAYMENT_FORMS } from '../../dev/catalogue';
import {
  DEMO_CONTRACTORS,
  DEMO_OPERATOR,
  openEmbeddedOptima,
  paymentFormName,
  type EmbeddedOptima,
} from '../../dev/embedded-optima';
import { LicenceUnavailableError, PermanentError, TransientError } from '../../domain/errors';
import type { DocumentDraft, OptimaGateway } from '../../domain/types';
import { createOptimaGateway } from '../../activities/optima';
import { SqlOptimaGateway } from '../../activities/optima/gateway';
import { sqliteDriver } from '../../dev/embedded-optima/driver';
import { embeddedOptimaDrivers } from '../../dev/embedded-optima/drivers';
import { int } from '../../activities/optima/sql-types';

function gatewayOver(optima: EmbeddedOptima, now?: () => Date): SqlOptimaGateway {
  return new SqlOptimaGateway(async () => sqliteDriver(optima, { ownsOptima: true }), {
    operator: 'ADMIN',
    ...(now ? { now } : {}),
  });
}

function roDraft(
  orderId: string,
  contractorId: number,
  paymentFormId: number,
  documentDate = '2026-03-05',
): DocumentDraft {
  const party = { name: 'Anna Nowak', street: 'Polna 3', city: 'Poznań', postCode: '60-101', countryCode: 'PL' };
  return {
    orderId,
    account: 'demo',
    kind: 'RO',
    documentDate,
    currency: 'PLN',
    contractorId,
    buyer: party,
    recipient: party,
    paymentFormId,
    warehouseId: null,
    lines: [
      {
        sourceLineId: `${orderId}-1`,
        productId: 1,
        code: 'KUB-350-KRK',
        name: 'Kubek',
        unit: 'szt',
        quantity: 3,
        unitGross: 2999,
        grossValue: 8997,
        vatRate: 23,
        isService: false,
      },
    ],
    vat: [],
    grossTotal: 8997,
    description: '',
    attributes: [{ code: 'ALLEGRO_ID', value: orderId }],
    lineIds: [`${orderId}-1`],
    dueDate: documentDate,
    flags: { fiscal: false, ksefNotSend: false, splitPayment: false, oss: false },
  };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'optima-gateway-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the demo company of the embedded Optima', () => {
  let optima: EmbeddedOptima;
  let g: SqlOptimaGateway;
  const clock = new Date(2026, 2, 5, 14, 3, 9);
  beforeAll(() => {
    optima = openEmbeddedOptima();
    g = gatewayOver(optima, () => clock);
  });
  afterAll(() => g.close());

  test('every catalogue offer is found the way the catalogue says Optima knows it, and only that way', async () => {
    for (const offer of DEMO_OFFERS) {
      const byEan = offer.ean ? (await g.findProductsByEan(offer.ean)).map((p) => p.code) : [];
      const byCode = offer.externalId ? (await g.findProductByCode(offer.externalId))?.code : undefined;
      const byName = (await g.findProductsByName(offer.name)).map((p) => p.code);
      const found = {
        ean: byEan.includes(offer.optimaCode),
        code: byCode === offer.optimaCode,
        name: byName.includes(offer.optimaCode),
      };
      expect({
        offer: offer.offerId,
        match: offer.optimaMatch,
        found: found[offer.optimaMatch as 'ean'] ?? false,
      }).toEqual({
        offer: offer.offerId,
        match: offer.optimaMatch,
        found: offer.optimaMatch !== 'absent',
      });
      if (offer.optimaMatch === 'absent') expect(found).toEqual({ ean: false, code: false, name: false });
    }
  });

  test('an offer EAN held only as an extra code (CDN.TwrEan) is found too', async () => {
    const flour = DEMO_OFFERS.find((o) => o.optimaCode === 'MAK-ZYT-1')!;
    const [card] = await g.findProductsByEan(flour.ean!);
    expect(card?.code).toBe('MAK-ZYT-1');
    expect(card?.ean).not.toBe(flour.ean); // the card's main EAN is the shop's own
  });

  test('reference data: the catalogue payment forms with their kinds, delivery services, the operator warehouse', async () => {
    const ref = await g.readReferenceData();
    for (const f of DEMO_PAYMENT_FORMS) {
      expect(ref.paymentForms.find((p) => p.name === paymentFormName(f.name))).toMatchObject({
        type: f.type,
        dueDays: f.dueDays,
      });
    }
    expect(ref.deliveryServices.map((s) => s.code).sort()).toEqual(
      DEMO_DELIVERY_METHODS.map((m) => m.optimaServiceCode).sort(),
    );
    expect(ref.warehouses.find((w) => w.id === ref.defaultWarehouseId)?.symbol).toBe(DEMO_OPERATOR.warehouse);
  });

  test('seeded contractors are found by NIP typed with dashes in Optima, and by e-mail', async () => {
    const company = DEMO_CONTRACTORS.find((c) => c.isCompany)!;
    expect((await g.findContractorsByNip(company.nipDigits)).map((c) => c.code)).toEqual([company.code]);
    const person = DEMO_CONTRACTORS.find((c) => !c.isCompany && c.email)!;
    expect((await g.findContractorsByEmail(person.email.toUpperCase())).map((c) => c.code)).toEqual([person.code]);
  });

  test('a document carries the operator and the time in its audit columns, and the attribute value', async () => {
    const doc = await g.createDocument(roDraft('demo-audit', 2, 1));
    const row = optima.company
      .prepare(
        'SELECT TrN_OpeZalKod AS op, TrN_TS_Zal AS created, TrN_Termin AS due FROM CDN.TraNag WHERE TrN_TrNID = ?',
      )
      .get(doc.id) as { op: string; created: string; due: string };
    expect(row).toEqual({ op: DEMO_OPERATOR.code, created: '2026-03-05 14:03:09', due: '2026-03-05' });
    const attr = optima.company
      .prepare('SELECT DAt_Kod AS code, DAt_WartoscTxt AS value FROM CDN.DokAtrybuty WHERE DAt_TrNId = ?')
      .all(doc.id);
    expect(attr).toEqual([{ code: 'ALLEGRO_ID', value: 'demo-audit' }]);
  });
});

describe('two workers: two connections to one embedded Optima file', () => {
  let a: OptimaGateway;
  let b: OptimaGateway;
  let file: string;
  beforeAll(() => {
    file = path.join(dir, 'two-workers.sqlite');
    const first = openEmbeddedOptima({ file });
    const second = openEmbeddedOptima({ file });
    expect(second.company).not.toBe(first.company);
    a = gatewayOver(first);
    b = gatewayOver(second);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
  });

  test('20 calls for one order spread over both connections: exactly one document', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).createDocument(roDraft('two-workers-1', 2, 1))),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => !r.existed)).toHaveLength(1);
    const check = new Database(`${file}.cdn`, { readonly: true });
    expect(check.prepare("SELECT COUNT(*) AS n FROM TraNag WHERE TrN_NumerObcy = 'two-workers-1'").get()).toEqual({
      n: 1,
    });
    check.close();
  });

  test('100 orders spread over both connections: 100 documents, numbers without gaps', async () => {
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        (i % 2 ? a : b).createDocument(roDraft(`two-workers-bulk-${i}`, 2, 1, '2031-01-02')),
      ),
    );
    const numbers = results.map((r) => Number(/^RO\/(\d+)\/2031$/.exec(r.number)?.[1])).sort((x, y) => x - y);
    expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(await a.findDocumentByOrder('two-workers-bulk-7')).toEqual(
      await b.findDocumentByOrder('two-workers-bulk-7'),
    );
  });

  test("a writer waits for another connection's lock without blocking the event loop", async () => {
    const holder = new Database(file);
    holder.exec(`ATTACH DATABASE '${file}.cdn' AS CDN`);
    holder.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const writing = a.createDocument(roDraft('two-workers-wait', 2, 1));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const ticksWhileHeld = ticks;
    holder.exec('COMMIT');
    holder.close();
    const doc = await writing;
    clearInterval(ticker);
    expect(doc.existed).toBe(false);
    expect(ticksWhileHeld).toBeGreaterThan(5); // timers ran while the gateway waited
  });
});

describe('licences and live database errors', () => {
  let optima: EmbeddedOptima;
  let g: SqlOptimaGateway;
  beforeAll(() => {
    optima = openEmbeddedOptima();
    g = gatewayOver(optima);
  });
  afterAll(() => g.close());

  test('no free seat: every write refuses with LicenceUnavailableError, reads still work, no seat leaks', async () => {
    await g.readReferenceData();
    optima.licences.failNext(2);
    await expect(
      g.createContractor({
        linkKey: 'buyer:demo:lic',
        code: 'LIC',
        party: { name: 'X', street: '', city: '', postCode: '', countryCode: 'PL' },
        isCompany: false,
        finalConsumer: true,
      }),
    ).rejects.toBeInstanceOf(LicenceUnavailableError);
    await expect(g.createDocument(roDraft('licence-1', 2, 1))).rejects.toBeInstanceOf(LicenceUnavailableError);
    expect(await g.findProductByCode('KUB-350-KRK')).not.toBeNull();
    expect(await g.createDocument(roDraft('licence-1', 2, 1))).toMatchObject({ existed: false });
    optima.licences.available = 0;
    await expect(g.cancelDocument('licence-1', 'annotate', 'x')).rejects.toBeInstanceOf(LicenceUnavailableError);
    optima.licences.available = Infinity;
    expect(optima.licences.stats().inUse).toBe(0);
  });

  test('totals Optima stores differently from the order (a trigger changing a line) refuse the document', async () => {
    optima.company.exec(
      'CREATE TEMP TRIGGER shift_line AFTER INSERT ON CDN.TraElem BEGIN ' +
        'UPDATE TraElem SET TrE_WartoscBrutto = TrE_WartoscBrutto + 0.01 WHERE TrE_TrEID = NEW.TrE_TrEID; END',
    );
    try {
      await expect(g.createDocument(roDraft('shifted-1', 2, 1))).rejects.toThrow(/stored by Optima differ.*lines 8998/);
      expect(await g.findDocumentByOrder('shifted-1')).toBeNull();
      expect(
        optima.company.prepare("SELECT COUNT(*) AS n FROM CDN.TraNag WHERE TrN_NumerObcy = 'shifted-1'").get(),
      ).toEqual({ n: 0 });
    } finally {
      optima.company.exec('DROP TRIGGER temp.shift_line');
    }
  });

  test('SQLite refusals come out typed: NOT NULL → PermanentError, duplicate key → TransientError; rolled back', async () => {
    const driver = sqliteDriver(optima, { ownsOptima: false });
    const insertPrice = (lp: number | null) =>
      driver.transaction((tx) =>
        tx.all(
          {
            mssql: '',
            sqlite:
              "INSERT INTO CDN.DefCeny (DfC_Lp, DfC_Nazwa, DfC_Waluta, DfC_Aktualizacja, DfC_Marza, DfC_Offset, DfC_Typ, DfC_Zaokraglenie) VALUES (@lp, 'x', 'PLN', 0, 0, 0, 1, 0.01)",
            params: { lp: int },
          },
          { lp },
        ),
      );
    await expect(insertPrice(null)).rejects.toBeInstanceOf(PermanentError);
    await expect(insertPrice(4)).rejects.toBeInstanceOf(TransientError); // DfC_Lp 4 exists (unique index)
    expect(optima.company.inTransaction).toBe(false);
    expect(optima.licences.stats().inUse).toBe(0);
  });
});

describe('createOptimaGateway({ kind: "embedded", file })', () => {
  test('keeps documents and links across a restart (files on disk, AO attached beside them)', async () => {
    const file = path.join(dir, 'nested', 'optima.sqlite');
    const first = createOptimaGateway({ kind: 'embedded', file }, embeddedOptimaDrivers);
    const doc = await first.createDocument(roDraft('restart-1', 2, 1));
    await first.linkProduct('offer:demo:17000000001', 1);
    await first.close();
    expect(fs.existsSync(`${file}.ao`)).toBe(true);

    const second = createOptimaGateway({ optima: { kind: 'embedded', file } }, embeddedOptimaDrivers);
    expect(await second.findDocumentByOrder('restart-1')).toEqual({ ...doc, existed: true });
    expect((await second.findProductByLink('offer:demo:17000000001'))?.code).toBe('KUB-350-KRK');
    expect(await second.createDocument(roDraft('restart-1', 2, 1))).toMatchObject({ id: doc.id, existed: true });
    await second.close();
  });

  test('without the embedded driver factory (production wiring) it refuses, naming what to set instead', () => {
    const attempt = () => createOptimaGateway({ kind: 'embedded', file: path.join(dir, 'unused.sqlite') });
    expect(attempt).toThrow(PermanentError);
    expect(attempt).toThrow(/demo and the tests.*optima\.kind to "mssql"/);
    expect(fs.existsSync(path.join(dir, 'unused.sqlite'))).toBe(false);
  });
});
