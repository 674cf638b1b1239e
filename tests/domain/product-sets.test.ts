import fc from 'fast-check';
import type { CheckoutForm } from '../../domain/allegro';
import { buildDocumentDraft } from '../../domain/draft';
import {
  buildDraftWithSets,
  componentLineId,
  componentLinkKey,
  expandProductSets,
  matchSetComponents,
  setComponents,
  splitSetPrice,
  type ComponentMatch,
  type OrderLineMatch,
} from '../../domain/product-sets';
import type { ProductRef } from '../../domain/types';
import { changed, contractor, exampleForm, policy, product, reference } from './fixtures';

const IMPORTED_AT = '2025-06-02T08:15:00.000Z';

/** Whether some non-negative whole unit prices give the set price exactly (brute force). */
function splitExists(price: number, perSet: number[]): boolean {
  const search = (k: number, left: number): boolean => {
    if (k === perSet.length - 1) return left % perSet[k] === 0;
    for (let u = 0; u * perSet[k] <= left; u++) if (search(k + 1, left - u * perSet[k])) return true;
    return false;
  };
  return search(0, price);
}

describe('splitSetPrice', () => {
  test('an even price gives every piece the same unit price', () => {
    expect(splitSetPrice(1000, [2, 3])).toEqual([200, 200]);
  });

  test('a remainder moves the fewest grosze: 10.01 for 2×A + 3×B is 1.99 + 2.01', () => {
    expect(splitSetPrice(1001, [2, 3])).toEqual([199, 201]);
  });

  test('a remainder with a single-piece component goes to it', () => {
    expect(splitSetPrice(1002, [1, 2])).toEqual([334, 334]);
    expect(splitSetPrice(1003, [2, 1])).toEqual([334, 335]);
  });

  test('no exact split in whole grosze: null', () => {
    expect(splitSetPrice(1001, [2, 4])).toBeNull(); // an odd price for an even number of pieces
    expect(splitSetPrice(1, [2, 3])).toBeNull(); // one grosz cannot be shared between 5 pieces
  });

  test('refuses what is not a set price or not whole pieces', () => {
    expect(splitSetPrice(-100, [1, 1])).toBeNull();
    expect(splitSetPrice(100, [])).toBeNull();
    expect(splitSetPrice(100, [1, 0])).toBeNull();
    expect(splitSetPrice(100, [1.5, 1])).toBeNull();
  });

  test('property: a split adds up to the set price to the grosz, never negative; null only when none exists', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        (price, perSet) => {
          const units = splitSetPrice(price, perSet);
          if (units === null) {
            // Small prices: compared with a brute-force search.
            if (price < 300) expect(splitExists(price, perSet)).toBe(false);
            // Beyond small prices a split exists whenever the pieces' common divisor divides the price.
            else expect(price % perSet.reduce(gcdOf)).not.toBe(0);
            return;
          }
          expect(units).toHaveLength(perSet.length);
          expect(units.every((u) => Number.isInteger(u) && u >= 0)).toBe(true);
          expect(units.reduce((sum, u, k) => sum + u * perSet[k], 0)).toBe(price);
          // As even as whole grosze allow: no piece far from the even share.
          const even = price / perSet.reduce((a, b) => a + b, 0);
          expect(units.every((u) => Math.abs(u - even) <= Math.max(...perSet) + 1)).toBe(true);
        },
      ),
      { numRuns: 2000, seed: 11 },
    );
  });
});

function gcdOf(a: number, b: number): number {
  return b === 0 ? a : gcdOf(b, a % b);
}

// The docs' sample: one line, a set of 1×A + 2×B for 123.45, with a CARRY_IN service.
const sample = exampleForm('docs-response-sample.json').form;
const setLine = sample.lineItems[0];

function components(vatRates: [number, number] = [23, 23]): ComponentMatch[] {
  return setComponents(setLine).map((c, k) => ({
    ...c,
    product: product(200 + k, { vatRate: vatRates[k] }),
    rule: 'link' as const,
  }));
}

function matches(form: CheckoutForm, vatRates?: [number, number]): OrderLineMatch[] {
  return [{ lineItemId: form.lineItems[0].id, product: null, rule: 'none', components: components(vatRates) }];
}

function draftInput(form: CheckoutForm, lines: OrderLineMatch[]) {
  return {
    account: 'demo-seller',
    order: form,
    lines,
    contractor,
    reference,
    policy: policy(),
    importedAt: IMPORTED_AT,
  };
}

describe('expandProductSets', () => {
  test('the set line becomes one line per component, quantities times the set count, values adding up', () => {
    const form = changed(sample, (f) => {
      f.lineItems[0].quantity = 2;
      f.lineItems[0].price.amount = 12346; // 123.46 per set: not a multiple of 3 pieces
    });
    const expanded = expandProductSets(form, matches(form));
    if (!expanded.ok) throw expanded.refusal;
    const items = expanded.order.lineItems;
    expect(items.map((l) => l.id)).toEqual([componentLineId(setLine.id, 0), componentLineId(setLine.id, 1)]);
    expect(items.map((l) => l.quantity)).toEqual([2, 4]);
    expect(items.every((l) => !l.offer.productSet)).toBe(true);
    expect(items.reduce((sum, l) => sum + l.price.amount * l.quantity, 0)).toBe(12346 * 2);
    expect(expanded.lines.map((m) => m.product?.id)).toEqual([200, 201]);
    // The set's service is booked once.
    expect(items.map((l) => l.selectedAdditionalServices?.length ?? 0)).toEqual([1, 0]);
  });

  test('lines matched as a whole stay as they are', () => {
    const whole: OrderLineMatch[] = [{ lineItemId: setLine.id, product: product(7), rule: 'link' }];
    const expanded = expandProductSets(sample, whole);
    if (!expanded.ok) throw expanded.refusal;
    expect(expanded.order.lineItems).toEqual(sample.lineItems);
    expect(expanded.lines).toEqual(whole);
  });

  test('components with different VAT rates: refused naming the set', () => {
    const expanded = expandProductSets(sample, matches(sample, [23, 8]));
    expect(expanded.ok).toBe(false);
    if (expanded.ok) return;
    expect(expanded.refusal.field).toBe('lineItems[0].offer.productSet');
    expect(expanded.refusal.code).toBe('product-set');
    expect(expanded.refusal.message).toMatch(/23%, 8%/);
  });

  test('no exact split: refused naming the set and its pieces', () => {
    const form = changed(sample, (f) => {
      f.lineItems[0].offer.productSet = {
        products: [
          { id: 'A', quantity: 2 },
          { id: 'B', quantity: 4 },
        ],
      };
      f.lineItems[0].price.amount = 12345;
    });
    const lines = [
      {
        lineItemId: setLine.id,
        product: null,
        rule: 'none' as const,
        components: setComponents(form.lineItems[0]).map((c, k) => ({
          ...c,
          product: product(300 + k),
          rule: 'ean' as const,
        })),
      },
    ];
    const expanded = expandProductSets(form, lines);
    expect(expanded.ok).toBe(false);
    if (!expanded.ok) expect(expanded.refusal.message).toMatch(/2×TWR-300 \+ 4×TWR-301/);
  });
});

describe('buildDraftWithSets', () => {
  test('the split document has the set total, the same VAT rows as the set on one card, and the order line ids', () => {
    const form = changed(sample, (f) => {
      f.lineItems[0].price.amount = 12346;
      f.summary.totalToPay.amount = 12346 + 12345 + 12345; // the set, its service and the delivery
    });
    const result = buildDraftWithSets(draftInput(form, matches(form)));
    if (!result.ok) throw new Error(result.message);
    const whole = buildDocumentDraft(
      draftInput(form, [{ lineItemId: setLine.id, product: product(7, { vatRate: 23 }), rule: 'link' }]),
    );
    if (!whole.ok) throw new Error(whole.message);
    const goods = result.draft.lines.filter((l) => l.productId === 200 || l.productId === 201);
    expect(goods.map((l) => [l.quantity, l.unitGross])).toEqual([
      [1, 4116], // 41.16 + 2 × 41.15 = 123.46
      [2, 4115],
    ]);
    expect(goods.reduce((sum, l) => sum + l.grossValue, 0)).toBe(12346);
    expect(result.draft.grossTotal).toBe(whole.draft.grossTotal);
    expect(result.draft.vat).toEqual(whole.draft.vat);
    expect(result.draft.lineIds).toEqual([setLine.id]);
  });

  test('a refusal of a line after a split set names it by its place in the order', () => {
    const form = changed(sample, (f) => {
      f.lineItems.push({ ...structuredClone(f.lineItems[0]), id: 'plain', offer: { id: '1', name: 'Plain' } });
      f.lineItems[1].quantity = 1.5;
    });
    const lines: OrderLineMatch[] = [...matches(form), { lineItemId: 'plain', product: product(9), rule: 'ean' }];
    const result = buildDraftWithSets(draftInput(form, lines));
    expect(result.ok).toBe(false);
    // Expanded, the plain line is the third (lineItems[2]); in the order it is the second.
    if (!result.ok) expect(result.field).toBe('lineItems[1].quantity');
    if (!result.ok) expect(result.message).toContain('lineItems[1].quantity');
  });

  test('a refusal of the split comes back as the draft refusal', () => {
    const result = buildDraftWithSets(draftInput(sample, matches(sample, [23, 5])));
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect([result.reason, result.code, result.field]).toEqual([
        'product-not-found',
        'product-set',
        'lineItems[0].offer.productSet',
      ]);
  });
});

describe('matchSetComponents', () => {
  const [first, second] = setComponents(setLine);
  const offer = {
    offerId: setLine.offer.id,
    name: setLine.offer.name,
    productEans: { [second.productId]: '5907777000013' },
  };

  function cards(links: Record<string, ProductRef>, byEan: Record<string, ProductRef[]>) {
    const linked: [string, number][] = [];
    return {
      linked,
      findProductByLink: (key: string) => Promise.resolve(links[key] ?? null),
      findProductsByEan: (ean: string) => Promise.resolve(byEan[ean] ?? []),
      linkProduct: (key: string, id: number) => {
        linked.push([key, id]);
        return Promise.resolve();
      },
    };
  }

  test('a saved product link first, else the single card with the product EAN, then linked', async () => {
    const port = cards({ [componentLinkKey('shop', first.productId)]: product(1) }, { '5907777000013': [product(2)] });
    const found = await matchSetComponents(port, setLine, 0, 'shop', () => Promise.resolve(offer));
    expect(found.map((c) => [c.productId, c.perSet, c.product.id, c.rule])).toEqual([
      [first.productId, 1, 1, 'link'],
      [second.productId, 2, 2, 'ean'],
    ]);
    expect(port.linked).toEqual([[componentLinkKey('shop', second.productId), 2]]);
  });

  test('a component with no card, or two cards with its EAN, refuses naming the component', async () => {
    const none = cards({ [componentLinkKey('shop', first.productId)]: product(1) }, {});
    await expect(matchSetComponents(none, setLine, 3, 'shop', () => Promise.resolve(offer))).rejects.toMatchObject({
      code: 'product-set',
      field: 'lineItems[3].offer.productSet.products[1]',
    });
    const two = cards(
      { [componentLinkKey('shop', first.productId)]: product(1) },
      { '5907777000013': [product(2), product(3)] },
    );
    await expect(matchSetComponents(two, setLine, 0, 'shop', () => Promise.resolve(offer))).rejects.toMatchObject({
      field: 'lineItems[0].offer.productSet.products[1]',
      message: expect.stringMatching(/2 cards with its EAN 5907777000013/),
    });
    const noEan = cards({}, {});
    await expect(matchSetComponents(noEan, setLine, 0, 'shop', () => Promise.resolve(offer))).rejects.toMatchObject({
      field: 'lineItems[0].offer.productSet.products[0]',
      message: expect.stringMatching(/Allegro names no EAN/),
    });
    expect(two.linked).toEqual([]);
  });
});
