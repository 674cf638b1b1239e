/**
 * Product sets on the real dev server: a set offer from the simulator (2× mug + 3× candle)
 * imported with import.productSets = split (one line per component, the set's price split
 * exactly), waiting with the default (wait), and waiting when the components' VAT rates differ.
 */
import { DEMO_DELIVERY_METHODS, DEMO_PRODUCT_SETS } from '../../dev/catalogue';
import { parseMinor, vatFromGross } from '../../domain/money';
import { retrySignal, type ImportOrderInput } from '../../workflows/definitions';
import { documentsOf, progressWhen, replayRunsOfThisFile, startEnv, startOrder, type TestEnv } from './env';

const COURIER = DEMO_DELIVERY_METHODS.find((m) => m.name === 'Allegro Kurier DPD')!;
const [GIFT_SET, MIXED_VAT_SET] = DEMO_PRODUCT_SETS;

let env: TestEnv;
beforeEach(async () => {
  env = await startEnv();
});
afterEach(async () => {
  await env.close();
});

const start = (checkoutFormId: string, input: Partial<ImportOrderInput> = {}) => startOrder(env, checkoutFormId, input);

function setOrder(offerId: string, quantity: number): string {
  return env.simulator.admin.addOrder({
    buyer: 'person',
    lines: [{ offerId, quantity }],
    deliveryMethodId: COURIER.id,
    paymentType: 'ONLINE',
    paymentProvider: 'PAYU',
    status: 'READY_FOR_PROCESSING',
  });
}

const minor = (value: number) => Math.round(Number(value) * 100);

function rowsOf<T>(sql: string, documentId: number): T[] {
  return env.optimaDb.company.prepare(sql).all(documentId) as T[];
}

describe('product sets', () => {
  test('split: one line per component on its card, the set value split exactly, one VAT row, linked by the order line', async () => {
    const orderId = setOrder(GIFT_SET.offerId, 2);
    const handle = await start(orderId, { policy: { ...env.policy, productSets: 'split' } });
    expect(await handle.result()).toMatchObject({ status: 'Imported' });

    const form = env.simulator.admin.getOrder(orderId)!;
    const setValue = 2 * parseMinor(form.lineItems[0].price.amount);
    const [document] = documentsOf(env, [orderId]);
    expect(minor(document.TrN_RazemBrutto)).toBe(parseMinor(form.summary.totalToPay.amount));

    const lines = rowsOf<{ TrE_TwrKod: string; TrE_Ilosc: number; TrE_WartoscBrutto: number; TrE_Stawka: number }>(
      'SELECT TrE_TwrKod, TrE_Ilosc, TrE_WartoscBrutto, TrE_Stawka FROM CDN.TraElem WHERE TrE_TrNId = ? ORDER BY TrE_Lp',
      document.TrN_TrNID,
    );
    // 2 sets of (2× KUB-350-KRK + 3× SWI-LAS-200), then the delivery.
    expect(lines.map((l) => [l.TrE_TwrKod, Number(l.TrE_Ilosc), Number(l.TrE_Stawka)])).toEqual([
      ['KUB-350-KRK', 4, 23],
      ['SWI-LAS-200', 6, 23],
      [COURIER.optimaServiceCode, 1, 23],
    ]);
    expect(minor(lines[0].TrE_WartoscBrutto) + minor(lines[1].TrE_WartoscBrutto)).toBe(setValue);
    // Evenly per piece: no piece of the set is a grosz or two off more than the others.
    const unit = (l: (typeof lines)[number]) => minor(l.TrE_WartoscBrutto) / Number(l.TrE_Ilosc);
    expect(Math.abs(unit(lines[0]) - unit(lines[1]))).toBeLessThanOrEqual(3);

    const vat = rowsOf<{ TrV_Stawka: number; TrV_Netto: number; TrV_VAT: number }>(
      'SELECT TrV_Stawka, TrV_Netto, TrV_VAT FROM CDN.TraVat WHERE TrV_TrNID = ?',
      document.TrN_TrNID,
    );
    const gross = parseMinor(form.summary.totalToPay.amount);
    expect(vat.map((v) => [Number(v.TrV_Stawka), minor(v.TrV_VAT), minor(v.TrV_Netto) + minor(v.TrV_VAT)])).toEqual([
      [23, vatFromGross(gross, 23), gross],
    ]);

    // The order's line (not a component's) leads to the document: a merged payment finds it.
    const link = env.optimaDb.company
      .prepare('SELECT DocumentId FROM AO.OrderLines WHERE LineId = ?')
      .get(form.lineItems[0].id) as { DocumentId: number } | undefined;
    expect(link?.DocumentId).toBe(document.TrN_TrNID);
  });

  test('wait (the default): the set waits naming lineItems[0].offer.productSet; split on retry imports it', async () => {
    const orderId = setOrder(GIFT_SET.offerId, 1);
    const handle = await start(orderId);
    const stuck = await progressWhen(handle, (p) => p.status === 'NeedsAttention', 'NeedsAttention');
    expect(stuck.step).toBe('matchProducts');
    expect(stuck.reason).toMatch(/^product-not-found: .*lineItems\[0\]\.offer\.productSet/);
    expect(documentsOf(env, [orderId])).toHaveLength(0);

    await handle.signal(retrySignal, { policy: { ...env.policy, productSets: 'split' } });
    expect(await handle.result()).toMatchObject({ status: 'Imported' });
    expect(documentsOf(env, [orderId])).toHaveLength(1);
  });

  test('split with components at different VAT rates waits naming the set; nothing is written', async () => {
    const orderId = setOrder(MIXED_VAT_SET.offerId, 1);
    const handle = await start(orderId, { policy: { ...env.policy, productSets: 'split' } });
    const stuck = await progressWhen(handle, (p) => p.status === 'NeedsAttention', 'NeedsAttention');
    expect(stuck.step).toBe('createDocument');
    expect(stuck.reason).toMatch(/lineItems\[0\]\.offer\.productSet: .*different VAT rates \(23%, 5%\)/);
    expect(documentsOf(env, [orderId])).toHaveLength(0);
    await handle.terminate('test done');
  });
});

describe('determinism', () => {
  test('every run this file made replays against the current workflow code', async () => {
    const { replayed, failures } = await replayRunsOfThisFile();
    expect(failures).toEqual([]);
    expect(replayed).toBeGreaterThanOrEqual(3);
  });
});
