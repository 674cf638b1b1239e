import {
  matchLineProduct,
  matchOfferProduct,
  newProductDraft,
  offerLinkKey,
  parseVatRate,
  PRODUCT_CODE_MAX,
  productLookups,
  type OfferDetails,
  type ProductCards,
} from '../../domain/products';
import type { ProductRef } from '../../domain/types';
import { changed, exampleForm, policy } from './fixtures';

const form = exampleForm('docs-response-sample.json').form; // has external.id and tax
// The sample's line is a product set (1×A + 2×B); most tests here need a single product.
const setLine = form.lineItems[0];
const line = { ...setLine, offer: { ...setLine.offer, productSet: null } };
const offer: OfferDetails = {
  offerId: line.offer.id,
  name: 'Current offer title',
  ean: '5901234123457',
  externalId: 'AH-129834',
  price: { amount: 13000, currency: 'PLN' },
  stock: 4,
};

describe('productLookups', () => {
  test('follows the configured order with the right value for each step', () => {
    expect(productLookups(line, offer, 'shop', policy())).toEqual([
      { step: 'link', value: 'offer:shop:3213213' },
      { step: 'ean', value: '5901234123457' },
      { step: 'externalId', value: 'AH-129834' },
      { step: 'offerId', value: '3213213' },
      { step: 'name', value: 'Name of purchased offer' },
      { step: 'name', value: 'Current offer title' },
    ]);
  });

  test('another order, and steps left out of the settings are not tried', () => {
    const steps = productLookups(line, offer, 'shop', policy({ productMatchOrder: ['name', 'ean'] })).map(
      (l) => l.step,
    );
    expect(steps).toEqual(['name', 'name', 'ean']);
  });

  test('steps without a value are skipped; an unchanged title is tried once', () => {
    const bare = changed(form, (f) => (f.lineItems[0].offer.external = null)).lineItems[0];
    const lookups = productLookups(bare, { offerId: bare.offer.id, name: bare.offer.name }, 'shop', policy());
    expect(lookups.map((l) => l.step)).toEqual(['link', 'offerId', 'name']);
    expect(productLookups(bare, null, 'shop', policy()).map((l) => l.step)).toEqual(['link', 'offerId', 'name']);
  });

  test('the link key is per account and offer', () => {
    expect(offerLinkKey('a', '1')).not.toBe(offerLinkKey('b', '1'));
    expect(productLookups(line, null, 'b', policy())[0].value).toBe(offerLinkKey('b', line.offer.id));
  });
});

describe('newProductDraft', () => {
  test('code from external.id, the offer title, the line VAT rate, the PLN price, the settings', () => {
    const draft = newProductDraft(
      line,
      offer,
      'shop',
      policy({ newProduct: { vatRate: 8, unit: 'kpl', priceTypeNumber: 3 } }),
    );
    expect(draft).toEqual({
      linkKey: 'offer:shop:3213213',
      code: 'AH-129834',
      name: 'Name of purchased offer',
      ean: '5901234123457',
      unit: 'kpl',
      vatRate: 23,
      grossPrice: 13000,
      priceTypeNumber: 3,
      isService: false,
    });
  });

  test('no signature: the offer id is the code; no tax rate: the default VAT', () => {
    const bare = changed(form, (f) => {
      f.lineItems[0].offer.external = null;
      f.lineItems[0].tax = null;
    }).lineItems[0];
    const draft = newProductDraft(bare, null, 'shop', policy());
    expect(draft.code).toBe(bare.offer.id);
    expect(draft.vatRate).toBe(policy().newProduct.vatRate);
    expect(draft.grossPrice).toBe(bare.originalPrice.amount); // no offer: the price before discounts
  });

  test('a long signature is cut to Twr_Kod length', () => {
    const long = changed(form, (f) => (f.lineItems[0].offer.external = { id: 'X'.repeat(100) })).lineItems[0];
    expect(newProductDraft(long, null, 'shop', policy()).code).toHaveLength(PRODUCT_CODE_MAX);
  });

  test('no price from another currency (Optima prices are in PLN)', () => {
    const czk = changed(form, (f) => (f.lineItems[0].originalPrice.currency = 'CZK')).lineItems[0];
    expect(newProductDraft(czk, { offerId: czk.offer.id, name: 'x' }, 'shop', policy()).grossPrice).toBeUndefined();
  });
});

test('parseVatRate reads Allegro decimal strings and refuses nonsense', () => {
  expect(parseVatRate('23.00')).toBe(23);
  expect(parseVatRate('5.5')).toBe(5.5);
  expect(parseVatRate(null)).toBeNull();
  expect(parseVatRate('')).toBeNull();
  expect(parseVatRate('zw')).toBeNull();
});

/** Optima with one card per lookup value given, two for `twice`, and the links saved. */
function fakeCards(found: { link?: string; ean?: string; code?: string; name?: string; twice?: string }) {
  const card = (id: number): ProductRef => ({
    id,
    code: `C${id}`,
    name: `card ${id}`,
    unit: 'szt',
    vatRate: 23,
    isService: false,
  });
  const hits = (value: string, own: string | undefined, id: number) =>
    value === found.twice ? [card(id), card(id + 100)] : value === own ? [card(id)] : [];
  const links: [string, number][] = [];
  const asked: string[] = [];
  const cards: ProductCards = {
    findProductByLink: (key) => (asked.push('link'), Promise.resolve(key === found.link ? card(1) : null)),
    findProductsByEan: (ean) => (asked.push('ean'), Promise.resolve(hits(ean, found.ean, 2))),
    findProductByCode: (code) => (asked.push('code'), Promise.resolve(code === found.code ? card(3) : null)),
    findProductsByName: (name) => (asked.push('name'), Promise.resolve(hits(name, found.name, 4))),
    linkProduct: (key, id) => (links.push([key, id]), Promise.resolve()),
  };
  return { cards, links, asked };
}

describe('matchLineProduct', () => {
  const key = offerLinkKey('shop', line.offer.id);

  test('the saved link first costs no offer read and saves no new link', async () => {
    const { cards, links } = fakeCards({ link: key, ean: offer.ean });
    const readOffer = jest.fn(() => Promise.resolve(offer));
    const match = await matchLineProduct(cards, line, 'shop', policy(), readOffer);
    expect(match).toMatchObject({ rule: 'link', product: { id: 1 } });
    expect(readOffer).not.toHaveBeenCalled();
    expect(links).toEqual([]);
  });

  test('the link is tried where the order puts it, and not at all when left out', async () => {
    const { cards } = fakeCards({ link: key, ean: offer.ean });
    const order = (productMatchOrder: ('link' | 'ean' | 'name')[]) =>
      matchLineProduct(cards, line, 'shop', policy({ productMatchOrder }), () => Promise.resolve(offer));
    expect((await order(['ean', 'link']))?.rule).toBe('ean');
    expect((await order(['name', 'link']))?.rule).toBe('link');
    expect(await order(['name'])).toBeNull();
  });

  test('several cards with one EAN are no match; the next rule finds one, and it is linked', async () => {
    const { cards, links, asked } = fakeCards({ twice: offer.ean, code: 'AH-129834' });
    const match = await matchLineProduct(cards, line, 'shop', policy(), () => Promise.resolve(offer));
    expect(match).toMatchObject({ rule: 'externalId', product: { id: 3 } });
    expect(asked).toEqual(['link', 'ean', 'code']);
    expect(links).toEqual([[key, 3]]);
  });

  test("a product set's card is never looked up by EAN: the first product's EAN would name the whole set", async () => {
    const { cards, asked } = fakeCards({ ean: offer.ean, code: 'AH-129834' });
    const single = await matchLineProduct(cards, line, 'shop', policy(), () => Promise.resolve(offer));
    expect(single?.rule).toBe('ean');
    asked.length = 0;
    const set = await matchLineProduct(cards, setLine, 'shop', policy(), () => Promise.resolve(offer));
    expect(set).toMatchObject({ rule: 'externalId', product: { id: 3 } });
    expect(asked).not.toContain('ean');
  });
});

test("matchOfferProduct: the same order with the offer's values, no link when not listed", async () => {
  const { cards, asked } = fakeCards({ link: offerLinkKey('shop', offer.offerId), name: 'Current offer title' });
  const linked = await matchOfferProduct(cards, offer, 'shop', policy());
  expect(linked?.rule).toBe('link');
  const unlisted = await matchOfferProduct(cards, offer, 'shop', policy({ productMatchOrder: ['ean', 'name'] }));
  expect(unlisted).toMatchObject({ rule: 'name', product: { id: 4 } });
  expect(asked).toEqual(['link', 'ean', 'name']);
});
