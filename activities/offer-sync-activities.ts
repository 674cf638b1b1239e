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
import { planOfferChanges, type OfferExportRecord, type OfferPlan } from '../domain/offer-sync';
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
  /** First sight of offers: what Allegro shows now is the value to compare with (nothing is sent for it). */
  async function readAllegroValues(account: string, offerIds: string[]): Promise<number> {
    const allegro = deps.allegro(account);
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
      }
      heartbeat();
    }
    await deps.optima.recordSentOfferValues(account, records);
    return new Set(records.map((r) => r.offerId)).size;
  }

  return {
    async planOfferSync({ account, rules, approved }): Promise<OfferSyncPlan> {
      const sources = await deps.optima.readOfferSources(account, rules);
      let plan: OfferPlan = planOfferChanges(sources, await deps.optima.readSentOfferValues(account), rules, approved);
      let missingOnAllegro = 0;
      if (plan.unknown.length > 0) {
        const found = await readAllegroValues(account, plan.unknown);
        missingOnAllegro = plan.unknown.length - found;
        plan = planOfferChanges(sources, await deps.optima.readSentOfferValues(account), rules, approved);
      }
      return {
        batches: plan.groups.flatMap((g) =>
          chunks(g.offerIds, OFFER_BATCH_MAX).map((offerIds) => ({ field: g.field, value: g.value, offerIds })),
        ),
        held: plan.held,
        linkedOffers: sources.length,
        soldOut: plan.soldOut.length,
        missingOnAllegro,
      };
    },

    async sendOfferChanges(batch: OfferChangeBatch): Promise<OfferBatchOutcome> {
      const { account, field, value, offerIds, commandId } = batch;
      const allegro = deps.allegro(account);
      await deps.optima.recordSentOfferValues(
        account,
        offerIds.map((offerId) => ({ offerId, field, value, state: 'sending', commandId })),
      );
      const modification =
        field === 'quantity'
          ? { changeType: 'FIXED', value: Number(value) }
          : { type: 'FIXED_PRICE', price: { amount: value, currency: 'PLN' } };
      let report;
      try {
        report = await allegro.registerOfferCommand(field, commandId, modification, offerIds);
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
          throw new TransientError(`Allegro has not finished ${field} command ${commandId} yet`, { system: 'allegro' });
        await sleep(1000);
        heartbeat();
        report = await allegro.offerCommandReport(field, commandId);
      }
      const tasks = new Map((await allegro.offerCommandTasks(field, commandId)).map((t) => [t.offer.id, t]));
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
