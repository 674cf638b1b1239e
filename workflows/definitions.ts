/**
 * The workflows' public surface: ids, inputs, signals, queries and updates. Shared by the
 * workflows, the poller's activities, the worker, the CLI, the demo and the tests.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ImportPolicy, OrderStatus } from '../domain/types';

export const TASK_QUEUE = 'allegro-optima';

/** Order workflow id: one per Allegro account and checkout form, so a start is idempotent. */
export function orderWorkflowId(account: string, checkoutFormId: string): string {
  return `order:${account}:${checkoutFormId}`;
}

/** Poller workflow id: one per Allegro account. */
export function pollerWorkflowId(account: string): string {
  return `poller:${account}`;
}

export interface ImportOrderInput {
  account: string;
  checkoutFormId: string;
  policy: ImportPolicy;
}

export interface ImportOrderResult {
  status: OrderStatus;
  documentNumber?: string;
  /** Why it ended without a document (cancelled, superseded, skipped). */
  reason?: string;
}

/** What ops see of one order (query `orderProgress`). */
export interface OrderProgress {
  status: OrderStatus;
  /** The step now running or waiting: fetch, matchProducts, matchContractor, createDocument, recordLink. */
  step: string;
  reason?: string;
  documentNumber?: string;
  attempts: number;
}

/** An Allegro event that concerns an order that is already running (sent by the poller). */
export interface OrderEventSignal {
  eventId: string;
  type: string;
  occurredAt: string;
}

export const orderEventSignal = defineSignal<[OrderEventSignal]>('orderEvent');
/** After a person fixed the cause (mapping, product, contractor): try the waiting step again. */
export const retrySignal = defineSignal<[{ policy?: ImportPolicy }?]>('retry');
/** Another checkout form (merged payment) replaced this one. */
export const supersededSignal = defineSignal<[{ byCheckoutFormId: string }]>('superseded');
export const orderProgressQuery = defineQuery<OrderProgress>('orderProgress');

export type PollerSchedule =
  | { kind: 'interval'; seconds: number }
  | { kind: 'daily'; hour: number; minute: number; timeZone: string };

export interface PollerInput {
  account: string;
  policy: ImportPolicy;
  schedule: PollerSchedule;
  /** Event page size, ≤ 1000. */
  pageSize: number;
  /** Where a brand-new poller starts: 'now' or an ISO date (backfilled from the checkout-form list). */
  initialSync: 'now' | string;
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
}

export interface PollerStatus extends PollerState {
  account: string;
  waitingOrders: number;
  schedule: PollerSchedule;
}

export type ResetTarget = { to: 'event'; eventId: string } | { to: 'now' } | { to: 'date'; date: string };

export const resetUpdate = defineUpdate<PollerStatus, [ResetTarget]>('reset');
export const pauseSignal = defineSignal('pause');
export const resumeSignal = defineSignal('resume');
export const importNowSignal = defineSignal('importNow');
export const pollerStatusQuery = defineQuery<PollerStatus>('pollerStatus');
