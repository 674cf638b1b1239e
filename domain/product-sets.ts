/**
 * Product sets split into their components (import.productSets = split): an offer selling
 * 2×A + 3×B becomes one document line per component, each on its own card, with the set's
 * gross price divided so that the components add up to what the buyer paid, to the grosz.
 *
 * The expansion is a pure rewrite of the order's set lines and their matches, done before the
 * draft: component line ids are `${line.id}/${k}`, while the document keeps the original line
 * ids for its order↔line link (merged payments look the document up by those).
 */
import type { CheckoutForm, CheckoutFormLineItem } from './allegro';
import { buildDocumentDraft, type DraftInput, type DraftResult, type LineMatch } from './draft';
import { OrderRefusal } from './errors';
import { formatMinor } from './money';
import type { OfferDetails, ProductCards } from './products';
import type { Minor, ProductMatchRule, ProductRef } from './types';

/** One product of a set: its Allegro product id and how many pieces one set holds. */
export interface SetComponent {
  productId: string;
  perSet: number;
}

/** A component's card, found by its saved link or its EAN. */
export interface ComponentMatch extends SetComponent {
  product: ProductRef;
  rule: ProductMatchRule;
}

/** A line's match; a set line split into components carries one match per component. */
export interface OrderLineMatch extends LineMatch {
  components?: ComponentMatch[];
}

/** The saved Allegro product→card link key of a set component. */
export function componentLinkKey(account: string, productId: string): string {
  return `product:${account}:${productId}`;
}

/** The products of a set line (`offer.productSet.products`), a missing quantity meaning one. */
export function setComponents(line: CheckoutFormLineItem): SetComponent[] {
  return (line.offer.productSet?.products ?? []).map((p) => ({ productId: p.id, perSet: p.quantity ?? 1 }));
}

/**
 * The card of each component of a set line: the saved product link, else the single card with
 * the product's EAN (then linked for next time). A component without a card refuses the order,
 * naming it: a set is never booked short of a product.
 */
export async function matchSetComponents(
  cards: Pick<ProductCards, 'findProductByLink' | 'findProductsByEan' | 'linkProduct'>,
  line: CheckoutFormLineItem,
  index: number,
  account: string,
  readOffer: () => Promise<OfferDetails | null>,
): Promise<ComponentMatch[]> {
  const matches: ComponentMatch[] = [];
  for (const [k, component] of setComponents(line).entries()) {
    const linkKey = componentLinkKey(account, component.productId);
    const linked = await cards.findProductByLink(linkKey);
    if (linked) {
      matches.push({ ...component, product: linked, rule: 'link' });
      continue;
    }
    const ean = (await readOffer())?.productEans?.[component.productId];
    const found = ean ? await cards.findProductsByEan(ean) : [];
    if (found.length !== 1) {
      const field = `lineItems[${index}].offer.productSet.products[${k}]`;
      const why = !ean
        ? 'has no saved link and Allegro names no EAN for it'
        : `has no saved link and ${found.length === 0 ? 'no card' : `${found.length} cards`} with its EAN ${ean}`;
      throw new OrderRefusal(
        'product-not-found',
        'product-set',
        field,
        `${field}: product ${component.productId} of set offer ${line.offer.id} "${line.offer.name}" ${why}. ` +
          `Link it to its Optima card (link key ${linkKey}) or give one card its EAN, then retry`,
      );
    }
    await cards.linkProduct(linkKey, found[0].id);
    matches.push({ ...component, product: found[0], rule: 'ean' });
  }
  return matches;
}

/** The id of a set line's k-th component line. */
export function componentLineId(lineId: string, k: number): string {
  return `${lineId}/${k}`;
}

/** Past this many pieces per set the search for an exact split is not worth its cost. */
const MAX_PIECES_PER_SET = 100;

/**
 * Unit prices (per piece) for a set's components such that Σ perSet[k] × unit[k] equals the
 * set's price exactly, as even per piece as whole grosze allow: the even share, rounded down,
 * plus the fewest grosze moved between components to absorb the remainder. Null when no split
 * in whole, non-negative grosze exists (e.g. 2×A + 4×B for an odd price).
 */
export function splitSetPrice(setPrice: Minor, perSet: readonly number[]): Minor[] | null {
  const pieces = perSet.reduce((sum, n) => sum + n, 0);
  if (!Number.isSafeInteger(setPrice) || setPrice < 0) return null;
  if (perSet.length === 0 || perSet.some((n) => !Number.isInteger(n) || n < 1)) return null;
  if (pieces > MAX_PIECES_PER_SET) return null;
  const even = Math.floor(setPrice / pieces);
  const remainder = setPrice - even * pieces;
  const adjustments = smallestAdjustment(perSet, remainder, even);
  return adjustments && adjustments.map((d) => even + d);
}

/**
 * Integer steps d[k] with Σ perSet[k] × d[k] = target, each |d[k]| ≤ max(perSet) (Bézout's
 * coefficients fit in that bound) and even + d[k] ≥ 0, moving the fewest grosze Σ perSet[k]×|d[k]|.
 * A dynamic programme over the reachable partial sums; the first best is kept, so it is deterministic.
 */
function smallestAdjustment(perSet: readonly number[], target: number, even: Minor): number[] | null {
  const bound = Math.max(...perSet);
  let reach = new Map<number, { cost: number; steps: number[] }>([[0, { cost: 0, steps: [] }]]);
  for (const n of perSet) {
    const next = new Map<number, { cost: number; steps: number[] }>();
    for (const [sum, state] of reach) {
      for (let d = -Math.min(bound, even); d <= bound; d++) {
        const key = sum + n * d;
        const cost = state.cost + n * Math.abs(d);
        const known = next.get(key);
        if (!known || cost < known.cost) next.set(key, { cost, steps: [...state.steps, d] });
      }
    }
    reach = next;
  }
  return reach.get(target)?.steps ?? null;
}

export type SetExpansion =
  /** `origin[k]`: the index in the order of the expanded order's k-th line. */
  { ok: true; order: CheckoutForm; lines: LineMatch[]; origin: number[] } | { ok: false; refusal: OrderRefusal };

function refuse(i: number, message: string): OrderRefusal {
  const field = `lineItems[${i}].offer.productSet`;
  return new OrderRefusal('product-not-found', 'product-set', field, `${field}: ${message}`);
}

/** The component lines of one set line, or the refusal naming the set. */
function expandLine(item: CheckoutFormLineItem, i: number, components: ComponentMatch[]) {
  const label = `offer ${item.offer.id} "${item.offer.name}"`;
  const rates = [...new Set(components.map((c) => c.product.vatRate))];
  if (rates.length > 1) {
    return refuse(
      i,
      `${label} is a set whose component cards have different VAT rates (${rates.join('%, ')}%); the set's ` +
        'price cannot be split between them without choosing the VAT. Book it on a set card linked to the offer, then retry',
    );
  }
  const units = splitSetPrice(
    item.price.amount,
    components.map((c) => c.perSet),
  );
  if (!units) {
    const pieces = components.map((c) => `${c.perSet}×${c.product.code}`).join(' + ');
    return refuse(
      i,
      `${label} costs ${formatMinor(item.price.amount)} ${item.price.currency} per set (${pieces}); no split into ` +
        'whole grosze per piece gives that price exactly. Book it on a set card linked to the offer, then retry',
    );
  }
  const { productSet: _set, ...offer } = item.offer;
  return components.map((c, k) => ({
    item: {
      ...item,
      id: componentLineId(item.id, k),
      offer: { ...offer, name: c.product.name },
      quantity: item.quantity * c.perSet,
      price: { ...item.price, amount: units[k] },
      // What was paid is split; the list price before discounts means nothing per component.
      originalPrice: { ...item.price, amount: units[k] },
      // The set's additional services are booked once, with its first component.
      selectedAdditionalServices: k === 0 ? item.selectedAdditionalServices : [],
    } satisfies CheckoutFormLineItem,
    match: { lineItemId: componentLineId(item.id, k), product: c.product, rule: c.rule } satisfies LineMatch,
  }));
}

/**
 * The order and matches the draft is built from: each set line matched per component replaced
 * by its component lines (in the set's place), every other line as it is.
 */
export function expandProductSets(order: CheckoutForm, matches: readonly OrderLineMatch[]): SetExpansion {
  const byLine = new Map(matches.map((m) => [m.lineItemId, m]));
  const lineItems: CheckoutFormLineItem[] = [];
  const lines: LineMatch[] = [];
  const origin: number[] = [];
  for (const [i, item] of order.lineItems.entries()) {
    const match = byLine.get(item.id);
    if (!match?.components) {
      lineItems.push(item);
      origin.push(i);
      if (match) lines.push({ lineItemId: match.lineItemId, product: match.product, rule: match.rule });
      continue;
    }
    const parts = expandLine(item, i, match.components);
    if (parts instanceof OrderRefusal) return { ok: false, refusal: parts };
    for (const part of parts) {
      lineItems.push(part.item);
      origin.push(i);
      lines.push(part.match);
    }
  }
  return { ok: true, order: { ...order, lineItems }, lines, origin };
}

/**
 * The document draft of an order whose set lines may be split: built from the expanded order,
 * but linked to the order's own line ids, so a merged payment's form (same line ids) finds it.
 */
export function buildDraftWithSets(
  input: Omit<DraftInput, 'lines'> & { lines: readonly OrderLineMatch[] },
): DraftResult {
  const expanded = expandProductSets(input.order, input.lines);
  if (!expanded.ok) {
    const { reason, code, field, message } = expanded.refusal;
    return { ok: false, reason, code, field, message };
  }
  const result = buildDocumentDraft({ ...input, order: expanded.order, lines: expanded.lines });
  if (!result.ok) {
    // A refusal names the line as the order has it, not its place among the component lines.
    const asOrdered = (text: string) =>
      text.replace(/lineItems\[(\d+)\]/g, (_, k: string) => `lineItems[${expanded.origin[Number(k)] ?? k}]`);
    return { ...result, field: asOrdered(result.field), message: asOrdered(result.message) };
  }
  return { ok: true, draft: { ...result.draft, lineIds: input.order.lineItems.map((l) => l.id) } };
}
