/**
 * The stock and price export's activities (issue 13). Both run on the Allegro task queue:
 * they call Allegro, under the shared rate budget. What was sent is recorded in Optima's side
 * store (AO.OfferExports) before the command goes out, so neither a retry nor a restarted
 * workflow sends a change twice: a retry repeats the same command id (Allegro answers 409 and
 * the first command's report is read), a new run finds the value already recorded.
 */
import { heartbeat, sleep } from '@temporalio/activity';
import { taskReason } from '../domain/allegro-write-back';
import { PermanentError, TransientError } from '../domain/errors';
import { formatMinor } from '../domain/money';
import {
  foreignPriceField,
  MARKETPLACE_CURRENCY,
  marketplaceOfField,
  type MarketplacePricing,
} from '../domain/offer-prices';
import { planOfferChanges, type OfferExportRecord, type OfferPlan } from '../domain/offer-sync';
import type { OfferSyncRulesInput } from '../workflows/offer-sync-definitions';
import type { ActivityDeps } from './deps';
import type { OfferBatchOutcome, OfferChangeBatch, OfferSyncActivities, OfferSyncPlan } from './types';

/** Allegro's `offer.id` filter takes up to 100 ids per request (CONTRACT.md §6). */
const LISTING_IDS = 100;
export const OFFER_BATCH_MAX = 1000;
/** How long a command may stay unfinished on Allegro before this attempt gives up (the retry goes on). */
const COMMAND_WAIT_MS = 60_000;

const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

export function createOfferSyncActivities(deps: ActivityDeps): OfferSyncActivities {
  /**
   * The marketplaces priced from Optima, each with the NBP table A rate of the last business day
   * before today (the rate port's rule; today in UTC, never after Warsaw's today).
   * A rate that cannot be had leaves those prices unsent this run, with the reason, while stock
   * and the base price still go: a guessed price is worse than a late one.
   */
  async function foreignPricing(rules: OfferSyncRulesInput): Promise<MarketplacePricing[]> {
    const today = new Date().toISOString().slice(0, 10);
    const pricing: MarketplacePricing[] = [];
    for (const { marketplace, markupPercent } of rules.marketplaces ?? []) {
      const currency = MARKETPLACE_CURRENCY[marketplace];
      const base = { marketplace, currency, markupPercent };
      try {
        pricing.push({ ...base, rate: (await deps.rates.rateBefore(currency, today)).rate });
      } catch (error) {
        pricing.push({ ...base, rate: null, missingRate: error instanceof Error ? error.message : String(error) });
      }
    }
    return pricing;
  }

  /**
   * First sight of offers (or of a marketplace newly priced): what Allegro shows now is the value
   * to compare with, nothing is sent for it. Values already recorded are left as they are.
   */
  async function readAllegroValues(
    account: string,
    offerIds: string[],
    foreign: readonly MarketplacePricing[],
  ): Promise<number> {
    const allegro = deps.allegro(account);
    const known = new Set((await deps.optima.readSentOfferValues(account)).map((v) => `${v.field}:${v.offerId}`));
    const records: OfferExportRecord[] = [];
    for (const ids of chunks(offerIds, LISTING_IDS)) {
      const page = await allegro.listOffers({ offerIds: ids, limit: LISTING_IDS });
      for (const offer of page.offers) {
        const price = offer.sellingMode?.price;
        const available = offer.stock?.available;
        if (typeof available === 'number')
          records.push({ offerId: offer.id, field: 'quantity', value: String(available), state: 'allegro' });
        if (price)
          records.push({ offerId: offer.id, field: 'price', value: formatMinor(price.amount), state: 'allegro' });
        for (const { marketplace } of foreign) {
          const shown = offer.additionalMarketplaces?.[marketplace]?.sellingMode?.price;
          const field = foreignPriceField(marketplace);
          records.push(
            shown
              ? { offerId: offer.id, field, value: formatMinor(shown.amount), state: 'allegro' }
              : { offerId: offer.id, field, value: '', state: 'unlisted' },
          );
        }
      }
      heartbeat();
    }
    await deps.optima.recordSentOfferValues(
      account,
      records.filter((r) => !known.has(`${r.field}:${r.offerId}`)),
    );
    return new Set(records.map((r) => r.offerId)).size;
  }

  return {
    async planOfferSync({ account, rules, approved }): Promise<OfferSyncPlan> {
      const sources = await deps.optima.readOfferSources(account, rules);
      const foreign = await foreignPricing(rules);
      const planNow = async () =>
        planOfferChanges(sources, await deps.optima.readSentOfferValues(account), rules, approved, foreign);
      let plan: OfferPlan = await planNow();
      let missingOnAllegro = 0;
      if (plan.unknown.length > 0) {
        const found = await readAllegroValues(account, plan.unknown, foreign);
        missingOnAllegro = plan.unknown.length - found;
        plan = await planNow();
      }
      return {
        batches: plan.groups.flatMap((g) =>
          chunks(g.offerIds, OFFER_BATCH_MAX).map((offerIds) => ({ field: g.field, value: g.value, offerIds })),
        ),
        held: plan.held,
        linkedOffers: sources.length,
        soldOut: plan.soldOut.length,
        missingOnAllegro,
        notPriced: plan.notPriced,
      };
    },

    async sendOfferChanges(batch: OfferChangeBatch): Promise<OfferBatchOutcome> {
      const { account, field, value, offerIds, commandId } = batch;
      const allegro = deps.allegro(account);
      await deps.optima.recordSentOfferValues(
        account,
        offerIds.map((offerId) => ({ offerId, field, value, state: 'sending', commandId })),
      );
      const marketplace = marketplaceOfField(field);
      const kind = field === 'quantity' ? 'quantity' : 'price';
      const modification =
        field === 'quantity'
          ? { changeType: 'FIXED', value: Number(value) }
          : marketplace
            ? {
                type: 'FIXED_PRICE',
                marketplaceId: marketplace,
                price: { amount: value, currency: MARKETPLACE_CURRENCY[marketplace] },
              }
            : { type: 'FIXED_PRICE', price: { amount: value, currency: 'PLN' } };
      let report;
      try {
        report = await allegro.registerOfferCommand(kind, commandId, modification, offerIds);
      } catch (error) {
        if (!(error instanceof PermanentError)) throw error;
        // Allegro refused the whole command (e.g. 422): every offer in it is refused with that reason.
        const reason = error.message;
        await deps.optima.recordSentOfferValues(
          account,
          offerIds.map((offerId) => ({ offerId, field, value, state: 'refused', reason, commandId })),
        );
        return { sent: 0, refused: offerIds.map((offerId) => ({ offerId, reason })) };
      }
      const deadline = Date.now() + COMMAND_WAIT_MS;
      while (!report.completedAt) {
        if (Date.now() > deadline)
          throw new TransientError(`Allegro has not finished ${kind} command ${commandId} yet`, { system: 'allegro' });
        await sleep(1000);
        heartbeat();
        report = await allegro.offerCommandReport(kind, commandId);
      }
      const tasks = new Map((await allegro.offerCommandTasks(kind, commandId)).map((t) => [t.offer.id, t]));
      const refused: OfferBatchOutcome['refused'] = [];
      const records = offerIds.map((offerId): OfferExportRecord => {
        const task = tasks.get(offerId);
        if (task?.status === 'SUCCESS') return { offerId, field, value, state: 'done', commandId };
        const reason = task ? taskReason(task) : 'Allegro reported no outcome for this offer';
        refused.push({ offerId, reason });
        return { offerId, field, value, state: 'refused', reason, commandId };
      });
      await deps.optima.recordSentOfferValues(account, records);
      return { sent: offerIds.length - refused.length, refused };
    },
  };
}
