/**
 * The activities' contract: names, inputs and outputs as the workflows see them. Only types,
 * so workflow code may import this file. Inputs and outputs are written to workflow history:
 * ids and order data, never a token or a password. The import policy is not an input: the
 * activities read the current one (ActivityDeps.policy). An input's optional `policy` is
 * honoured when present: workflows started before, and tests that pin their rules.
 */
import type { CheckoutForm } from '../domain/allegro';
import type { LineMatch } from '../domain/draft';
import type { OrderLineMatch } from '../domain/product-sets';
import type { ContractorRef, DocumentRef, ImportPolicy, ImportStage, Money, OrderRules } from '../domain/types';
import type { FulfilmentRules, FulfilmentStep } from '../domain/fulfilment';
import type { HeldPrice, NotPriced, OfferField } from '../domain/offer-sync';
import type { OrderTiming } from '../workflows/definitions';
import type { OfferSyncRulesInput } from '../workflows/offer-sync-definitions';

export type { LineMatch };

export interface OrderRef {
  account: string;
  checkoutFormId: string;
}

/** A document found before importing: this order's own, or one holding its lines (merged payment). */
export interface ExistingDocument {
  document: DocumentRef;
  /** True when it belongs to another checkout form and was just linked to this one. */
  merged: boolean;
}

export interface ContractorMatch {
  contractor: ContractorRef;
  /** The link key buyer → contractor (saved by the gateway with the match or the creation). */
  linkKey: string;
  rule: 'link' | 'nip' | 'email' | 'created';
}

export interface LinkRecord {
  /** The Allegro order was moved to PROCESSING now (false: not asked, or already past NEW). */
  markedProcessing: boolean;
}

/** Present only in the inputs of workflows that carry their own policy (see the header). */
export interface PinnedPolicy {
  policy?: ImportPolicy;
}

export interface OrderActivities {
  /** The rules the order workflow's control flow needs, from the current settings (a local activity). */
  loadOrderRules(input: { account: string }): Promise<OrderRules>;
  /** Re-reads the checkout form (events are only hints). 404: OrderGoneError. */
  fetchOrder(input: OrderRef): Promise<CheckoutForm>;
  /** This order's document, or (merged payment) another one holding its line ids, then linked. */
  findExistingDocument(input: OrderRef & { lineIds: string[]; totalToPay?: Money }): Promise<ExistingDocument | null>;
  /**
   * `withoutAllegro`: match from Optima alone (offers already linked to a card); a line that
   * needs the offer read from Allegro refuses with AllegroNeededError.
   */
  matchProducts(
    input: { account: string; order: CheckoutForm; withoutAllegro?: boolean } & PinnedPolicy,
  ): Promise<OrderLineMatch[]>;
  matchContractor(input: { account: string; order: CheckoutForm } & PinnedPolicy): Promise<ContractorMatch>;
  /** Builds the draft (pure) and writes it with its order link in one transaction. Idempotent. */
  createDocument(
    input: {
      account: string;
      order: CheckoutForm;
      lines: OrderLineMatch[];
      contractor: ContractorRef;
      /** ISO time of the import (the workflow's clock). */
      importedAt: string;
    } & PinnedPolicy,
  ): Promise<DocumentRef>;
  /** Confirms order → document and buyer → contractor; optionally marks the order PROCESSING. */
  recordLink(
    input: OrderRef & { documentId: number; contractorLinkKey?: string; markProcessing: boolean },
  ): Promise<LinkRecord>;
  /** Buyer cancelled after the document: annotate or cancel it, never delete. Null: no document. */
  cancelDocument(
    input: OrderRef & { mode: ImportPolicy['cancelledAfterDocument']; reason: string },
  ): Promise<DocumentRef | null>;
  /** The order changed on Allegro after its document: a note on it (once). Null: no document. */
  noteOnDocument(input: OrderRef & { note: string }): Promise<DocumentRef | null>;
}

/** An Allegro order event reduced to what the poller needs (history stays small). */
export interface PolledEvent {
  id: string;
  type: string;
  occurredAt: string;
  /** Absent on events without a checkout form: nothing to dispatch. */
  checkoutFormId?: string;
  lineItemIds: string[];
  /**
   * The event failed validation: skipped (not dispatched), counted and logged by the poller;
   * the cursor still moves past it. Without a readable id it carries the id before it.
   */
  rejected?: string;
}

/** A waiting order whose lines a new checkout form took over (merged payment). */
export interface Superseded {
  checkoutFormId: string;
  byCheckoutFormId: string;
}

export interface DispatchInput extends PinnedPolicy {
  account: string;
  orderTiming?: OrderTiming;
  events: PolledEvent[];
  /** Waiting orders replaced by a new checkout form holding their lines (merged payment). */
  superseded: Superseded[];
  /** A part of a page (workflows/page-parts.ts): the forms of the page's other parts, which its pacing waits for too. */
  formsInOtherParts?: number;
}

export interface SweepResult {
  /** Forms changed on Allegro in the window. */
  forms: number;
  /** Imported orders handed to a review (returned, buyer or address changed). */
  reviewed: number;
  /** Imported orders Allegro shows cancelled: cancellations started. */
  cancellations: number;
  /** Orders whose workflow still runs: told to re-read. */
  signalled: number;
}

export interface DispatchResult {
  /** The id of the last event whose order was started or signalled: the next `from`. */
  cursor: string | null;
  /** Order workflows started, or running ones signalled. */
  dispatched: number;
  /** Orders already finished (imported, cancelled, superseded): not started again. */
  alreadyDone: number;
  /** Cancel events for imported orders: cancellation workflows started. */
  cancellationsStarted: number;
}

export interface BackfillInput extends PinnedPolicy {
  account: string;
  orderTiming?: OrderTiming;
  /** ISO date-times, inclusive. */
  from: string;
  to: string;
  /** Absent: the statuses from the current import stage on. */
  statuses?: ImportStage[];
}

export interface PollerActivities {
  /** `/order/event-stats`: the newest event id ("now"); null when the journal is empty. */
  latestEventId(input: { account: string }): Promise<string | null>;
  readOrderEvents(input: { account: string; from: string | null; limit: number }): Promise<PolledEvent[]>;
  /** The exclusive cursor before the first event at or after `date` (null: from the oldest kept). */
  locateEventCursor(input: { account: string; date: string; pageSize: number }): Promise<string | null>;
  /** Starts or signals one order workflow per checkout form, idempotently. */
  dispatchOrderEvents(input: DispatchInput): Promise<DispatchResult>;
  /** Lists checkout forms in date windows and dispatches them the same idempotent way. */
  backfillOrders(input: BackfillInput): Promise<{ forms: number; dispatched: number; alreadyDone: number }>;
  /** Re-reads the forms changed on Allegro in [from, to] (updatedAt) and lets their workflows act. */
  sweepChangedOrders(
    input: PinnedPolicy & { account: string; orderTiming?: OrderTiming; from: string; to: string },
  ): Promise<SweepResult>;
  /** Orders of the account waiting for a stage, a licence or a person (visibility count). */
  countWaitingOrders(input: { account: string }): Promise<number>;
}

/** One command's worth of changes: the same value for up to 1000 offers. */
export interface OfferChangeBatch {
  account: string;
  field: OfferField;
  value: string;
  offerIds: string[];
  /** Ours, made by the workflow: a repeat after a lost answer finds the command Allegro registered. */
  commandId: string;
}

export interface OfferSyncPlan {
  batches: Omit<OfferChangeBatch, 'account' | 'commandId'>[];
  held: HeldPrice[];
  linkedOffers: number;
  soldOut: number;
  missingOnAllegro: number;
  /** Foreign prices not sent this run, with why (no exchange rate for the marketplace's currency). */
  notPriced: NotPriced[];
}

export interface OfferBatchOutcome {
  sent: number;
  refused: { offerId: string; reason: string }[];
}

export interface OfferSyncActivities {
  /** Optima's values against what was last sent (Allegro's own values for offers seen first). */
  planOfferSync(input: {
    account: string;
    rules: OfferSyncRulesInput;
    approved: Record<string, string>;
  }): Promise<OfferSyncPlan>;
  /** Records the values as sent, sends the command, waits for its tasks, records each offer's outcome. */
  sendOfferChanges(input: OfferChangeBatch): Promise<OfferBatchOutcome>;
}

export interface FulfilmentActivities {
  /** Orders whose Optima documents changed after `since`, the steps they ask for, and the next scan's `since`. */
  scanFulfilment(input: {
    account: string;
    since: string;
    rules: FulfilmentRules;
  }): Promise<{ steps: FulfilmentStep[]; since: string }>;
  /** Sets the status when it is a step forward from Allegro's current one, with the form's revision. */
  setOrderFulfilment(input: { account: string; orderId: string; status: string }): Promise<{
    from: string;
    changed: boolean;
  }>;
  /** Adds the tracking number unless the order already lists it. */
  addTrackingNumber(input: {
    account: string;
    orderId: string;
    waybill: string;
    carrierId: string;
  }): Promise<{ added: boolean }>;
}
