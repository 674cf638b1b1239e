/** Offer prices on the foreign marketplaces (domain/offer-prices.ts, domain/offer-sync.ts). */
import {
  convertOfferPrice,
  foreignPriceField,
  marketplaceOfField,
  type MarketplacePricing,
} from '../../domain/offer-prices';
import { approvalKey, planOfferChanges, type OfferSource, type SentValue } from '../../domain/offer-sync';

const rules = { markupPercent: 0, priceGuardPercent: 30 };
const source = (offerId: string, price: number): OfferSource => ({
  offerId,
  stock: 5,
  priceValue: price,
  priceKind: 2,
  vatRate: 23,
});
const record = (offerId: string, field: SentValue['field'], value: string, state: SentValue['state'] = 'done') => ({
  offerId,
  field,
  value,
  state,
});
const known = (offerId: string, czk: string, state: SentValue['state'] = 'done'): SentValue[] => [
  record(offerId, 'quantity', '5'),
  record(offerId, 'price', '29.99'),
  record(offerId, 'price-cz', czk, state),
];
const cz = (rate: string | null, markupPercent = 0): MarketplacePricing => ({
  marketplace: 'allegro-cz',
  currency: 'CZK',
  markupPercent,
  rate,
  ...(rate === null && { missingRate: 'no NBP table A rate for CZK before 2026-11-29' }),
});

test('PLN gross at the rate, with the markup: CZK and HUF in whole units, EUR to the cent', () => {
  // 29.99 × 1.05 / 0.1712 = 183.94 → 184 CZK
  expect(convertOfferPrice(2999, '0.1712', 5, 'CZK')).toBe(18_400);
  expect(convertOfferPrice(2999, '0.1712', 0, 'CZK')).toBe(17_500); // 175.18
  expect(convertOfferPrice(2999, '4.2345', 0, 'EUR')).toBe(708); // 7.0823
  expect(convertOfferPrice(2999, '0.010987', 0, 'HUF')).toBe(273_000); // 2729.58
  expect(convertOfferPrice(10_000, '4', -10, 'EUR')).toBe(2250);
});

test('rounding is half up, once, on the exact value', () => {
  expect(convertOfferPrice(1000, '0.8', 0, 'CZK')).toBe(1300); // 12.5 CZK
  expect(convertOfferPrice(999, '0.8', 0, 'CZK')).toBe(1200); // 12.4875 CZK
  expect(convertOfferPrice(1, '2', 0, 'EUR')).toBe(1); // 0.005 EUR
  expect(convertOfferPrice(10, '0.1712', 0, 'CZK')).toBe(100); // 0.58 CZK
  expect(convertOfferPrice(5, '0.1712', 0, 'CZK')).toBeNull(); // 0.29 CZK: nothing to sell at
});

test("a marketplace's price has its own record field, short enough for AO.OfferExports", () => {
  expect(foreignPriceField('allegro-cz')).toBe('price-cz');
  expect(marketplaceOfField('price-hu')).toBe('allegro-hu');
  expect(marketplaceOfField('price')).toBeNull();
  expect(approvalKey('1', 'allegro-sk')).toBe('1/allegro-sk');
  expect(approvalKey('1')).toBe('1');
});

test('a configured marketplace gets the converted price; the same price again sends nothing', () => {
  const plan = planOfferChanges([source('1', 2999)], known('1', '170.00'), rules, {}, [cz('0.1712', 5)]);
  expect(plan.groups).toEqual([{ field: 'price-cz', value: '184.00', offerIds: ['1'] }]);
  const again = planOfferChanges([source('1', 2999)], known('1', '184.00'), rules, {}, [cz('0.1712', 5)]);
  expect(again.changes).toBe(0);
});

test("no rate: that offer's foreign price is not sent and is listed with a reason naming the marketplace", () => {
  const plan = planOfferChanges([source('1', 3199)], known('1', '170.00'), rules, {}, [cz(null)]);
  expect(plan.groups).toEqual([{ field: 'price', value: '31.99', offerIds: ['1'] }]);
  expect(plan.notPriced).toEqual([
    { offerId: '1', marketplace: 'allegro-cz', reason: expect.stringContaining('allegro-cz') },
  ]);
  expect(plan.notPriced[0].reason).toContain('no NBP table A rate for CZK');
});

test('the price guard holds a converted price too, until approved for that marketplace', () => {
  // 29.99 / 0.1712 = 175 CZK against 100 CZK shown: +75 %
  const held = planOfferChanges([source('1', 2999)], known('1', '100.00'), rules, {}, [cz('0.1712')]);
  expect(held.held).toEqual([
    { offerId: '1', marketplace: 'allegro-cz', from: '100.00', to: '175.00', changePercent: 75 },
  ]);
  expect(held.changes).toBe(0);
  const baseApproval = planOfferChanges([source('1', 2999)], known('1', '100.00'), rules, { '1': '175.00' }, [
    cz('0.1712'),
  ]);
  expect(baseApproval.held).toHaveLength(1);
  const approved = planOfferChanges(
    [source('1', 2999)],
    known('1', '100.00'),
    rules,
    { [approvalKey('1', 'allegro-cz')]: '175.00' },
    [cz('0.1712')],
  );
  expect(approved.groups).toEqual([{ field: 'price-cz', value: '175.00', offerIds: ['1'] }]);
});

test('an offer not yet read for a newly priced marketplace is unknown; one not listed there is left alone', () => {
  const sent = [record('1', 'quantity', '5'), record('1', 'price', '29.99'), ...known('2', '', 'unlisted')];
  const plan = planOfferChanges([source('1', 2999), source('2', 2999)], sent, rules, {}, [cz('0.1712')]);
  expect(plan.unknown).toEqual(['1']);
  expect(plan.changes).toBe(0);
  expect(plan.notPriced).toEqual([]);
});
