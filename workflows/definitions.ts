/**
 * The workflows' public surface: ids, inputs, signals, queries and updates. Shared by the
 * workflows, the poller's activities, the worker, the CLI, the demo and the tests.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { OrderFacts } from '../domain/order-facts';
import type { ImportPolicy, OrderRules, OrderStatus } from '../domain/types';

export const TASK_QUEUE = 'allegro-optima';

/**
 * The activities that call Allegro run on their own task queue, next to the workflows' one:
 * its rate limit (maxTaskQueueActivitiesPerSecond) is enforced by the server across all
 * workers, as Allegro's limit is per client id across all of them.
 */
export function allegroTaskQueue(taskQueue: string): string {
  return `${taskQueue}.allegro`;
}

const POLLER_QUEUE_SUFFIX = '.poller';

/**
 * The pollers' own task queue: their workflow tasks and activities (event reads, dispatch) do
 * not wait behind thousands of order tasks during a backlog, nor behind the orders' replays
 * after a worker restart, so new orders are discovered within seconds.
 */
export function pollerTaskQueue(taskQueue: string): string {
  return `${taskQueue}${POLLER_QUEUE_SUFFIX}`;
}

export function isPollerTaskQueue(taskQueue: string): boolean {
  return taskQueue.endsWith(POLLER_QUEUE_SUFFIX);
}

/**
 * The queue of the dispatch parts of a long page (workflows/page-parts.ts), from the poller's
 * own queue or the workflows' one. Each worker takes only a couple of parts at a time from it
 * (worker/start.ts), so a burst's parts are spread over the workers as they free up and a killed
 * worker holds up only the parts it had: on the poller's queue a worker took up to eight.
 */
export function dispatchTaskQueue(taskQueue: string): string {
  const base = isPollerTaskQueue(taskQueue) ? taskQueue.slice(0, -POLLER_QUEUE_SUFFIX.length) : taskQueue;
  return `${base}.dispatch`;
}

/** Order workflow id: one per Allegro account and checkout form, so a start is idempotent. */
export function orderWorkflowId(account: string, checkoutFormId: string): string {
  return `order:${account}:${checkoutFormId}`;
}

/** The short workflow that cancels or annotates the document of an order cancelled after its import. */
export function cancelOrderWorkflowId(account: string, checkoutFormId: string): string {
  return `cancel:${account}:${checkoutFormId}`;
}

/** The sweep's review of an imported order changed on Allegro: once per revision and fulfillment status. */
export function reviewOrderWorkflowId(account: string, checkoutFormId: string, version: string): string {
  return `review:${account}:${checkoutFormId}:${version}`;
}

/** Poller workflow id: one per Allegro account. */
export function pollerWorkflowId(account: string): string {
  return `poller:${account}`;
}

/**
 * The poller's workflow task timeout, for every start of it (continue-as-new keeps it). A worker
 * killed while it holds the poller's task (its run reads and dispatches a page as local
 * activities) is noticed only when this runs out, and until then no new order is started:
 * Temporal's default of 10 s was most of the discovery delay after a kill in the chaos run. A
 * run's local activities keep a longer task alive (the SDK heartbeats it at 80% of this), so
 * only a dead or stalled worker runs into it.
 */
const POLLER_WORKFLOW_TASK_TIMEOUT = '4 seconds' as const;

/** What every start of an account's poller shares (the CLI, the demo, the bench, the chaos run). */
export function pollerStartOptions(account: string, taskQueue: string) {
  return {
    workflowId: pollerWorkflowId(account),
    taskQueue: pollerTaskQueue(taskQueue),
    workflowTaskTimeout: POLLER_WORKFLOW_TASK_TIMEOUT,
  };
}

/**
 * The order journey new orders start on (ImportOrderInput.journey). Versioned in the input, not
 * by patches: every patch makes the SDK write a search attribute, a visibility write per order.
 * - 3 (2026-11-29): the first read decides with the rules the dispatch started it with
 *   (`rules`), not a local activity of its own, and runs eagerly when the dispatch asks
 *   (`eagerFirstRead`); the local attempts of matchProducts and matchContractor start beside
 *   the merged-payment lookup (workflows/journey-version.ts).
 * - 2 (2026-11-28): matchProducts, matchContractor and createDocument run locally first
 *   (workflows/order-steps.ts); none of the journey's patches is recorded.
 * - absent: started before; its patches (lean-journey, find-existing-local) tell its way.
 */
export const ORDER_JOURNEY = 3;

/**
 * An order workflow carries a reference (account, form id), not the settings: its activities
 * read the current import policy, so history stays small and a fixed mapping reaches it.
 */
export interface ImportOrderInput {
  account: string;
  checkoutFormId: string;
  /** ORDER_JOURNEY when the order was started (kept across continue-as-new). */
  journey?: number;
  /**
   * The event the dispatch started it with, taken as if signalled (orderEventSignal); events
   * after the start are signals. Not carried across continue-as-new.
   */
  event?: OrderEventSignal;
  /**
   * Pinned rules, used instead of the current settings: workflows started before settings
   * were read by reference carry them (their histories replay), and tests pin their rules.
   */
  policy?: ImportPolicy;
  /**
   * The settings' rules when the dispatch started it (journey 3): its first read decides with
   * these instead of loading them, a round trip before its first step. Later reads load the
   * rules in force then. Not carried across continue-as-new.
   */
  rules?: OrderRules;
  /**
   * Dispatched from a short page (journey 3): its first read runs on its own task queue, handed
   * back with the workflow task's reply (workflows/order-steps.ts, fetchOrderEagerly). Not
   * carried across continue-as-new.
   */
  eagerFirstRead?: boolean;
  /** Timers of the journey; defaults in workflows/import-order.ts (tests shorten them). */
  timing?: OrderTiming;
  /** Carried across continue-as-new of a long wait (licence or import stage). */
  resume?: OrderResume;
}

export interface OrderTiming {
  /** Re-read a waiting order this often even without events (lost events). Default 6 h. */
  waitingRecheckSeconds?: number;
  /** Keep retrying an unavailable Optima licence this long before asking a person. Default 7 days. */
  licenceGiveUpAfterSeconds?: number;
  /**
   * Continue-as-new after this many waits (licence retries, re-checks) in one run, or sooner
   * when Temporal suggests it: a wait of days must not grow one history without end. Default 500.
   */
  waitsBeforeContinueAsNew?: number;
  /**
   * A cancel event whose form does not read CANCELLED yet (Allegro applies it a moment later)
   * is re-checked this long before the cancel workflow gives up; the sweep covers later. Default 7 days.
   */
  cancelRecheckForSeconds?: number;
}

export interface OrderResume {
  licenceAttempts: number;
  /** ISO time of the first licence failure of the current wait. */
  licenceWaitSince?: string;
}

export interface CancelImportedOrderInput {
  account: string;
  checkoutFormId: string;
  /** Pinned rules (see ImportOrderInput.policy). */
  policy?: ImportPolicy;
  /** BUYER_CANCELLED or AUTO_CANCELLED: noted on the document. */
  eventType?: string;
  /** Timers (the re-check of a cancellation not applied yet); tests shorten them. */
  timing?: OrderTiming;
}

export interface ReviewImportedOrderInput {
  account: string;
  checkoutFormId: string;
  /** Pinned rules (see ImportOrderInput.policy). */
  policy?: ImportPolicy;
  /** What the document was made from (the import's result); absent for older imports. */
  importedFacts?: OrderFacts;
}

export interface ImportOrderResult {
  status: OrderStatus;
  documentNumber?: string;
  /** Why it ended without a document (cancelled, superseded, skipped). */
  reason?: string;
  /** Imported: the form's revision and facts the document was made from (the sweep compares them). */
  revision?: string;
  facts?: OrderFacts;
}

/** What ops see of one order (query `orderProgress`). */
export interface OrderProgress {
  status: OrderStatus;
  /** The step now running or waiting: fetch, matchProducts, matchContractor, createDocument, recordLink. */
  step: string;
  reason?: string;
  documentNumber?: string;
  /** Attempts that found the Optima licence busy (each is a failed activity in the history). */
  attempts: number;
  /** ISO time of the next licence attempt or of the next re-check of a waiting order. */
  nextAttemptAt?: string;
}

/** An Allegro event that concerns an order that is already running (sent by the poller). */
export interface OrderEventSignal {
  eventId: string;
  type: string;
  occurredAt: string;
}

export const orderEventSignal = defineSignal<[OrderEventSignal]>('orderEvent');
/**
 * After a person fixed the cause (mapping, product, contractor): try the waiting step again,
 * with the settings in force now. A `policy` in the payload (sent by older CLIs) pins it.
 */
export const retrySignal = defineSignal<[{ policy?: ImportPolicy }?]>('retry');
/** Another checkout form (merged payment) replaced this one. */
export const supersededSignal = defineSignal<[{ byCheckoutFormId: string }]>('superseded');
export const orderProgressQuery = defineQuery<OrderProgress>('orderProgress');

export type PollerSchedule =
  { kind: 'interval'; seconds: number } | { kind: 'daily'; hour: number; minute: number; timeZone: string };

export interface PollerInput {
  account: string;
  /** Pinned rules handed to the orders it starts (see ImportOrderInput.policy); normally absent. */
  policy?: ImportPolicy;
  schedule: PollerSchedule;
  /** Event page size, ≤ 1000. */
  pageSize: number;
  /** Where a brand-new poller starts: 'now' or an ISO date (backfilled from the checkout-form list). */
  initialSync: string;
  /** Timers handed to the order workflows the poller starts. */
  orderTiming?: OrderTiming;
  /**
   * Re-read the orders changed on Allegro since the last sweep this often (0: never), so that a
   * cancellation, a return or a changed address after the document is acted on. Default 24 h.
   */
  sweepEverySeconds?: number;
  /** Continue-as-new after this many runs even if Temporal does not suggest it yet. Default 500. */
  runsBeforeContinueAsNew?: number;
  /** Kept across continue-as-new. */
  state?: PollerState;
}

export interface PollerState {
  /** The last event id whose order workflow was started (exclusive `from` of the next read). */
  cursor: string | null;
  lastEventAt: string | null;
  lastImportAt: string | null;
  nextRunAt: string | null;
  paused: boolean;
  eventsSeen: number;
  ordersStarted: number;
  /** A reset to a date older than the event journal: backfill from the checkout-form list. */
  backfillFrom: string | null;
  /** Orders found already imported (or running) when dispatched: idempotent repeats. */
  ordersAlreadyDone?: number;
  /** Line item id → checkout form id of orders not yet paid, to spot merged payments. */
  unpaidLines?: Record<string, string>;
  /** Events that failed validation: skipped (no order started), the cursor moved past them. */
  eventsRejected?: number;
  /** The latest of them, for ops to look up in the journal. */
  lastRejectedEvent?: { id: string; reason: string };
  /** ISO end of the last sweep's updatedAt window (the next one starts there). */
  lastSweepAt?: string | null;
  /** Imported orders the sweeps handed to a review or a cancellation. */
  ordersReviewed?: number;
  /** The last failure of a run (it is retried at the next run). */
  lastError?: string | null;
  /** The latest reset asked for (by the `reset` signal or update) and what became of it. */
  lastReset?: ResetOutcome;
}

export interface ResetOutcome {
  target: unknown;
  by: 'signal' | 'update';
  /** ISO time it was applied or refused. */
  at: string;
  /** `applied: cursor <id>`, or why it was refused or failed. */
  outcome: string;
}

export interface PollerStatus extends Omit<PollerState, 'unpaidLines'> {
  account: string;
  /** Running orders Waiting or NeedsAttention: counted by `status` when it asks (queryPollerStatus). */
  waitingOrders?: number;
  schedule: PollerSchedule;
}

export type ResetTarget = { to: 'event'; eventId: string } | { to: 'now' } | { to: 'date'; date: string };

export const resetUpdate = defineUpdate<PollerStatus, [ResetTarget]>('reset');
/**
 * The same reset as a signal, for the Web UI's "Send a Signal" and `temporal workflow signal
 * --name reset --input '{"to":"now"}'`; its outcome shows in the status query and the current details.
 */
export const resetSignal = defineSignal<[ResetTarget]>('reset');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const importNowSignal = defineSignal('importNow');
export const pollerStatusQuery = defineQuery<PollerStatus>('pollerStatus');
