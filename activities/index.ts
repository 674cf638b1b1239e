/**
 * All activities, made from their dependencies: `createActivities(deps)` gives the object a
 * Worker registers. Domain errors leave here as ApplicationFailures whose `type` is the error
 * name (what the workflows' retry policies key on) and whose details carry the reason a
 * person needs (never a token: the Allegro client redacts its messages).
 */
import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { ERROR_TYPES, NeedsPersonError } from '../domain/errors';
import type { ActivityDeps } from './deps';
import { createOrderActivities } from './order-activities';
import { createPollerActivities } from './poller-activities';
import type { OrderActivities, PollerActivities } from './types';

export type { ActivityDeps, AllegroPort } from './deps';
export type Activities = OrderActivities & PollerActivities;

/** Activities that call Allegro: the worker runs them on the rate-limited Allegro task queue. */
export const ALLEGRO_ACTIVITIES = [
  'fetchOrder',
  'matchProducts',
  'recordLink',
  'latestEventId',
  'readOrderEvents',
  'locateEventCursor',
  'backfillOrders',
] as const satisfies readonly (keyof Activities)[];

/**
 * A running activity heartbeats this often (only once it has run this long: quick ones never
 * do), so that the workflows' heartbeat timeouts notice a dead worker in seconds rather than
 * at the end of a long start-to-close timeout.
 */
const HEARTBEAT_EVERY_MS = 3000;
/** Heartbeats with progress details of their own (resumed from on retry): not overwritten. */
const OWN_HEARTBEATS = new Set<string>(['backfillOrders']);

export function createActivities(deps: ActivityDeps): Activities {
  const plain: Record<string, (...args: unknown[]) => Promise<unknown>> = {
    ...createOrderActivities(deps),
    ...createPollerActivities(deps),
  } as never;
  const typed = Object.entries(plain).map(([name, activity]) => [
    name,
    async (...args: unknown[]) => {
      const beat = OWN_HEARTBEATS.has(name) ? undefined : setInterval(() => heartbeat(), HEARTBEAT_EVERY_MS);
      try {
        return await activity(...args);
      } catch (error) {
        throw toFailure(error);
      } finally {
        clearInterval(beat);
      }
    },
  ]);
  return Object.fromEntries(typed) as Activities;
}

const TYPED_ERRORS = new Set<string>(Object.values(ERROR_TYPES));

/**
 * The typed error as a failure whose type is the error's `name`. Done here because Temporal
 * would otherwise take the class name (a subclass such as AllegroOrderGoneError would not
 * match the retry policies); the reason and details go along for the person reading them.
 */
function toFailure(error: unknown): unknown {
  if (!(error instanceof Error) || !TYPED_ERRORS.has(error.name)) return error;
  const details =
    error instanceof NeedsPersonError
      ? [{ reason: error.reason }]
      : 'details' in error
        ? [(error as { details: unknown }).details]
        : [];
  return ApplicationFailure.create({ type: error.name, message: error.message, details, cause: error });
}
