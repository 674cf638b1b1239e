/**
 * What the activities are made from: the two ports (Allegro client per account, Optima
 * gateway), a Temporal client for the poller's dispatch, and the order task queue.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from '@temporalio/common';
import type { AllegroClient } from './allegro/client';
import type { OptimaGateway } from '../domain/types';

/** The part of AllegroClient the activities use (tests may hand in a narrower fake). */
export type AllegroPort = Pick<
  AllegroClient,
  | 'getEventStats'
  | 'getOrderEvents'
  | 'getCheckoutForm'
  | 'iterateCheckoutForms'
  | 'getProductOffer'
  | 'setFulfillmentStatus'
>;

export interface ActivityDeps {
  /** The Allegro client of a configured account; throws for an unknown account. */
  allegro: (account: string) => AllegroPort;
  optima: OptimaGateway;
  temporal: Client;
  /** Task queue of the order workflows the poller starts (the worker's main queue). */
  taskQueue: string;
  /** Default: the activity context's logger. */
  log?: Pick<Logger, 'info' | 'warn'>;
  /** Workflow starts/signals in flight at once while dispatching a page of events. Default 8. */
  dispatchConcurrency?: number;
  /** How long Optima's reference data (payment forms, services, warehouses) is reused. Default 30 s. */
  referenceDataTtlMs?: number;
}
