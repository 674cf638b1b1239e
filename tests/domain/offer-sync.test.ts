/** The stock and price export's rules (domain/offer-sync.ts). */
import {
  offerPrice,
  planOfferChanges,
  quantityForSale,
  stockForSale,
  type OfferSource,
  type SentValue,
} from '../../domain/offer-sync';

const rules = { markupPercent: 0, priceGuardPercent: 30 };
const source = (offerId: string, stock: number, price: number, extra: Partial<OfferSource> = {}): OfferSource => ({
  offerId,
  stock,
  priceValue: price,
  priceKind: 2,
  vatRate: 23,
  ...extra,
});
const sent = (offerId: string, quantity: string, price: string, state: SentValue['state'] = 'done'): SentValue[] => [
  { offerId, field: 'quantity', value: quantity, state },
  { offerId, field: 'price', value: price, state },
];

test('stock for sale: chosen warehouses minus reservations, whole units, never negative', () => {
  const levels = [
    { warehouse: 'MAG', quantity: 10.5, reserved: 2 },
    { warehouse: 'ALLEGRO', quantity: 3, reserved: 0 },
  ];
  expect(stockForSale(levels, [])).toBe(11.5);
  expect(stockForSale(levels, ['ALLEGRO'])).toBe(3);
  expect(quantityForSale(11.5)).toBe(11);
  expect(quantityForSale(-4)).toBe(0);
});

test('price: gross as is, net plus VAT, markup, all to the grosz', () => {
  expect(offerPrice(source('1', 0, 2999), 0)).toBe(2999);
  expect(offerPrice(source('1', 0, 1000, { priceKind: 1 }), 0)).toBe(1230);
  expect(offerPrice(source('1', 0, 1000, { priceKind: 1, vatRate: 5.5 }), 0)).toBe(1055);
  expect(offerPrice(source('1', 0, 2999), 10)).toBe(3299);
  expect(offerPrice(source('1', 0, 0, { priceValue: null }), 0)).toBeNull();
});

test('only what changed is sent, grouped by the value set; refused values are not sent again', () => {
  const plan = planOfferChanges(
    [source('1', 5, 1000), source('2', 7, 1000), source('3', 7, 1000), source('4', 9, 1000), source('5', 1, 1000)],
    [
      ...sent('1', '5', '10.00'),
      ...sent('2', '6', '10.00'),
      ...sent('3', '6', '10.00'),
      ...sent('4', '9', '10.00', 'refused'),
    ],
    rules,
  );
  expect(plan.groups).toEqual([{ field: 'quantity', value: '7', offerIds: ['2', '3'] }]);
  expect(plan.changes).toBe(2);
  expect(plan.unknown).toEqual(['5']);
});

test('nothing for sale is not sent (Allegro takes no quantity below 1); a card without the price type keeps the price', () => {
  const plan = planOfferChanges([source('1', 0.4, 1000, { priceValue: null })], sent('1', '3', '10.00'), rules);
  expect(plan.soldOut).toEqual(['1']);
  expect(plan.withoutPrice).toEqual(['1']);
  expect(plan.changes).toBe(0);
});

test('a price jump over the guard waits for a person; that price, once approved, goes', () => {
  const sources = [source('1', 5, 1500), source('2', 5, 1100)];
  const last = [...sent('1', '5', '10.00'), ...sent('2', '5', '10.00')];
  const held = planOfferChanges(sources, last, rules);
  expect(held.held).toEqual([{ offerId: '1', from: '10.00', to: '15.00', changePercent: 50 }]);
  expect(held.groups).toEqual([{ field: 'price', value: '11.00', offerIds: ['2'] }]);
  const approved = planOfferChanges(sources, last, rules, { '1': '15.00' });
  expect(approved.held).toEqual([]);
  expect(approved.groups.map((g) => g.value)).toEqual(['15.00', '11.00']);
  expect(planOfferChanges(sources, last, rules, { '1': '14.00' }).held).toHaveLength(1);
});
