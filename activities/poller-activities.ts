/**
 * The poller's activities: read the event journal and hand each checkout form to its order
 * workflow with signal-with-start. The workflow id is the order id and a completed workflow
 * is not started again (ALLOW_DUPLICATE_FAILED_ONLY), so dispatching the same events twice,
 * after a crash or a reset, starts nothing twice; a failed workflow may start again.
 */
import { activityInfo, heartbeat, log as activityLog } from '@temporalio/activity';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import type { OrderEvent } from '../domain/allegro';
import { SEARCH_ATTRIBUTES, statusesFrom, type ImportPolicy } from '../domain/types';
import {
  cancelOrderWorkflowId,
  orderWorkflowId,
  supersededSignal,
  type OrderEventSignal,
  type OrderTiming,
} from '../workflows/definitions';
import type { cancelImportedOrder, importOrder } from '../workflows/import-order';
import { ACCOUNT, ORDER_ID, ORDER_STATUS } from '../workflows/search-attributes';
import { mapLimited } from './concurrency';
import type { ActivityDeps } from './deps';
import { orderSignalWithStart } from './order-start';
import type { DispatchResult, PolledEvent, PollerActivities } from './types';

/** The event type a backfill sends to the orders it dispatches (they re-read the form anyway). */
export const BACKFILL_EVENT_TYPE = 'BACKFILL';
const CANCEL_EVENT_TYPES = new Set(['BUYER_CANCELLED', 'AUTO_CANCELLED']);
/**
 * Workflow starts in flight while a page is dispatched: a start is one round trip to the
 * server, so a 100-event page takes about four of them, not twelve as with 8.
 */
export const DEFAULT_DISPATCH_CONCURRENCY = 32;
/** Forms dispatched between two heartbeats of a backfill. */
const BACKFILL_BATCH = 50;

type Outcome = 'dispatched' | 'alreadyDone' | 'cancellationStarted';

interface BackfillProgress {
  statusIndex: number;
  /** Resume the status's listing from this purchase time (repeats are harmless). */
  boughtAt: string;
}

/**
 * Starts the order's workflow, or signals the running one. A completed workflow is not started
 * again (WorkflowExecutionAlreadyStartedError); a failed one may be. The poller and the CLI's
 * backfill both dispatch through here.
 */
export async function startOrderWorkflow(
  temporal: Client,
  order: {
    account: string;
    checkoutFormId: string;
    /** Only from a poller that carries its own policy (started before, or a test pinning it). */
    policy?: ImportPolicy;
    timing?: OrderTiming;
    event: OrderEventSignal;
    taskQueue: string;
  },
): Promise<void> {
  const { account, checkoutFormId, policy, timing, event, taskQueue } = order;
  await temporal.workflow.signalWithStart<typeof importOrder, [OrderEventSignal]>('importOrder', {
    workflowId: orderWorkflowId(account, checkoutFormId),
    taskQueue,
    args: [{ account, checkoutFormId, ...(policy ? { policy } : {}), ...(timing ? { timing } : {}) }],
    ...orderSignalWithStart(account, checkoutFormId, event),
  });
}

export function createPollerActivities(deps: ActivityDeps): PollerActivities {
  const concurrency = deps.dispatchConcurrency ?? DEFAULT_DISPATCH_CONCURRENCY;
  const log = () => deps.log ?? activityLog;

  /** Starts the order's workflow, or signals the running one; a finished one is left alone. */
  async function dispatchOne(
    account: string,
    checkoutFormId: string,
    event: OrderEventSignal,
    policy: ImportPolicy | undefined,
    timing: OrderTiming | undefined,
  ): Promise<Outcome> {
    try {
      await startOrderWorkflow(deps.temporal, {
        account,
        checkoutFormId,
        policy,
        timing,
        event,
        taskQueue: deps.taskQueue,
      });
      return 'dispatched';
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      if (
        CANCEL_EVENT_TYPES.has(event.type) &&
        (await startCancellation(account, checkoutFormId, event.type, policy))
      ) {
        return 'cancellationStarted';
      }
      return 'alreadyDone';
    }
  }

  /** A cancel event after the order's workflow completed with a document: the short cancel path. */
  async function startCancellation(
    account: string,
    checkoutFormId: string,
    eventType: string,
    policy: ImportPolicy | undefined,
  ): Promise<boolean> {
    const order = await deps.temporal.workflow.getHandle(orderWorkflowId(account, checkoutFormId)).describe();
    if (order.typedSearchAttributes.get(ORDER_STATUS) !== 'Imported') return false;
    try {
      await deps.temporal.workflow.start<typeof cancelImportedOrder>('cancelImportedOrder', {
        workflowId: cancelOrderWorkflowId(account, checkoutFormId),
        taskQueue: deps.taskQueue,
        args: [{ account, checkoutFormId, ...(policy ? { policy } : {}), eventType }],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        typedSearchAttributes: [
          { key: ORDER_ID, value: checkoutFormId },
          { key: ACCOUNT, value: account },
        ],
      });
      log().info('cancellation of an imported order started', { account, checkoutFormId });
      return true;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw error;
    }
  }

  return {
    async latestEventId({ account }) {
      const stats = await deps.allegro(account).getEventStats();
      return stats.latestEvent?.id ?? null;
    },

    async readOrderEvents({ account, from, limit }) {
      const events = await deps.allegro(account).getOrderEvents({ ...(from !== null ? { from } : {}), limit });
      return events.map(toPolledEvent);
    },

    async locateEventCursor({ account, date, pageSize }) {
      const allegro = deps.allegro(account);
      const target = Date.parse(date);
      let previous: string | null = null;
      // Without `from` the journal starts at its oldest kept event; ids cannot be derived from dates.
      for (;;) {
        const from: string | null = previous;
        const page = await allegro.getOrderEvents({ ...(from !== null ? { from } : {}), limit: pageSize });
        for (const event of page) {
          if (Date.parse(event.occurredAt) >= target) return previous;
          previous = event.id;
        }
        // A short page is the journal's end; a page that did not move past `from` must not loop forever.
        if (page.length < pageSize || previous === from) return previous;
      }
    },

    async dispatchOrderEvents({ account, policy, orderTiming, events, superseded }) {
      const result: DispatchResult = { cursor: null, dispatched: 0, alreadyDone: 0, cancellationsStarted: 0 };
      // One dispatch per form: a cancel event wins (it may start the cancel path), else the latest.
      const perForm = new Map<string, PolledEvent>();
      for (const event of events) {
        if (!event.checkoutFormId) continue;
        const kept = perForm.get(event.checkoutFormId);
        if (!kept || !CANCEL_EVENT_TYPES.has(kept.type) || CANCEL_EVENT_TYPES.has(event.type))
          perForm.set(event.checkoutFormId, event);
      }
      await mapLimited([...perForm.values()], concurrency, async (event) => {
        const signal = { eventId: event.id, type: event.type, occurredAt: event.occurredAt };
        const outcome = await dispatchOne(account, event.checkoutFormId as string, signal, policy, orderTiming);
        count(result, outcome);
      });
      for (const { checkoutFormId, byCheckoutFormId } of superseded) {
        try {
          await deps.temporal.workflow
            .getHandle(orderWorkflowId(account, checkoutFormId))
            .signal(supersededSignal, { byCheckoutFormId });
        } catch (error) {
          // Not running (already imported, or never started): nothing waits for payment there.
          if (!(error instanceof WorkflowNotFoundError)) throw error;
        }
      }
      result.cursor = events.length > 0 ? events[events.length - 1].id : null;
      return result;
    },

    async backfillOrders({ account, policy, orderTiming, from, to, ...input }) {
      const allegro = deps.allegro(account);
      const statuses = input.statuses ?? statusesFrom((policy ?? (await deps.policy(account)).policy).stage);
      const resume = activityInfo().heartbeatDetails as BackfillProgress | undefined;
      const seen = new Set<string>();
      const totals = { forms: 0, dispatched: 0, alreadyDone: 0 };
      const event: OrderEventSignal = { eventId: `backfill:${to}`, type: BACKFILL_EVENT_TYPE, occurredAt: to };
      for (let statusIndex = resume?.statusIndex ?? 0; statusIndex < statuses.length; statusIndex++) {
        const since = resume?.statusIndex === statusIndex ? resume.boughtAt : from;
        let batch: { id: string; boughtAt: string }[] = [];
        const flush = async () => {
          const outcomes = await mapLimited(batch, concurrency, (form) =>
            dispatchOne(account, form.id, event, policy, orderTiming),
          );
          for (const outcome of outcomes) {
            if (outcome === 'dispatched') totals.dispatched++;
            else totals.alreadyDone++;
          }
          if (batch.length > 0)
            heartbeat({ statusIndex, boughtAt: batch[batch.length - 1].boughtAt } satisfies BackfillProgress);
          batch = [];
        };
        const forms = allegro.iterateCheckoutForms({
          status: statuses[statusIndex],
          boughtAtGte: since,
          boughtAtLte: to,
          sort: 'lineItems.boughtAt',
        });
        for await (const form of forms) {
          if (seen.has(form.id)) continue;
          seen.add(form.id);
          totals.forms++;
          batch.push({ id: form.id, boughtAt: earliestPurchase(form.lineItems) ?? since });
          if (batch.length >= BACKFILL_BATCH) await flush();
        }
        await flush();
      }
      log().info('backfill done', { account, from, to, ...totals });
      return totals;
    },

    async countWaitingOrders({ account }) {
      const query =
        `WorkflowType = 'importOrder' AND ExecutionStatus = 'Running' AND ${SEARCH_ATTRIBUTES.account} = '${account.replace(/'/g, "\\'")}' ` +
        `AND ${SEARCH_ATTRIBUTES.status} IN ('Waiting', 'NeedsAttention')`;
      return (await deps.temporal.workflow.count(query)).count;
    },
  };
}

function toPolledEvent(event: OrderEvent): PolledEvent {
  return {
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt,
    ...(event.order.checkoutForm ? { checkoutFormId: event.order.checkoutForm.id } : {}),
    lineItemIds: (event.order.lineItems ?? []).map((line) => line.id),
  };
}

function count(result: DispatchResult, outcome: Outcome): void {
  if (outcome === 'dispatched') result.dispatched++;
  else if (outcome === 'cancellationStarted') result.cancellationsStarted++;
  else result.alreadyDone++;
}

function earliestPurchase(lines: { boughtAt?: string | null }[]): string | undefined {
  const times = lines.map((l) => l.boughtAt).filter((t): t is string => !!t);
  return times.sort()[0];
}
