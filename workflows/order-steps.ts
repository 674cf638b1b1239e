/**
 * The order journey's activity steps, each with the retry policy that suits what it calls.
 * Transient failures (Allegro 5xx/429, network; Optima deadlock, lost connection) retry here
 * with backoff and no attempt limit: an order is never dropped, the attempts show in the UI.
 * Optima's LicenceUnavailableError is non-retryable here on purpose: the workflow waits for a
 * licence on its own slow schedule (import-order.ts) instead of hammering the server.
 *
 * Steps that call Allegro run on the Allegro task queue (rate-limited for all workers); its
 * name derives from this workflow's task queue, so the proxy is made when the step runs. The
 * one exception is a trickled order's first read (fetchOrderEagerly), bounded per poll.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
  type ActivityOptions,
  type RetryPolicy,
} from '@temporalio/workflow';
import { ERROR_TYPES, NON_RETRYABLE_ERROR_TYPES } from '../domain/errors';
import type { OrderActivities } from '../activities/types';
import { allegroTaskQueue } from './definitions';

const OPTIMA_NON_RETRYABLE = [...NON_RETRYABLE_ERROR_TYPES, ERROR_TYPES.licenceUnavailable];

/**
 * Running activities heartbeat every few seconds (worker/interceptors.ts): a worker that dies
 * mid-step is noticed after this, and the step is retried elsewhere.
 */
const HEARTBEAT_TIMEOUT = '15 seconds';

function onAllegroQueue(options: ActivityOptions): OrderActivities {
  return proxyActivities<OrderActivities>({ ...options, taskQueue: allegroTaskQueue(workflowInfo().taskQueue) });
}

/** Allegro read: a 429 block lasts a minute, so the backoff grows to a few minutes. */
const FETCH_OPTIONS: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
};

export const fetchOrder: OrderActivities['fetchOrder'] = (input) => onAllegroQueue(FETCH_OPTIONS).fetchOrder(input);

/**
 * The first read of an order the poller dispatched from a short page (ImportOrderInput.eagerFirstRead):
 * on the order's own task queue, so that the server hands it back in the workflow task's reply
 * (eager activity execution) instead of through matching. It runs outside the Allegro queue's
 * shared rate; a short page holds at most EAGER_START_MAX_FORMS orders, so a poll adds at most
 * that many reads, and only while the poller is not working through a burst.
 */
export const { fetchOrder: fetchOrderEagerly } = proxyActivities<OrderActivities>(FETCH_OPTIONS);

/** Reads offers from Allegro (EAN) and looks up or creates product cards in Optima, per line. */
export const matchProducts: OrderActivities['matchProducts'] = (input) =>
  onAllegroQueue({
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: {
      initialInterval: '2 seconds',
      backoffCoefficient: 2,
      maximumInterval: '5 minutes',
      nonRetryableErrorTypes: OPTIMA_NON_RETRYABLE,
    },
  }).matchProducts(input);

/** Optima check plus an optional Allegro PUT: spaced out more, the order is already in Optima. */
export const recordLink: OrderActivities['recordLink'] = (input) =>
  onAllegroQueue({
    startToCloseTimeout: '1 minute',
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: {
      initialInterval: '5 seconds',
      backoffCoefficient: 2,
      maximumInterval: '10 minutes',
      nonRetryableErrorTypes: OPTIMA_NON_RETRYABLE,
    },
  }).recordLink(input);

/** Optima lookups (and a link write for a merged payment): short, cheap to repeat. */
const FIND_EXISTING_RETRY: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '2 minutes',
  nonRetryableErrorTypes: OPTIMA_NON_RETRYABLE,
};

/** As the orders recorded before it ran (replays of their histories schedule it so). */
export const { findExistingDocument } = proxyActivities<OrderActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: FIND_EXISTING_RETRY,
});

/**
 * A local activity: a lookup of a few milliseconds is not worth a task queue round trip and a
 * workflow task of its own (~100 ms and a seventh of the server's work per order).
 */
export const { findExistingDocument: findExistingDocumentLocally } = proxyLocalActivities<OrderActivities>({
  startToCloseTimeout: '1 minute',
  retry: FIND_EXISTING_RETRY,
});

export const { matchContractor } = proxyActivities<OrderActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    nonRetryableErrorTypes: OPTIMA_NON_RETRYABLE,
  },
});

/** One SQL transaction, idempotent by order id: a retry after a lost answer finds the document. */
export const { createDocument } = proxyActivities<OrderActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: OPTIMA_NON_RETRYABLE,
  },
});

export const { cancelDocument, noteOnDocument } = proxyActivities<OrderActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    nonRetryableErrorTypes: OPTIMA_NON_RETRYABLE,
  },
});

/**
 * matchProducts, matchContractor and createDocument run first as local activities: each is a few
 * milliseconds of SQL in this worker, and a task queue round trip plus a workflow task of its
 * own cost more than the step (~50 ms and a sixth of the server's work per order each). The
 * journey still shows each as its own step (a local activity's marker). A step that fails past
 * a few quick attempts (Optima deadlocked, connection lost) goes on as the regular activity,
 * whose attempts and last error the UI shows while it retries. Idempotent, so a step repeated
 * after a worker died mid-task makes no second contractor or document.
 */
const optimaLocally = proxyLocalActivities<OrderActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumAttempts: 3,
    nonRetryableErrorTypes: [...OPTIMA_NON_RETRYABLE, ERROR_TYPES.allegroNeeded],
  },
});

async function locallyFirst<T>(local: () => Promise<T>, regular: () => Promise<T>): Promise<T> {
  try {
    return await local();
  } catch (error) {
    // The journey handles typed refusals (licence, a person needed) exactly as from the regular step.
    const type = failureOf(error)?.type;
    if (isCancellation(error) || (type !== undefined && (OPTIMA_NON_RETRYABLE as readonly string[]).includes(type)))
      throw error;
    return regular();
  }
}

/**
 * Products from Optima alone (offers already linked to a card, most orders of a running shop):
 * an offer that must be read from Allegro fails the local attempt at once, and the step goes on
 * as the regular activity on the Allegro queue, so every Allegro call keeps to that queue's
 * shared rate.
 */
const matchProductsLocally: OrderActivities['matchProducts'] = (input) =>
  optimaLocally.matchProducts({ ...input, withoutAllegro: true });

const { matchContractor: matchContractorLocally } = optimaLocally;

/**
 * A step whose local attempt starts now, so that journey 3 can start two side by side: its first
 * call goes on from that attempt as locallyFirst does; a call after a wait (licence, a person)
 * starts over, locally first.
 */
function begunLocally<T>(local: () => Promise<T>, regular: () => Promise<T>): () => Promise<T> {
  let begun: Promise<T> | undefined = local();
  // Awaited by the first call; until then its failure must not count as unhandled.
  begun.catch(() => undefined);
  return () => {
    const attempt = begun ?? local();
    begun = undefined;
    return locallyFirst(() => attempt, regular);
  };
}

/** `input` is read at each call: a retry after a person's fix carries the rules in force then. */
export const beginMatchProducts = (input: () => Parameters<OrderActivities['matchProducts']>[0]) =>
  begunLocally(
    () => matchProductsLocally(input()),
    () => matchProducts(input()),
  );

export const beginMatchContractor = (input: () => Parameters<OrderActivities['matchContractor']>[0]) =>
  begunLocally(
    () => matchContractorLocally(input()),
    () => matchContractor(input()),
  );

export const matchProductsLocallyFirst: OrderActivities['matchProducts'] = (input) =>
  locallyFirst(
    () => matchProductsLocally(input),
    () => matchProducts(input),
  );

export const matchContractorLocallyFirst: OrderActivities['matchContractor'] = (input) =>
  locallyFirst(
    () => matchContractorLocally(input),
    () => matchContractor(input),
  );

export const createDocumentLocallyFirst: OrderActivities['createDocument'] = (input) =>
  locallyFirst(
    () => optimaLocally.createDocument(input),
    () => createDocument(input),
  );

/**
 * The current settings' rules for the journey's own decisions: a local activity (no task
 * queue round trip; only its small result is recorded), read at each read of the order.
 */
export const { loadOrderRules } = proxyLocalActivities<OrderActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The typed error behind an activity's failure, local or not (its `name` became the failure type). */
export function failureOf(error: unknown): { type: string; message: string; reason?: string } | undefined {
  // A local activity's failure reaches the workflow unwrapped, not inside an ActivityFailure.
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (!(cause instanceof ApplicationFailure)) return undefined;
  const { type, message, details } = cause;
  const first = details?.[0] as { reason?: unknown } | undefined;
  return { type: type ?? '', message, ...(typeof first?.reason === 'string' ? { reason: first.reason } : {}) };
}
