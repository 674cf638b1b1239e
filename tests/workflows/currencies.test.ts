/**
 * One order per marketplace (PL, CZ, SK, HU) and per kind (RO, FS, PA) through the order
 * workflow on the dev server, with the Allegro simulator, NBP's stand-in and the embedded
 * Optima: what the document holds (currency, rate and its table, totals in both currencies,
 * VAT rows, kind, number, buffer, the FS/PA flags), and an order waiting while NBP has no rate.
 */
import { WorkflowIdReusePolicy } from '@temporalio/client';
import type { FormStatus, MarketplaceId, WireCheckoutForm } from '../../dev/allegro-simulator';
import { DEMO_DELIVERY_METHODS } from '../../dev/catalogue';
import type { DocumentKind, ImportPolicy } from '../../domain/types';
import { orderWorkflowId, retrySignal, type ImportOrderInput } from '../../workflows/definitions';
import { importOrder } from '../../workflows/import-order';
import { documentsOf, progressWhen, startEnv, type TestEnv } from './env';

jest.setTimeout(180_000);

const COURIER = DEMO_DELIVERY_METHODS.find((m) => m.name === 'Allegro Kurier DPD')!;
const COUNTRY_VAT: Record<string, number> = { 'allegro-cz': 21, 'allegro-sk': 23, 'allegro-hu': 27 };
const CLASS: Record<DocumentKind, number> = { RO: 308, FS: 302, PA: 305 };

let env: TestEnv;

function start(checkoutFormId: string, policy: ImportPolicy) {
  return env.client.workflow.start(importOrder, {
    taskQueue: env.taskQueue,
    workflowId: orderWorkflowId(env.account, checkoutFormId),
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    args: [{ account: env.account, checkoutFormId, policy } satisfies ImportOrderInput],
  });
}

const minor = (value: unknown) => Math.round(Number(value) * 100);

/** minor × rate, half away from zero, in BigInt: written apart from domain/exchange-rates.ts on purpose. */
function toPln(amount: number, rate: string): number {
  const [whole, frac = ''] = rate.split('.');
  const scale = 10n ** BigInt(frac.length);
  const product = BigInt(Math.abs(amount)) * BigInt(whole + frac);
  const rounded = Number(product / scale + (2n * (product % scale) >= scale ? 1n : 0n));
  return amount < 0 ? -rounded : rounded;
}

/** The tax point: the payment's day in Warsaw. */
function warsawDay(iso: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw' }).format(new Date(iso));
}

/** What NBP's stand-in says for the last table before `taxPoint`, asked over HTTP as anyone would. */
async function nbpRate(
  currency: string,
  taxPoint: string,
): Promise<{ no: string; effectiveDate: string; mid: string }> {
  const day = (offset: number) => new Date(Date.parse(`${taxPoint}T00:00:00Z`) + offset * 86_400_000);
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  const url = `${env.nbp.url}/api/exchangerates/rates/a/${currency.toLowerCase()}/${iso(day(-10))}/${iso(day(-1))}/`;
  const text = await (await fetch(url)).text();
  // The mid as NBP wrote it, digits and all.
  const rates = [...text.matchAll(/"no":"([^"]+)","effectiveDate":"([^"]+)","mid":([\d.]+)/g)];
  const last = rates[rates.length - 1];
  return { no: last[1], effectiveDate: last[2], mid: last[3] };
}

interface Header extends Record<string, unknown> {
  TrN_TrNID: number;
  TrN_NumerPelny: string;
  TrN_NumerNr: number;
  TrN_Opis: string;
}

function rows<T>(sql: string, id: number): T[] {
  return env.optimaDb.company.prepare(sql).all(id) as T[];
}

interface Case {
  marketplace: MarketplaceId;
  buyer: 'person' | 'company';
  kind: DocumentKind;
  currency: string;
  paymentType: string;
}

const CASES: Case[] = [
  { marketplace: 'allegro-pl', buyer: 'person', kind: 'RO', currency: 'PLN', paymentType: 'ONLINE' },
  { marketplace: 'allegro-cz', buyer: 'person', kind: 'RO', currency: 'CZK', paymentType: 'ONLINE' },
  { marketplace: 'allegro-sk', buyer: 'person', kind: 'RO', currency: 'EUR', paymentType: 'ONLINE' },
  { marketplace: 'allegro-hu', buyer: 'person', kind: 'RO', currency: 'HUF', paymentType: 'ONLINE' },
  { marketplace: 'allegro-pl', buyer: 'company', kind: 'FS', currency: 'PLN', paymentType: 'CASH_ON_DELIVERY' },
  { marketplace: 'allegro-cz', buyer: 'company', kind: 'FS', currency: 'CZK', paymentType: 'ONLINE' },
  { marketplace: 'allegro-pl', buyer: 'person', kind: 'PA', currency: 'PLN', paymentType: 'ONLINE' },
  { marketplace: 'allegro-sk', buyer: 'person', kind: 'PA', currency: 'EUR', paymentType: 'CASH_ON_DELIVERY' },
];

// Inside a describe: its afterAll stops the worker before the harness closes the connections.
describe('currencies and kinds', () => {
  beforeAll(async () => {
    env = await startEnv();
  });
  afterAll(async () => {
    await env.close();
  });

  describe('one document per marketplace and kind', () => {
    test.each(CASES)(
      '$marketplace $buyer → $kind in $currency ($paymentType)',
      async ({ marketplace, buyer, kind, currency, paymentType }) => {
        const orderId = env.simulator.admin.addOrder({
          marketplace,
          buyer,
          paymentType,
          status: 'READY_FOR_PROCESSING' satisfies FormStatus,
          oneFulfillment: false,
          ...(paymentType === 'ONLINE' ? { deliveryMethodId: COURIER.id } : {}),
        });
        const policy = { ...env.policy, documentKindCompany: kind, documentKindPerson: kind };
        const result = await (await start(orderId, policy)).result();
        expect(result.status).toBe('Imported');

        const form = env.simulator.admin.getOrder(orderId) as WireCheckoutForm;
        const [doc] = documentsOf(env, [orderId]) as unknown as Header[];
        expect(documentsOf(env, [orderId])).toHaveLength(1);
        const total = minor(form.summary.totalToPay.amount);
        expect(form.summary.totalToPay.currency).toBe(currency);

        // Kind, series number, buffer.
        expect(doc).toMatchObject({ TrN_TypDokumentu: CLASS[kind], TrN_Rodzaj: CLASS[kind] * 1000, TrN_Bufor: 1 });
        expect(doc.TrN_NumerPelny).toBe(result.documentNumber);
        expect(doc.TrN_NumerPelny).toMatch(new RegExp(`^${kind}/${doc.TrN_NumerNr}/\\d{4}$`));

        // Lines and VAT rows in the order's currency: Allegro's amounts, VAT from gross per rate.
        const lines = rows<Record<string, unknown>>(
          'SELECT * FROM CDN.TraElem WHERE TrE_TrNId = ? ORDER BY TrE_Lp',
          doc.TrN_TrNID,
        );
        const vat = rows<Record<string, unknown>>(
          'SELECT * FROM CDN.TraVat WHERE TrV_TrNID = ? ORDER BY TrV_Stawka DESC',
          doc.TrN_TrNID,
        );
        expect(minor(doc.TrN_RazemBruttoWal)).toBe(total);
        expect(lines.reduce((s, l) => s + minor(l.TrE_WartoscBruttoWal), 0)).toBe(total);
        for (const [i, item] of form.lineItems.entries()) {
          // A foreign marketplace's line has its country's rate (the line's tax.rate), not the card's 23 %.
          if (COUNTRY_VAT[marketplace]) expect(Number(lines[i].TrE_Stawka)).toBe(COUNTRY_VAT[marketplace]);
          expect(minor(lines[i].TrE_WartoscBruttoWal)).toBe(minor(item.price.amount) * item.quantity);
        }
        for (const row of vat) {
          const gross = lines
            .filter((l) => Number(l.TrE_Stawka) === Number(row.TrV_Stawka))
            .reduce((s, l) => s + minor(l.TrE_WartoscBruttoWal), 0);
          const rate = Number(row.TrV_Stawka);
          expect(minor(row.TrV_NettoWal) + minor(row.TrV_VATWal)).toBe(gross);
          expect(minor(row.TrV_VATWal)).toBe(Math.round((gross * rate) / (100 + rate)));
        }

        // The rate, its table and the PLN totals.
        expect(doc.TrN_Waluta).toBe(currency);
        if (currency === 'PLN') {
          expect([Number(doc.TrN_KursL), Number(doc.TrN_KursM)]).toEqual([1, 1]);
          expect(minor(doc.TrN_RazemBrutto)).toBe(total);
        } else {
          const taxPoint = warsawDay(form.payment!.finishedAt!);
          const nbp = await nbpRate(currency, taxPoint);
          expect(Number(doc.TrN_KursL) / Number(doc.TrN_KursM)).toBeCloseTo(Number(nbp.mid), 10);
          expect(Number(doc.TrN_KursL)).toBe(Number((Number(nbp.mid) * Number(doc.TrN_KursM)).toFixed(4)));
          expect(String(doc.TrN_DataKur).slice(0, 10)).toBe(nbp.effectiveDate);
          // KursL keeps 4 decimals: NBP's forint rate (5–6 decimals) is kept per 10 or 100 forints.
          const decimals = nbp.mid.replace(/0+$/, '').split('.')[1]?.length ?? 0;
          expect(Number(doc.TrN_KursM)).toBe(10 ** Math.max(0, decimals - 4));
          if (currency === 'HUF') expect(Number(doc.TrN_KursM)).toBeGreaterThan(1);
          expect(doc.TrN_Opis).toContain(`tabela ${nbp.no} z dnia ${nbp.effectiveDate}`);
          for (const row of vat) {
            expect(minor(row.TrV_Netto)).toBe(toPln(minor(row.TrV_NettoWal), nbp.mid));
            expect(minor(row.TrV_VAT)).toBe(toPln(minor(row.TrV_VATWal), nbp.mid));
          }
          const vatPln = vat.reduce((s, r) => s + minor(r.TrV_Netto) + minor(r.TrV_VAT), 0);
          expect(minor(doc.TrN_RazemBrutto)).toBe(vatPln);
          expect(lines.reduce((s, l) => s + minor(l.TrE_WartoscBrutto), 0)).toBe(vatPln);
          expect(Math.abs(vatPln - toPln(total, nbp.mid))).toBeLessThanOrEqual(vat.length);
          expect(lines.every((l) => l.TrE_Waluta === currency && l.TrE_KursM === doc.TrN_KursM)).toBe(true);
        }

        // FS and PA fields; OSS for consumers on the foreign marketplaces the demo settings name.
        const docDate = String(doc.TrN_DataDok).slice(0, 10);
        const dueDays = paymentType === 'CASH_ON_DELIVERY' ? policy.dueDays!.cashOnDelivery : 0;
        const due = new Date(Date.parse(`${docDate}T00:00:00Z`) + dueDays * 86_400_000).toISOString().slice(0, 10);
        expect(String(doc.TrN_Termin).slice(0, 10)).toBe(due);
        expect(doc.TrN_Fiskalna).toBe(kind === 'PA' ? 1 : 0);
        expect(doc.TrN_NieWysylajDokumentuDoKSeF).toBe(0);
        expect(doc.TrN_SplitPay).toBe(0);
        expect(doc.TrN_RozliczamPodatekWOSS).toBe(marketplace !== 'allegro-pl' && buyer === 'person' ? 1 : 0);
        expect(doc.TrN_KodKraju).toBe(marketplace.slice(-2).toUpperCase());
      },
    );
  });

  test('an order shipped by Allegro One Fulfillment leaves from the configured warehouse', async () => {
    const warehouse = (symbol: string) =>
      (
        env.optimaDb.company.prepare('SELECT Mag_MagId AS id FROM CDN.Magazyny WHERE Mag_Symbol = ?').get(symbol) as {
          id: number;
        }
      ).id;
    const [byAllegro, bySeller] = [true, false].map((oneFulfillment) =>
      env.simulator.admin.addOrder({ marketplace: 'allegro-pl', paymentType: 'ONLINE', oneFulfillment }),
    );
    for (const id of [byAllegro, bySeller])
      expect((await (await start(id, env.policy)).result()).status).toBe('Imported');
    const [a] = documentsOf(env, [byAllegro]) as unknown as Header[];
    const [b] = documentsOf(env, [bySeller]) as unknown as Header[];
    expect(env.policy.fulfillmentWarehouseSymbol).toBe('ALLEGRO');
    expect(a.TrN_MagZrdId).toBe(warehouse('ALLEGRO'));
    expect(b.TrN_MagZrdId).toBe(warehouse('MAG'));
  });

  /**
   * A tax point of its own (days back), so that no rate the adapter cached for another test
   * answers in NBP's place.
   */
  const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

  describe('an NBP rate not there yet', () => {
    test('the order waits with the reason, then on retry is imported once the rate appears: one document', async () => {
      env.nbp.admin.setMissing('EUR', true);
      const orderId = env.simulator.admin.addOrder({
        marketplace: 'allegro-sk',
        buyer: 'person',
        paymentType: 'ONLINE',
        occurredAt: daysAgo(5),
      });
      const handle = await start(orderId, env.policy);
      const stuck = await progressWhen(handle, (p) => p.status === 'NeedsAttention', 'NeedsAttention');
      expect(stuck.step).toBe('createDocument');
      expect(stuck.reason).toMatch(/^exchange-rate-missing: no NBP table A rate for EUR before the tax point \d{4}-/);
      expect(documentsOf(env, [orderId])).toHaveLength(0);

      env.nbp.admin.setMissing('EUR', false);
      await handle.signal(retrySignal);
      expect(await handle.result()).toMatchObject({ status: 'Imported' });
      const docs = documentsOf(env, [orderId]) as unknown as Header[];
      expect(docs).toHaveLength(1);
      expect(docs[0].TrN_Waluta).toBe('EUR');
    });

    test('NBP down (503): the step retries, no document meanwhile, then exactly one when NBP answers', async () => {
      env.nbp.admin.setDown(true);
      const before = env.nbp.admin.requests();
      const orderId = env.simulator.admin.addOrder({
        marketplace: 'allegro-hu',
        buyer: 'person',
        paymentType: 'ONLINE',
        occurredAt: daysAgo(8),
      });
      const handle = await start(orderId, env.policy);
      // Two refused attempts at least: the retries are Temporal's.
      await progressWhen(handle, () => env.nbp.admin.requests() >= before + 2, 'two refused NBP calls');
      expect(documentsOf(env, [orderId])).toHaveLength(0);
      env.nbp.admin.setDown(false);
      expect(await handle.result()).toMatchObject({ status: 'Imported' });
      expect(documentsOf(env, [orderId])).toHaveLength(1);
    });
  });
});
