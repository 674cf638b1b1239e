/**
 * import-offers: the seller's Allegro offers become Optima product cards, and their stock
 * one draft goods receipt in the buffer (never written into Optima's stock tables).
 */
import { toImportPolicy } from '../../config/settings';
import { dateInZone, DEFAULT_TIME_ZONE } from '../../domain/draft';
import { vatFromGross } from '../../domain/money';
import { findWarehouse } from '../../domain/mappings';
import {
  matchOfferProduct,
  offerLinkKey,
  PRODUCT_CODE_MAX,
  PRODUCT_NAME_MAX,
  type OfferDetails,
} from '../../domain/products';
import type { ImportPolicy, OptimaGateway, ProductRef, StockReceiptDraft } from '../../domain/types';
import type { ProductOffer } from '../../activities/allegro/client';
import { EXIT, flag, positiveIntOption, type CommandSpec } from '../command';
import { createProgress } from '../progress';

type Outcome = 'created' | 'linked' | 'matched';

interface CardResult {
  offer: ProductOffer;
  product: ProductRef;
  outcome: Outcome;
  /** How an existing card was found (for `matched`). */
  rule?: string;
}

/**
 * The card of one offer: found the way orders find them (import.productMatchOrder, the
 * saved link only where it is listed; a card found otherwise is then linked), else a new
 * card with the offer id as its code.
 */
async function cardFor(
  gateway: OptimaGateway,
  account: string,
  offer: ProductOffer,
  policy: ImportPolicy,
): Promise<CardResult> {
  const details: OfferDetails = {
    offerId: offer.id,
    name: offer.name,
    ...(offer.ean ? { ean: offer.ean } : {}),
    ...(offer.externalId ? { externalId: offer.externalId } : {}),
  };
  const found = await matchOfferProduct(gateway, details, account, policy);
  if (found?.rule === 'link') return { offer, product: found.product, outcome: 'linked' };
  if (found) return { offer, product: found.product, outcome: 'matched', rule: found.rule };
  const product = await gateway.createProduct({
    linkKey: offerLinkKey(account, offer.id),
    code: offer.id.slice(0, PRODUCT_CODE_MAX),
    name: offer.name.trim().slice(0, PRODUCT_NAME_MAX),
    ...(offer.ean ? { ean: offer.ean } : {}),
    unit: policy.newProduct.unit,
    vatRate: policy.newProduct.vatRate,
    // Optima's price types are in the home currency.
    ...(offer.price?.currency === 'PLN' ? { grossPrice: offer.price.amount } : {}),
    priceTypeNumber: policy.newProduct.priceTypeNumber,
    isService: false,
  });
  return { offer, product, outcome: 'created' };
}

export const importOffers: CommandSpec = {
  name: 'import-offers',
  summary: "make the seller's offers Optima product cards and receive their stock as one draft document",
  usage: '[--limit N] [--without-stock]',
  description: [
    "Reads the account's offers (with each offer's EAN, signature, stock and price). Each offer's card is found the way orders " +
      'find products, in import.productMatchOrder (the saved link offer:<account>:<offerId> only where listed, EAN, signature, ' +
      "offer id as code, name; one hit only); a card found other than by its link is then linked; else a new card: the offer's name, EAN and " +
      'gross price (price type import.newProduct.priceTypeNumber, when in PLN), the offer id as its code, VAT rate and unit from import.newProduct. ' +
      'Running it again creates nothing twice.',
    "The stock of the offers on the integrator's cards (created now or linked before; not cards found by matching, whose stock " +
      'Optima already keeps) becomes ONE goods receipt, a draft in the buffer, valued at the net selling price: check it and ' +
      'the purchase prices in Optima before confirming it. Nothing is written into the stock tables. The receipt is keyed by ' +
      'account and day: a repeat the same day finds it; a run on another day writes another draft (use --without-stock then).',
    'On a terminal a progress bar shows the offers done; otherwise one line per offer.',
  ],
  options: {
    limit: { type: 'string', valueName: 'N', description: 'only the first N offers' },
    'without-stock': { type: 'boolean', description: 'only the product cards, no stock receipt' },
  },
  exitCodes: {
    0: 'every offer has its card (and the receipt exists)',
    3: 'some offers failed (listed); the others were imported',
  },
  async run(ctx, input) {
    const limit = positiveIntOption(input, 'limit');
    const settings = ctx.settings();
    const policy = toImportPolicy(settings);
    const account = ctx.account();
    const allegro = ctx.allegro();
    const gateway = ctx.optima();

    const offerIds: string[] = [];
    for await (const offer of allegro.iterateOffers({ limit: Math.min(limit ?? 100, 100) })) {
      offerIds.push(offer.id);
      if (limit !== undefined && offerIds.length >= limit) break;
    }
    ctx.out(`Importing ${offerIds.length} offer(s) of account "${account}" into Optima.`);

    const progress = createProgress(ctx.io.stdout, offerIds.length, 'offers');
    const results: CardResult[] = [];
    const failures: string[] = [];
    for (const id of offerIds) {
      try {
        const result = await cardFor(gateway, account, await allegro.getProductOffer(id), policy);
        results.push(result);
        const how =
          result.outcome === 'matched'
            ? `matched by ${result.rule}, linked`
            : result.outcome === 'linked'
              ? 'already linked'
              : 'created';
        progress.tick(`${id} → ${result.product.code} (${how})`);
      } catch (error) {
        failures.push(id);
        progress.log(`✗ offer ${id}: ${(error as Error).message}`);
        progress.tick(`${id} failed`);
      }
    }
    const count = (outcome: Outcome) => results.filter((r) => r.outcome === outcome).length;
    progress.done(
      `Cards: ${count('created')} created, ${count('matched')} existing linked, ${count('linked')} already linked, ${failures.length} failed.`,
    );

    if (!flag(input, 'without-stock')) {
      const lines = results
        .filter((r) => r.outcome !== 'matched' && (r.offer.stock ?? 0) > 0)
        .map((r) => {
          const gross = r.offer.price?.currency === 'PLN' ? r.offer.price.amount : 0;
          return {
            productId: r.product.id,
            quantity: r.offer.stock ?? 0,
            unitNet: gross - vatFromGross(gross, r.product.vatRate),
          };
        });
      if (lines.length === 0) {
        ctx.out('No stock to receive (no offer with stock on a card of the integrator).');
      } else {
        const reference = await gateway.readReferenceData();
        const warehouse = policy.warehouseSymbol
          ? findWarehouse(reference.warehouses, policy.warehouseSymbol)
          : undefined;
        if (policy.warehouseSymbol && !warehouse)
          throw new Error(`import.warehouseSymbol "${policy.warehouseSymbol}" is not a warehouse in Optima`);
        const today = dateInZone(new Date().toISOString(), DEFAULT_TIME_ZONE) ?? new Date().toISOString().slice(0, 10);
        const draft: StockReceiptDraft = {
          key: `offers:${account}:${today}`,
          documentDate: today,
          warehouseId: warehouse?.id ?? null,
          lines,
        };
        const receipt = await gateway.createStockReceipt(draft);
        const units = lines.reduce((sum, l) => sum + l.quantity, 0);
        ctx.out(
          receipt.existed
            ? `Stock receipt ${receipt.number} already exists for today (${draft.key}): nothing written.`
            : `Stock receipt ${receipt.number}: ${lines.length} line(s), ${units} unit(s), a draft in the buffer; confirm it in Optima.`,
        );
      }
    }
    return failures.length === 0 ? EXIT.ok : EXIT.attention;
  },
};
