/**
 * The stock and price export's public surface (issue 13): workflow id, input, signals and
 * the status query, shared by the workflow, the CLI, the demo and the tests.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ForeignMarketplace } from '../domain/offer-prices';
import type { HeldPrice, NotPriced, OfferField } from '../domain/offer-sync';

/** One export per Allegro account. */
export function offerSyncWorkflowId(account: string): string {
  return `offer-sync:${account}`;
}

/** settings.offerSync, as the export runs with it. */
export interface OfferSyncRulesInput {
  warehouses: string[];
  priceTypeNumber: number;
  markupPercent: number;
  priceGuardPercent: number;
  /** Foreign marketplaces priced from Optima (PLN at the NBP rate, with their markup); absent: none. */
  marketplaces?: { marketplace: ForeignMarketplace; markupPercent: number }[];
}

export interface OfferSyncInput {
  account: string;
  rules: OfferSyncRulesInput;
  everyMinutes: number;
  /** Continue-as-new after this many runs even if Temporal does not suggest it. Default 200. */
  runsBeforeContinueAsNew?: number;
  /** Kept across continue-as-new. */
  state?: OfferSyncState;
}

/** An offer Allegro refused to change, with Allegro's reason; not sent again until Optima's value changes. */
export interface RefusedOffer {
  offerId: string;
  field: OfferField;
  value: string;
  reason: string;
  at: string;
}

export interface OfferSyncRun {
  at: string;
  linkedOffers: number;
  quantityChanges: number;
  priceChanges: number;
  refused: number;
  held: number;
  soldOut: number;
  /** Linked offers Allegro does not list (ended or another seller's): nothing is sent to them. */
  missingOnAllegro: number;
  /** Foreign prices not sent (no exchange rate): listed in the state's `notPriced`. */
  notPriced: number;
}

export interface OfferSyncState {
  runs: number;
  lastRun: OfferSyncRun | null;
  lastError: string | null;
  nextRunAt: string | null;
  /** Changes sent since the start: quantities, and prices on every marketplace (successful or not). */
  sent: { quantity: number; price: number };
  /** The last run's foreign prices not sent, each with the marketplace and why (capped). */
  notPriced: NotPriced[];
  /** The latest refusals, newest last (capped). */
  refused: RefusedOffer[];
  /** Price changes over the guard, waiting for `approvePrices`. */
  held: HeldPrice[];
  /** Prices a person approved (approvalKey: offer id, or offer id/marketplace → price), used by the next run. */
  approved: Record<string, string>;
}

export type OfferSyncStatus = OfferSyncState & { account: string; everyMinutes: number; rules: OfferSyncRulesInput };

export const syncOffersNowSignal = defineSignal('syncOffersNow');
/** Approve held prices: the listed offers, or all held ones when `offerIds` is absent. */
export const approvePricesSignal = defineSignal<[{ offerIds?: string[] }?]>('approvePrices');
export const offerSyncStatusQuery = defineQuery<OfferSyncStatus>('offerSyncStatus');
