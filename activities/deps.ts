/**
 * What the activities are made from: the ports (Allegro client per account, Optima gateway,
 * exchange rates), the settings in force, a Temporal client for the poller's dispatch, and the
 * order task queue.
 */
import type { Client } from '@temporalio/client';
import type { Logger } from '@temporalio/common';
import type { AllegroClient } from './allegro/client';
import type { ExchangeRates } from '../domain/exchange-rates';
import type { OptimaGateway, VersionedPolicy } from '../domain/types';

/** The part of AllegroClient the activities use (tests may hand in a narrower fake). */
export type AllegroPort = Pick<
  AllegroClient,
  | 'getEventStats'
  | 'getOrderEventEntries'
  | 'getCheckoutForm'
  | 'iterateCheckoutForms'
  | 'getProductOffer'
  | 'setFulfillmentStatus'
  | 'listOffers'
  | 'registerOfferCommand'
  | 'offerCommandReport'
  | 'offerCommandTasks'
  | 'listShipments'
  | 'addShipment'
>;

export interface ActivityDeps {
  /** The Allegro client of a configured account; throws for an unknown account. */
  allegro: (account: string) => AllegroPort;
  optima: OptimaGateway;
  /** NBP table A rates for documents in CZK, EUR, HUF (production: activities/rates/nbp.ts). */
  rates: ExchangeRates;
  /**
   * The import policy in force now for an account, with its version. Read at every step, so a
   * fixed mapping reaches a waiting order on `retry` (worker/settings-source.ts re-reads the file).
   */
  policy: (account: string) => Promise<VersionedPolicy>;
  temporal: Client;
  /** Task queue of the order workflows the poller starts (the worker's main queue). */
  taskQueue: string;
  /** Default: the activity context's logger. */
  log?: Pick<Logger, 'info' | 'warn'>;
  /** Workflow starts/signals in flight at once while dispatching a page of events. Default 32. */
  dispatchConcurrency?: number;
  /** How long Optima's reference data (payment forms, services, warehouses) is reused. Default 30 s. */
  referenceDataTtlMs?: number;
}
