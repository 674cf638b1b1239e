/**
 * The stock and price export of one Allegro account (workflow id `offer-sync:<account>`):
 * every N minutes, and at once on `syncOffersNow`, the linked offers' stock and prices go
 * from Optima to Allegro, only what changed, in Allegro's batch commands.
 *
 * Long-running like the poller rather than a Temporal Schedule: ops already know the poller's
 * shape (a status query, signals, next run), one run never overlaps the next, and the held
 * prices and approvals live in this workflow's state across runs. What was sent is kept in
 * Optima's side store, not here, so a restarted or recreated workflow sends nothing twice.
 */
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  uuid4,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import { NON_RETRYABLE_ERROR_TYPES } from '../domain/errors';
import { marketplaceOfField } from '../domain/offer-prices';
import { approvalKey } from '../domain/offer-sync';
import type { OfferSyncActivities } from '../activities/types';
import { allegroTaskQueue } from './definitions';
import {
  approvePricesSignal,
  offerSyncStatusQuery,
  syncOffersNowSignal,
  type OfferSyncInput,
  type OfferSyncState,
  type OfferSyncStatus,
} from './offer-sync-definitions';

const DEFAULT_RUNS_BEFORE_CONTINUE_AS_NEW = 200;
/** Refusals (and unpriced foreign offers) kept in the state for the status (the full record is in AO.OfferExports). */
const REFUSED_CAP = 200;

/** A run's failure is recorded and the next run tries again; a command's retries resume it (same command id). */
const SYNC_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
};

export async function syncOffers(input: OfferSyncInput): Promise<void> {
  const state: OfferSyncState = input.state ?? {
    runs: 0,
    lastRun: null,
    lastError: null,
    nextRunAt: null,
    sent: { quantity: 0, price: 0 },
    notPriced: [],
    refused: [],
    held: [],
    approved: {},
  };
  let wake = true;
  const status = (): OfferSyncStatus => ({
    ...state,
    account: input.account,
    everyMinutes: input.everyMinutes,
    rules: input.rules,
  });
  setHandler(offerSyncStatusQuery, status);
  setHandler(syncOffersNowSignal, () => {
    wake = true;
  });
  setHandler(approvePricesSignal, (which) => {
    const ids = which?.offerIds;
    for (const h of state.held)
      if (!ids || ids.includes(h.offerId)) state.approved[approvalKey(h.offerId, h.marketplace)] = h.to;
    wake = true;
  });

  const activities = proxyActivities<OfferSyncActivities>({
    ...SYNC_ACTIVITY,
    taskQueue: allegroTaskQueue(workflowInfo().taskQueue),
  });
  const maxRuns = input.runsBeforeContinueAsNew ?? DEFAULT_RUNS_BEFORE_CONTINUE_AS_NEW;
  for (let runs = 1; ; runs++) {
    const next = Date.now() + input.everyMinutes * 60_000;
    state.nextRunAt = new Date(next).toISOString();
    await condition(() => wake, Math.max(1, next - Date.now()));
    wake = false;
    await runOnce(input, state, activities);
    if (runs >= maxRuns || workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof syncOffers>({ ...input, state });
    }
  }
}

async function runOnce(input: OfferSyncInput, state: OfferSyncState, activities: OfferSyncActivities): Promise<void> {
  const { account, rules } = input;
  const at = new Date().toISOString();
  try {
    const plan = await activities.planOfferSync({ account, rules, approved: state.approved });
    const run = {
      at,
      linkedOffers: plan.linkedOffers,
      quantityChanges: 0,
      priceChanges: 0,
      refused: 0,
      held: plan.held.length,
      soldOut: plan.soldOut,
      missingOnAllegro: plan.missingOnAllegro,
      notPriced: plan.notPriced.length,
    };
    state.held = plan.held;
    state.notPriced = plan.notPriced.slice(0, REFUSED_CAP);
    for (const batch of plan.batches) {
      const outcome = await activities.sendOfferChanges({ account, ...batch, commandId: uuid4() });
      state.sent[batch.field === 'quantity' ? 'quantity' : 'price'] += batch.offerIds.length;
      if (batch.field === 'quantity') run.quantityChanges += batch.offerIds.length;
      else run.priceChanges += batch.offerIds.length;
      run.refused += outcome.refused.length;
      const when = new Date().toISOString();
      for (const r of outcome.refused)
        state.refused.push({ offerId: r.offerId, field: batch.field, value: batch.value, reason: r.reason, at: when });
      // Approved prices that went out are spent: a later jump needs a new approval.
      const marketplace = marketplaceOfField(batch.field) ?? undefined;
      if (batch.field !== 'quantity')
        for (const id of batch.offerIds) delete state.approved[approvalKey(id, marketplace)];
    }
    state.refused.splice(0, Math.max(0, state.refused.length - REFUSED_CAP));
    state.lastRun = run;
    state.lastError = null;
    state.runs++;
    setCurrentDetails(
      `Last run ${at}: ${run.linkedOffers} linked offers, ${run.quantityChanges} quantity and ` +
        `${run.priceChanges} price changes sent, ${run.refused} refused, ${run.held} prices waiting for approval`,
    );
  } catch (error) {
    state.lastError = messageOf(error);
    log.warn('offer sync run failed', { account, error: state.lastError });
  }
}

function messageOf(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  const text = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return text.slice(0, 500);
}
