/**
 * The poller's activity steps, each with the timeouts and retries that suit it (workflows/poller.ts
 * runs them): the journal's reads, the cursor's lookups, the backfill and the sweep, and the
 * dispatch of a page, short ones in the poller's own task, long ones in parts on the dispatch queue.
 */
import {
  ActivityFailure,
  patched,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
  type ActivityOptions,
} from '@temporalio/workflow';
import { NON_RETRYABLE_ERROR_TYPES } from '../domain/errors';
import type { DispatchInput, DispatchResult, PolledEvent, PollerActivities, Superseded } from '../activities/types';
import { allegroTaskQueue, dispatchTaskQueue, isPollerTaskQueue, type PollerInput } from './definitions';
import { formsInOtherParts, pageParts } from './page-parts';

/**
 * A run gives up after a few attempts and records the error: the next run tries again, and
 * meanwhile a reset or pause is not stuck behind an activity retrying for an hour. The first
 * retry comes soon: Allegro's 5xx and 429 mostly pass within a second, and in a chaos run two
 * of them on the first cursor lookup (2 s, then 4 s) held up a whole burst's discovery for 6 s.
 */
export const RUN_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '15 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
};

/** Days of checkout forms: long, heartbeating, resumes from its last heartbeat on retry. */
export const BACKFILL_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '12 hours',
  heartbeatTimeout: '2 minutes',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 10,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
};

/**
 * One page of the journal: a single Allegro call, so a lost worker or a 5xx is retried within
 * a second, not after a run's timeouts (new orders wait on it). A page read ahead by a worker
 * that dies is noticed by its heartbeats in 3 s: in the chaos run it waited out the 15 s.
 */
export const READ_ACTIVITY: ActivityOptions = {
  startToCloseTimeout: '15 seconds',
  heartbeatTimeout: '3 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 6,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_TYPES,
  },
};

/**
 * Starting a page's order workflows: it heartbeats its progress every 300 ms, and the dispatch
 * worker sends each beat on (activities/dispatch-progress.ts, worker/start.ts), so a killed
 * worker is noticed within 1.5 s and its parts are taken up elsewhere after the forms already
 * handed over. A burst waits on it: in chaos runs a kill of a dispatching worker stopped its
 * parts for the whole timeout (3 s, with beats every 2.4 s: the last beat was often 2.4 s old).
 */
const DISPATCH_ACTIVITY: ActivityOptions = {
  ...RUN_ACTIVITY,
  heartbeatTimeout: '1500 milliseconds',
  retry: { ...RUN_ACTIVITY.retry, initialInterval: '200 milliseconds' },
};

/** The parts of a long page, on their own queue (dispatchTaskQueue: a couple per worker at a time). */
function dispatchPart(input: DispatchInput): Promise<DispatchResult> {
  const taskQueue = dispatchTaskQueue(workflowInfo().taskQueue);
  return proxyActivities<PollerActivities>({ ...DISPATCH_ACTIVITY, taskQueue }).dispatchOrderEvents(input);
}

/**
 * A run reads the journal and dispatches a short page as local activities, in the workflow task
 * its timer woke: one task a run instead of three, which at a 1 s poll is most of an idle
 * account's cost and ~100 ms of every new order's wait. A long page (a backlog) is dispatched
 * in parts (dispatchPart), whose heartbeats let a retry resume part-way.
 */
export const locally = proxyLocalActivities<PollerActivities>({
  startToCloseTimeout: READ_ACTIVITY.startToCloseTimeout,
  retry: READ_ACTIVITY.retry,
});
const dispatchLocally = proxyLocalActivities<PollerActivities>({
  startToCloseTimeout: '1 minute',
  retry: DISPATCH_ACTIVITY.retry,
}).dispatchOrderEvents;
/** A page this short is dispatched in a few hundred milliseconds at the dispatch's concurrency. */
const LOCAL_DISPATCH_MAX_EVENTS = 100;
export const { countWaitingOrders } = proxyActivities<PollerActivities>(RUN_ACTIVITY);

/**
 * A poller on its own queue (pollerTaskQueue) reads Allegro there too: a read of the event
 * journal must not wait behind a backlog of order activities on the Allegro queue, and its
 * few calls a second fit in Allegro's limit beside the orders' (the client backs off on 429).
 * A poller started on the workflows' queue before keeps sending them to the Allegro queue.
 */
export function allegro(options: ActivityOptions): PollerActivities {
  const queue = workflowInfo().taskQueue;
  return proxyActivities<PollerActivities>({
    ...options,
    taskQueue: isPollerTaskQueue(queue) ? queue : allegroTaskQueue(queue),
  });
}

/**
 * A short page in this task (local); a long one in parts, each an activity of its own
 * (page-parts.ts), all finished before the cursor moves past the page.
 */
export async function dispatchPage(
  { account, policy, orderTiming }: Pick<PollerInput, 'account' | 'policy' | 'orderTiming'>,
  events: PolledEvent[],
  superseded: Superseded[],
  local: boolean,
): Promise<DispatchResult> {
  const input = (part: PolledEvent[], alsoSuperseded: Superseded[]) => ({
    account,
    ...(policy ? { policy } : {}),
    orderTiming,
    events: part,
    superseded: alsoSuperseded,
  });
  if (local && events.length <= LOCAL_DISPATCH_MAX_EVENTS) return dispatchLocally(input(events, superseded));
  // Pollers recorded before the parts replay one dispatch a page.
  const parts = patched('dispatch-parts') ? pageParts(events) : [events];
  const others = formsInOtherParts(parts);
  const settled = await Promise.allSettled(
    parts.map((part, index) =>
      dispatchPart({ ...input(part, index === 0 ? superseded : []), formsInOtherParts: others[index] }),
    ),
  );
  const results = settled.map((outcome) => {
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  });
  if (results.length === 1) return results[0];
  const sum = (key: 'dispatched' | 'alreadyDone' | 'cancellationsStarted') =>
    results.reduce((total, result) => total + result[key], 0);
  return {
    cursor: events[events.length - 1].id,
    dispatched: sum('dispatched'),
    alreadyDone: sum('alreadyDone'),
    cancellationsStarted: sum('cancellationsStarted'),
  };
}

/** Full pages a burst's dispatch takes together (batchPages). */
export const DISPATCH_BATCH_PAGES = 3;

/**
 * A burst over full pages goes out as one dispatch of up to DISPATCH_BATCH_PAGES pages: the
 * later pages' orders would otherwise wait for all the first page's starts (in a chaos run a
 * 1,000-order burst's last ~60 waited ~6 s behind it: the slowest 5%). `next` is the read of
 * the page after `events`, already under way. A page that cannot be read is left to the
 * caller's next read: the pages already read are dispatched without it.
 */
export async function batchPages(
  events: PolledEvent[],
  more: boolean,
  next: Promise<PolledEvent[]> | undefined,
  read: (from: string | null) => Promise<PolledEvent[]>,
  pageSize: number,
): Promise<{ events: PolledEvent[]; more: boolean; next: Promise<PolledEvent[]> | undefined }> {
  for (let pages = 1; more && next && pages < DISPATCH_BATCH_PAGES; pages++) {
    let page: PolledEvent[];
    try {
      page = await next;
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      return { events, more, next: undefined };
    }
    events = events.concat(page);
    more = page.length >= pageSize;
    next = more ? read(page[page.length - 1].id) : undefined;
  }
  return { events, more, next };
}
