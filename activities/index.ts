/**
 * All activities, made from their dependencies: `createActivities(deps)` gives the object a
 * Worker registers. Heartbeats and turning errors into typed Temporal failures are the
 * worker's activity interceptor's (worker/interceptors.ts), once for all of them.
 */
import type { ActivityDeps } from './deps';
import { createFulfilmentActivities } from './fulfilment-activities';
import { createOfferSyncActivities } from './offer-sync-activities';
import { createOrderActivities } from './order-activities';
import { createPollerActivities } from './poller-activities';
import type { FulfilmentActivities, OfferSyncActivities, OrderActivities, PollerActivities } from './types';

export type { ActivityDeps, AllegroPort } from './deps';
export type Activities = OrderActivities & PollerActivities & OfferSyncActivities & FulfilmentActivities;

/** Activities that call Allegro: the worker runs them on the rate-limited Allegro task queue. */
export const ALLEGRO_ACTIVITIES = [
  'fetchOrder',
  'matchProducts',
  'recordLink',
  'latestEventId',
  'readOrderEvents',
  'locateEventCursor',
  'backfillOrders',
  'sweepChangedOrders',
  'planOfferSync',
  'sendOfferChanges',
  'setOrderFulfilment',
  'addTrackingNumber',
] as const satisfies readonly (keyof Activities)[];

/** Heartbeats with progress details of their own (resumed from on retry): not overwritten. */
export const OWN_HEARTBEATS: readonly (keyof Activities)[] = ['backfillOrders', 'dispatchOrderEvents'];

export function createActivities(deps: ActivityDeps): Activities {
  return {
    ...createOrderActivities(deps),
    ...createPollerActivities(deps),
    ...createOfferSyncActivities(deps),
    ...createFulfilmentActivities(deps),
  };
}
