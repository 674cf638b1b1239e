/**
 * The gateway's reads for the stock and price export (issue 13) on the embedded Optima: stock
 * from the latest dated row per warehouse, over the configured warehouses, minus reservations;
 * the configured price type; only this account's links; and the record of what was sent.
 */
import { SqlOptimaGateway } from '../../activities/optima/gateway';
import { addGoods, openEmbeddedOptima, setStock, type EmbeddedOptima } from '../../dev/embedded-optima';
import { sqliteDriver } from '../../dev/embedded-optima/driver';
import { offerLinkKey } from '../../domain/products';

let optima: EmbeddedOptima;
let gateway: SqlOptimaGateway;

beforeEach(() => {
  optima = openEmbeddedOptima();
  gateway = new SqlOptimaGateway(async () => sqliteDriver(optima, { ownsOptima: true }), { operator: 'ADMIN' });
});
afterEach(() => gateway.close());

test('stock: latest row per warehouse (not a future one), chosen warehouses, reservations taken off; gross price of the type', async () => {
  const [a, b] = addGoods(optima.company, [
    { code: 'EXP-A', name: 'Towar A', priceGross: '49.99', vatRate: 23, stock: 10 },
    { code: 'EXP-B', name: 'Towar B', priceGross: '5.00', vatRate: 8, stock: 3 },
  ]);
  await gateway.linkProduct(offerLinkKey('shop_1', '101'), a);
  await gateway.linkProduct(offerLinkKey('shop_1', '102'), b);
  // Another account whose name the first one's LIKE pattern would match without escaping.
  await gateway.linkProduct(offerLinkKey('shopX1', '900'), a);

  setStock(optima.company, a, { quantity: 25, reserved: 4, at: new Date(Date.now() - 60_000) });
  setStock(optima.company, a, { quantity: 99, at: new Date(Date.now() + 86_400_000) });
  setStock(optima.company, a, { quantity: 7, warehouse: 'ALLEGRO', at: new Date(Date.now() - 60_000) });

  const all = await gateway.readOfferSources('shop_1', { warehouses: [], priceTypeNumber: 4 });
  expect(all).toEqual([
    { offerId: '101', stock: 28, priceValue: 4999, priceKind: 2, vatRate: 23 },
    { offerId: '102', stock: 3, priceValue: 500, priceKind: 2, vatRate: 8 },
  ]);
  const main = await gateway.readOfferSources('shop_1', { warehouses: ['MAG'], priceTypeNumber: 2 });
  expect(main.map((s) => [s.offerId, s.stock, s.priceKind])).toEqual([
    ['101', 21, 1],
    ['102', 3, 1],
  ]);
});

test('what was sent is recorded, updated in place, and read back per account', async () => {
  await gateway.recordSentOfferValues('shop', [
    { offerId: '101', field: 'quantity', value: '5', state: 'allegro' },
    { offerId: '101', field: 'price', value: '10.00', state: 'allegro' },
  ]);
  await gateway.recordSentOfferValues('shop', [
    { offerId: '101', field: 'quantity', value: '6', state: 'refused', reason: 'Oferta zakończona', commandId: 'c-1' },
  ]);
  await gateway.recordSentOfferValues('other', [{ offerId: '101', field: 'quantity', value: '1', state: 'done' }]);
  const sent = await gateway.readSentOfferValues('shop');
  expect(sent.sort((x, y) => x.field.localeCompare(y.field))).toEqual([
    { offerId: '101', field: 'price', value: '10.00', state: 'allegro', reason: null },
    { offerId: '101', field: 'quantity', value: '6', state: 'refused', reason: 'Oferta zakończona' },
  ]);
});
