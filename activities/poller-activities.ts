/**
 * The poller's activities: read the event journal and hand each checkout form to its order
 * workflow with signal-with-start. The workflow id is the order id and a completed workflow
 * is not started again (ALLOW_DUPLICATE_FAILED_ONLY), so dispatching the same events twice,
 * after a crash or a reset, starts nothing twice; a failed workflow may start again.
 */
import { activityInfo, heartbeat, log as activityLog } from '@temporalio/activity';
import { NativeConnection } from '@temporalio/worker';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import type { CheckoutForm, OrderEvent } from '../domain/allegro';
import { SEARCH_ATTRIBUTES, statusesFrom, type ImportPolicy, type OrderRules } from '../domain/types';
import {
  cancelOrderWorkflowId,
  ORDER_JOURNEY,
  orderEventSignal,
  orderWorkflowId,
  reviewOrderWorkflowId,
  supersededSignal,
  type OrderEventSignal,
  type OrderTiming,
} from '../workflows/definitions';
import type { cancelImportedOrder, reviewImportedOrder } from '../workflows/after-import';
import type { importOrder } from '../workflows/import-order';
import { ACCOUNT, ORDER_ID, ORDER_STATUS } from '../workflows/search-attributes';
import { BurstPacer, StartMeter } from './burst-pacing';
import { Limiter, mapLimited } from './concurrency';
import {
  DISPATCH_HEARTBEAT_MS,
  DispatchProgressTracker,
  type DispatchOutcome as Outcome,
  type DispatchProgress,
} from './dispatch-progress';
import type { ActivityDeps } from './deps';
import { orderStartOptions } from './order-start';
import { orderRulesOf } from './policy';
import type { DispatchResult, PolledEvent, PollerActivities, SweepResult } from './types';

/** The event type a backfill sends to the orders it dispatches (they re-read the form anyway). */
export const BACKFILL_EVENT_TYPE = 'BACKFILL';
const CANCEL_EVENT_TYPES = new Set(['BUYER_CANCELLED', 'AUTO_CANCELLED']);
/** The event type the sweep sends to an order workflow still running (it re-reads the form). */
export const SWEEP_EVENT_TYPE = 'SWEEP';
/**
 * Workflow starts in flight while a page is dispatched. A busy worker's event loop answers
 * late, so many in flight keep the server busy: in a 1,000-order burst (chaos run, no faults)
 * 128 started them all within 28 s where 32 took 38 s, with 100-event pages.
 */
export const DEFAULT_DISPATCH_CONCURRENCY = 128;
/** Forms dispatched between two heartbeats of a backfill. */
const BACKFILL_BATCH = 50;

interface BackfillProgress {
  statusIndex: number;
  /** Resume the status's listing from this purchase time (repeats are harmless). */
  boughtAt: string;
}

/**
 * A page with this few new orders (a trickle, not a burst) starts them eagerly: each one's
 * first workflow task comes back in its start's answer, to a worker of this process, instead of
 * through matching (~40 ms in the steady state). A burst goes through matching, spread over
 * every worker: started eagerly, a burst's tasks all land beside its dispatch. Their first read
 * of the form is eager too (ImportOrderInput.eagerFirstRead): at most this many Allegro reads a
 * poll outside the Allegro queue's rate.
 */
export const EAGER_START_MAX_FORMS = 10;

/** Eager start needs the workers' own connection (worker/wiring.ts); the CLI's and tests' clients have another. */
const canStartEagerly = (temporal: Client) => temporal.connection instanceof NativeConnection;

/**
 * Starts the order's workflow with the event, or signals the running one. A completed workflow
 * is not started again (WorkflowExecutionAlreadyStartedError); a failed one may be. The poller
 * and the CLI's backfill both dispatch through here.
 */
export async function startOrderWorkflow(
  temporal: Client,
  order: {
    account: string;
    checkoutFormId: string;
    /** Only from a poller that carries its own policy (started before, or a test pinning it). */
    policy?: ImportPolicy;
    /** The settings' rules now: the order's first read decides with them (ImportOrderInput.rules). */
    rules?: OrderRules;
    timing?: OrderTiming;
    event: OrderEventSignal;
    taskQueue: string;
    /** A burst's pacing (burst-pacing.ts): the first task of a new workflow waits this long. */
    startDelayMs?: number;
    /** Ask for an eager start and an eager first read (EAGER_START_MAX_FORMS). */
    eager?: boolean;
  },
): Promise<void> {
  const { account, checkoutFormId, policy, rules, timing, event, taskQueue, startDelayMs, eager } = order;
  const workflowId = orderWorkflowId(account, checkoutFormId);
  try {
    await temporal.workflow.start<typeof importOrder>('importOrder', {
      workflowId,
      taskQueue,
      args: [
        {
          account,
          checkoutFormId,
          journey: ORDER_JOURNEY,
          event,
          ...(policy ? { policy } : rules ? { rules } : {}),
          ...(eager ? { eagerFirstRead: true } : {}),
          ...(timing ? { timing } : {}),
        },
      ],
      ...orderStartOptions(account, checkoutFormId),
      ...(startDelayMs ? { startDelay: startDelayMs } : {}),
      // Its first task to a worker of this process, in the start's answer, when one has a slot free.
      ...(eager && canStartEagerly(temporal) ? { requestEagerStart: true } : {}),
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    try {
      await temporal.workflow.getHandle(workflowId).signal(orderEventSignal, event);
    } catch (signalError) {
      // Not running: it completed (a failed one would have started again). The caller counts it done.
      throw signalError instanceof WorkflowNotFoundError ? error : signalError;
    }
  }
}

export function createPollerActivities(deps: ActivityDeps): PollerActivities {
  const concurrency = deps.dispatchConcurrency ?? DEFAULT_DISPATCH_CONCURRENCY;
  const startsInFlight = new Limiter(concurrency);
  const pace = new StartMeter();
  const log = () => deps.log ?? activityLog;

  /** Starts the order's workflow, or signals the running one; a finished one is left alone. */
  async function dispatchOne(
    account: string,
    checkoutFormId: string,
    event: OrderEventSignal,
    policy: ImportPolicy | undefined,
    timing: OrderTiming | undefined,
    start: { startDelayMs?: number; eager?: boolean; rules?: OrderRules } = {},
  ): Promise<Outcome> {
    try {
      await startOrderWorkflow(deps.temporal, {
        account,
        checkoutFormId,
        policy,
        timing,
        event,
        taskQueue: deps.taskQueue,
        ...start,
      });
      return 'dispatched';
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      if (
        CANCEL_EVENT_TYPES.has(event.type) &&
        (await startCancellation(account, checkoutFormId, event, policy, timing))
      ) {
        return 'cancellationStarted';
      }
      return 'alreadyDone';
    }
  }

  /**
   * A cancel event after the order's workflow completed with a document: the short cancel
   * path, or a signal to the one already re-checking. A run that ended without cancelling
   * (Allegro had not applied it) does not make a later cancel event count as done.
   */
  async function startCancellation(
    account: string,
    checkoutFormId: string,
    event: OrderEventSignal,
    policy: ImportPolicy | undefined,
    timing: OrderTiming | undefined,
  ): Promise<boolean> {
    const order = await deps.temporal.workflow.getHandle(orderWorkflowId(account, checkoutFormId)).describe();
    if (order.typedSearchAttributes.get(ORDER_STATUS) !== 'Imported') return false;
    const workflowId = cancelOrderWorkflowId(account, checkoutFormId);
    const previous = await deps.temporal.workflow
      .getHandle(workflowId)
      .describe()
      .catch((error: unknown) => {
        if (error instanceof WorkflowNotFoundError) return null;
        throw error;
      });
    if (
      previous &&
      previous.status.name !== 'RUNNING' &&
      previous.typedSearchAttributes.get(ORDER_STATUS) === 'Cancelled'
    )
      return false;
    await deps.temporal.workflow.signalWithStart<typeof cancelImportedOrder, [OrderEventSignal]>(
      'cancelImportedOrder',
      {
        workflowId,
        taskQueue: deps.taskQueue,
        args: [
          {
            account,
            checkoutFormId,
            ...(policy ? { policy } : {}),
            ...(timing ? { timing } : {}),
            eventType: event.type,
          },
        ],
        signal: orderEventSignal,
        signalArgs: [event],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        typedSearchAttributes: [
          { key: ORDER_ID, value: checkoutFormId },
          { key: ACCOUNT, value: account },
        ],
      },
    );
    log().info('cancellation of an imported order started', { account, checkoutFormId });
    return true;
  }

  /**
   * One form the sweep found changed on Allegro. Its order workflow: still running → told to
   * re-read; imported → a cancellation when Allegro shows it cancelled, a review when it was
   * returned or its revision moved past the one the document was made from. Orders never
   * imported by this integrator are left to the poller.
   */
  async function reviewOne(
    account: string,
    form: CheckoutForm,
    at: string,
    policy: ImportPolicy | undefined,
    timing: OrderTiming | undefined,
  ): Promise<Exclude<keyof SweepResult, 'forms'> | 'unchanged'> {
    const handle = deps.temporal.workflow.getHandle<typeof importOrder>(orderWorkflowId(account, form.id));
    const order = await handle.describe().catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return null;
      throw error;
    });
    if (!order) return 'unchanged';
    const event: OrderEventSignal = { eventId: `sweep:${at}`, type: SWEEP_EVENT_TYPE, occurredAt: at };
    if (order.status.name === 'RUNNING') {
      await handle.signal(orderEventSignal, event);
      return 'signalled';
    }
    // Terminated or failed after its document: no result to compare, a person looks at it.
    if (order.status.name !== 'COMPLETED' || order.typedSearchAttributes.get(ORDER_STATUS) !== 'Imported')
      return 'unchanged';
    if (form.status === 'CANCELLED') {
      const started = await startCancellation(account, form.id, { ...event, type: 'CANCELLED' }, policy, timing);
      return started ? 'cancellations' : 'unchanged';
    }
    const imported = await handle.result();
    const returned = form.fulfillment?.status === 'RETURNED';
    // The seller's own status changes keep the revision: only the buyer's (or Allegro's) count.
    if (!returned && (!imported.revision || imported.revision === form.revision)) return 'unchanged';
    try {
      await deps.temporal.workflow.start<typeof reviewImportedOrder>('reviewImportedOrder', {
        workflowId: reviewOrderWorkflowId(account, form.id, `${form.revision ?? ''}:${form.fulfillment?.status ?? ''}`),
        taskQueue: deps.taskQueue,
        args: [
          {
            account,
            checkoutFormId: form.id,
            ...(policy ? { policy } : {}),
            ...(imported.facts ? { importedFacts: imported.facts } : {}),
          },
        ],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
        typedSearchAttributes: [
          { key: ORDER_ID, value: form.id },
          { key: ACCOUNT, value: account },
        ],
      });
      return 'reviewed';
    } catch (error) {
      // This revision was reviewed already (an earlier sweep's window overlapped).
      if (error instanceof WorkflowExecutionAlreadyStartedError) return 'unchanged';
      throw error;
    }
  }

  return {
    async latestEventId({ account }) {
      const stats = await deps.allegro(account).getEventStats();
      return stats.latestEvent?.id ?? null;
    },

    async readOrderEvents({ account, from, limit }) {
      const entries = await deps.allegro(account).getOrderEventEntries({ ...(from !== null ? { from } : {}), limit });
      const events: PolledEvent[] = [];
      let previous = from;
      for (const entry of entries) {
        if ('event' in entry) {
          events.push(toPolledEvent(entry.event));
          previous = entry.event.id;
          continue;
        }
        const { id, reason } = entry.rejected;
        log().warn('order event skipped: it failed validation', { account, eventId: id, reason });
        // An id-less event is placed at the id before it, so the cursor never moves backwards.
        const at = id ?? previous;
        if (at === null) continue;
        events.push({ id: at, type: '', occurredAt: '', lineItemIds: [], rejected: reason });
        previous = at;
      }
      return events;
    },

    async locateEventCursor({ account, date, pageSize }) {
      const allegro = deps.allegro(account);
      const target = Date.parse(date);
      let previous: string | null = null;
      // Without `from` the journal starts at its oldest kept event; ids cannot be derived from dates.
      for (;;) {
        const from: string | null = previous;
        // Read as the poller reads: a malformed event is stepped over, it does not fail the reset.
        const page = await allegro.getOrderEventEntries({ ...(from !== null ? { from } : {}), limit: pageSize });
        for (const entry of page) {
          if ('rejected' in entry) {
            if (entry.rejected.id !== null) previous = entry.rejected.id;
            continue;
          }
          if (Date.parse(entry.event.occurredAt) >= target) return previous;
          previous = entry.event.id;
        }
        // A short page is the journal's end; a page that did not move past `from` must not loop forever.
        if (page.length < pageSize || previous === from) return previous;
      }
    },

    async dispatchOrderEvents({ account, policy, orderTiming, events, superseded, formsInOtherParts = 0 }) {
      // One dispatch per form: a cancel event wins (it may start the cancel path), else the latest.
      const perForm = new Map<string, PolledEvent>();
      for (const event of events) {
        if (!event.checkoutFormId) continue;
        const kept = perForm.get(event.checkoutFormId);
        if (!kept || !CANCEL_EVENT_TYPES.has(kept.type) || CANCEL_EVENT_TYPES.has(event.type))
          perForm.set(event.checkoutFormId, event);
      }
      const forms = [...perForm.values()];
      // A retry after a worker died part-way resumes where the last heartbeat said the page
      // stood: signalling its first forms again would double the server's work in a burst.
      const resumed = activityInfo().heartbeatDetails as DispatchProgress | undefined;
      const progress = new DispatchProgressTracker(forms.length, resumed);
      // A local dispatch (a short page) has no heartbeats: its retry redoes the page. Nor is
      // it paced: it is over in a few hundred milliseconds.
      const long = !activityInfo().isLocal;
      const beat = long ? setInterval(() => heartbeat(progress.snapshot()), DISPATCH_HEARTBEAT_MS) : undefined;
      const pacer = long ? new BurstPacer(forms.length - progress.start, formsInOtherParts, pace) : undefined;
      const eager = !long && forms.length <= EAGER_START_MAX_FORMS;
      // Read once for the page: each order's first read decides with them, without loading them.
      const rules = policy ? undefined : orderRulesOf(await deps.policy(account));
      try {
        // The parts this process dispatches side by side share its starts in flight: more at
        // once only queue at the server.
        await mapLimited(forms.slice(progress.start), concurrency, (event, index) =>
          startsInFlight.run(async () => {
            const signal = { eventId: event.id, type: event.type, occurredAt: event.occurredAt };
            const outcome = await dispatchOne(account, event.checkoutFormId as string, signal, policy, orderTiming, {
              startDelayMs: pacer?.delayFor(index),
              eager,
              rules,
            });
            if (long) pace.noteStarted();
            progress.finished(progress.start + index, outcome);
          }),
        );
      } finally {
        clearInterval(beat);
      }
      const result: DispatchResult = { cursor: null, ...progress.snapshot().counts };
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

    async sweepChangedOrders({ account, policy, orderTiming, from, to }) {
      const seen = new Set<string>();
      const totals: SweepResult = { forms: 0, reviewed: 0, cancellations: 0, signalled: 0 };
      const forms = deps.allegro(account).iterateCheckoutForms({ updatedAtGte: from, updatedAtLte: to });
      for await (const form of forms) {
        // A form changed while the listing runs may come twice.
        if (seen.has(form.id)) continue;
        seen.add(form.id);
        totals.forms++;
        const outcome = await reviewOne(account, form, to, policy, orderTiming);
        if (outcome !== 'unchanged') totals[outcome]++;
      }
      log().info('sweep done', { account, from, to, ...totals });
      return totals;
    },

    async countWaitingOrders({ account }) {
      return countWaitingOrders(deps.temporal, account);
    },
  };
}

/**
 * Running orders that wait: for payment, a licence, a retry (Waiting), or a person
 * (NeedsAttention). Pollers recorded before 'waiting-counted-by-status' count them after each
 * run; `status` counts them when asked (starter/ops.ts).
 */
export async function countWaitingOrders(temporal: Client, account: string): Promise<number> {
  const query =
    `WorkflowType = 'importOrder' AND ExecutionStatus = 'Running' AND ${SEARCH_ATTRIBUTES.account} = '${account.replace(/'/g, "\\'")}' ` +
    `AND ${SEARCH_ATTRIBUTES.status} IN ('Waiting', 'NeedsAttention')`;
  return (await temporal.workflow.count(query)).count;
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

function earliestPurchase(lines: { boughtAt?: string | null }[]): string | undefined {
  const times = lines.map((l) => l.boughtAt).filter((t): t is string => !!t);
  return times.sort()[0];
}
