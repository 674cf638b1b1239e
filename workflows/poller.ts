/**
 * The poller of one Allegro account (workflow id `poller:<account>`): reads the order event
 * journal from a cursor kept in this workflow's state, starts or signals one order workflow
 * per checkout form (idempotently), and advances the cursor only past events whose orders were
 * started or signalled. Runs every N seconds or daily at an hour, and on "import now".
 * Reset to an event id, to "now" or to a date (older than the journal: backfilled from the
 * checkout-form list); pause and resume; state survives continue-as-new.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { statusesFrom } from '../domain/types';
import type { PolledEvent, Superseded } from '../activities/types';
import {
  importNowSignal,
  pauseSignal,
  pollerStatusQuery,
  resetSignal,
  resetUpdate,
  resumeSignal,
  type PollerInput,
  type PollerState,
  type PollerStatus,
  type ResetOutcome,
  type ResetTarget,
} from './definitions';
import {
  allegro,
  BACKFILL_ACTIVITY,
  batchPages,
  countWaitingOrders,
  dispatchPage,
  locally,
  READ_ACTIVITY,
  RUN_ACTIVITY,
} from './poller-steps';
import { nextRunAfter } from './schedule';

/** Allegro keeps 60 days of events; a day of margin for clocks and slow resets. */
const JOURNAL_REACH_MS = 59 * 24 * 60 * 60 * 1000;
const DEFAULT_RUNS_BEFORE_CONTINUE_AS_NEW = 500;
const DEFAULT_SWEEP_EVERY_SECONDS = 24 * 60 * 60;
/** Line ids of unpaid orders remembered to spot merged payments; older ones fall out first. */
const UNPAID_LINES_CAP = 5000;
const UNPAID_EVENT_TYPES = new Set(['BOUGHT', 'FILLED_IN']);

export async function pollAllegroEvents(input: PollerInput): Promise<void> {
  const poller = new Poller(input);
  await poller.run();
}

interface PendingReset {
  ticket: number;
  target: ResetTarget;
  by: 'signal' | 'update';
}

class Poller {
  private readonly state: PollerState;
  /** False until the cursor is first set (initial sync or a reset); no poll reads before. */
  private synced: boolean;
  /** Counted only by pollers recorded before the patch 'waiting-counted-by-status'. */
  private waitingOrders: number | undefined;
  private wake = false;
  /** When the run its timer wakes was due; undefined when a signal woke it (due at once). */
  private dueAt: number | undefined;
  private readonly resets: PendingReset[] = [];
  private resetTickets = 0;
  private readonly resetOutcomes = new Map<number, string | null>();

  constructor(private readonly input: PollerInput) {
    this.synced = input.state !== undefined;
    this.state = input.state ?? {
      cursor: null,
      lastEventAt: null,
      lastImportAt: null,
      nextRunAt: null,
      paused: false,
      eventsSeen: 0,
      ordersStarted: 0,
      backfillFrom: null,
      ordersAlreadyDone: 0,
      unpaidLines: {},
      lastError: null,
    };
    setHandler(pollerStatusQuery, () => this.status());
    setHandler(pauseSignal, () => {
      this.state.paused = true;
    });
    setHandler(resumeSignal, () => {
      this.state.paused = false;
      this.wake = true;
    });
    setHandler(importNowSignal, () => {
      this.wake = true;
    });
    setHandler(
      resetUpdate,
      async (target) => {
        const ticket = ++this.resetTickets;
        this.resets.push({ ticket, target, by: 'update' });
        // The main loop applies it (it alone moves the cursor), then runs at once.
        await condition(() => this.resetOutcomes.has(ticket));
        const failure = this.resetOutcomes.get(ticket);
        this.resetOutcomes.delete(ticket);
        if (failure) throw ApplicationFailure.create({ type: 'ResetFailed', message: failure, nonRetryable: true });
        return this.status();
      },
      { validator: validateResetTarget },
    );
    setHandler(resetSignal, (target) => {
      // A signal cannot answer: a refused target is recorded where ops look (status, current details).
      try {
        validateResetTarget(target);
      } catch (error) {
        this.recordReset({ target, by: 'signal', outcome: `refused: ${messageOf(error)}` });
        return;
      }
      this.resets.push({ ticket: ++this.resetTickets, target, by: 'signal' });
    });
  }

  private recordReset(reset: Omit<ResetOutcome, 'at'>): void {
    this.state.lastReset = { ...reset, at: new Date().toISOString() };
    setCurrentDetails(`Last reset (${reset.by}) ${JSON.stringify(reset.target)}: ${reset.outcome}`);
  }

  async run(): Promise<void> {
    const maxRuns = this.input.runsBeforeContinueAsNew ?? DEFAULT_RUNS_BEFORE_CONTINUE_AS_NEW;
    for (let runs = 1; ; runs++) {
      // The cadence counts from when a run was due, not from when its timer woke it: a timer
      // fires some milliseconds after it is due, and that must not add up run after run.
      const runStartedAt = this.dueAt ?? Date.now();
      await this.applyResets();
      if (!this.synced) await this.initialSync();
      if (this.synced && !this.state.paused) {
        await this.pollOnce();
        await this.sweepIfDue();
      }
      await this.applyResets();

      if (this.synced && (runs >= maxRuns || workflowInfo().continueAsNewSuggested)) {
        // A reset that arrives meanwhile is applied by this run first (only the loop applies them).
        await condition(() => allHandlersFinished() || this.resets.length > 0);
        if (this.resets.length === 0)
          await continueAsNew<typeof pollAllegroEvents>({ ...this.input, state: this.state });
      }

      // Replay-safe: a timer's duration is not compared on replay, only its place in the history.
      const next = nextRunAfter(Date.now(), this.input.schedule, runStartedAt);
      this.state.nextRunAt = new Date(next).toISOString();
      const woken = await condition(() => this.wake || this.resets.length > 0, Math.max(1, next - Date.now()));
      this.wake = false;
      this.dueAt = woken ? undefined : next;
    }
  }

  /** Where a brand-new poller starts: "now", or a date. Failing, it is tried again next run. */
  private async initialSync(): Promise<void> {
    try {
      const { initialSync } = this.input;
      await this.applyReset(initialSync === 'now' ? { to: 'now' } : { to: 'date', date: initialSync });
      this.state.lastError = null;
    } catch (error) {
      this.state.lastError = `initial sync failed: ${messageOf(error)}`;
    }
  }

  private async applyResets(): Promise<void> {
    while (this.resets.length > 0) {
      const { ticket, target, by } = this.resets[0];
      let failure: string | null = null;
      try {
        await this.applyReset(target);
      } catch (error) {
        failure = `reset failed: ${messageOf(error)}`;
      }
      this.resets.shift();
      this.recordReset({ target, by, outcome: failure ?? `applied: cursor ${this.state.cursor ?? 'none'}` });
      if (by === 'update') this.resetOutcomes.set(ticket, failure);
      this.wake = true;
    }
  }

  private async applyReset(target: ResetTarget): Promise<void> {
    if (target.to === 'event') {
      this.state.cursor = target.eventId;
      this.state.backfillFrom = null;
    } else if (target.to === 'now') {
      this.state.cursor = await allegro(RUN_ACTIVITY).latestEventId({ account: this.input.account });
      this.state.backfillFrom = null;
    } else {
      await this.resetToDate(target.date);
    }
    this.synced = true;
  }

  /**
   * An event id cannot be computed from a date. Within the journal's 60 days, find the first
   * event at or after it by reading; older: start from "now" and backfill the checkout forms.
   */
  private async resetToDate(date: string): Promise<void> {
    const at = Date.parse(date);
    if (Date.now() - at < JOURNAL_REACH_MS) {
      this.state.cursor = await allegro(RUN_ACTIVITY).locateEventCursor({
        account: this.input.account,
        date,
        pageSize: this.input.pageSize,
      });
      this.state.backfillFrom = null;
    } else {
      // "Now" first, so that nothing between the backfill's end and the cursor is missed.
      this.state.cursor = await allegro(RUN_ACTIVITY).latestEventId({ account: this.input.account });
      this.state.backfillFrom = new Date(at).toISOString();
    }
  }

  private async pollOnce(): Promise<void> {
    const { account, policy, orderTiming, pageSize } = this.input;
    try {
      if (this.state.backfillFrom) {
        // Without pinned rules the activity takes the statuses from the current import stage.
        const pinned = policy ? { policy, statuses: statusesFrom(policy.stage) } : {};
        const done = await allegro(BACKFILL_ACTIVITY).backfillOrders({
          account,
          ...pinned,
          orderTiming,
          from: this.state.backfillFrom,
          to: new Date().toISOString(),
        });
        this.state.ordersStarted += done.dispatched;
        this.state.ordersAlreadyDone = (this.state.ordersAlreadyDone ?? 0) + done.alreadyDone;
        this.state.backfillFrom = null;
      }
      // Pollers recorded before read-ahead replay reading each page after the previous one's dispatch.
      const readAhead = patched('read-ahead');
      // …and before local runs, reading and dispatching as activities of their own.
      const local = patched('poll-local');
      const read = (from: string | null, reader = allegro(READ_ACTIVITY)) =>
        reader.readOrderEvents({ account, from, limit: pageSize });
      // Only a run's first read is local. A local activity holds its workflow task open, and with
      // it the commands before it: a page read ahead locally, retrying a 5xx, would hold back the
      // dispatch of the page before it (up to the task's 8 s heartbeat).
      let next: Promise<PolledEvent[]> | undefined = read(this.state.cursor, local ? locally : undefined);
      // …and before a burst's full pages were dispatched together.
      const batched = patched('dispatch-batch');
      try {
        for (;;) {
          let events: PolledEvent[] = await next;
          next = undefined;
          if (events.length === 0) break;
          let more = events.length >= pageSize;
          // A backlog: the next page is read while this one is dispatched (a read moves no cursor).
          if (more && readAhead) next = read(events[events.length - 1].id);
          if (batched) ({ events, more, next } = await batchPages(events, more, next, read, pageSize));
          this.noteRejected(events);
          const superseded = this.noteUnpaidLines(events);
          const result = await dispatchPage(this.input, events, superseded, local);
          if (result.cursor !== null) this.state.cursor = result.cursor;
          this.state.eventsSeen += events.length;
          const lastValid = events.filter((event) => !event.rejected).pop();
          if (lastValid) this.state.lastEventAt = lastValid.occurredAt;
          this.state.ordersStarted += result.dispatched;
          this.state.ordersAlreadyDone = (this.state.ordersAlreadyDone ?? 0) + result.alreadyDone;
          // Progress per page: a catch-up of many pages shows it is moving, not only when it ends.
          this.state.lastImportAt = new Date().toISOString();
          if (!more || this.resets.length > 0 || this.state.paused || workflowInfo().continueAsNewSuggested) break;
          next ??= read(this.state.cursor);
        }
      } finally {
        // A page read ahead but not dispatched (a reset, a pause, a failure) is read again next run.
        await next?.catch(() => undefined);
      }
      this.state.lastImportAt = new Date().toISOString();
      this.state.lastError = null;
    } catch (error) {
      // The cursor stayed before what failed; the next run repeats it (dispatch is idempotent).
      this.state.lastError = messageOf(error);
      log.warn('poll run failed', { account, error: this.state.lastError });
    }
    // Pollers recorded before counted the waiting orders after every run: a visibility query a
    // second per account. `status` counts them when asked (starter/ops.ts queryPollerStatus).
    if (patched('waiting-counted-by-status')) return;
    try {
      this.waitingOrders = await countWaitingOrders({ account });
    } catch (error) {
      log.warn('could not count waiting orders', { account, error: messageOf(error) });
    }
  }

  /**
   * The sweep, part of the poller's runs (it owns the account's clock and state; no second
   * schedule to create and keep in step): once the interval has passed, the forms changed on
   * Allegro since the last sweep are handed to their workflows. A failed sweep is repeated,
   * with the same window, at the next run.
   */
  private async sweepIfDue(): Promise<void> {
    const everyMs = (this.input.sweepEverySeconds ?? DEFAULT_SWEEP_EVERY_SECONDS) * 1000;
    // Pollers recorded before the sweep existed replay without it.
    if (everyMs <= 0 || !patched('order-sweep')) return;
    const now = Date.now();
    const from = this.state.lastSweepAt;
    if (!from) {
      this.state.lastSweepAt = new Date(now).toISOString();
      return;
    }
    if (now - Date.parse(from) < everyMs) return;
    const { account, policy, orderTiming } = this.input;
    const to = new Date(now).toISOString();
    try {
      const done = await allegro(BACKFILL_ACTIVITY).sweepChangedOrders({
        account,
        ...(policy ? { policy } : {}),
        ...(orderTiming ? { orderTiming } : {}),
        from,
        to,
      });
      this.state.lastSweepAt = to;
      this.state.ordersReviewed = (this.state.ordersReviewed ?? 0) + done.reviewed + done.cancellations;
    } catch (error) {
      this.state.lastError = `sweep failed: ${messageOf(error)}`;
      log.warn('sweep failed', { account, error: this.state.lastError });
    }
  }

  /** A malformed event never stalls the journal: it is skipped, counted and logged with its id. */
  private noteRejected(events: PolledEvent[]): void {
    for (const { id, rejected } of events) {
      if (rejected === undefined) continue;
      this.state.eventsRejected = (this.state.eventsRejected ?? 0) + 1;
      this.state.lastRejectedEvent = { id, reason: rejected };
      log.warn('order event skipped: it failed validation', {
        account: this.input.account,
        eventId: id,
        reason: rejected,
      });
    }
  }

  /**
   * Merged payments: Allegro replaces unpaid checkout forms by a new one holding the same line
   * ids. Remember the lines of unpaid forms; a different form showing one of them supersedes
   * the old form, whose workflow is waiting for payment that will never come.
   */
  private noteUnpaidLines(events: PolledEvent[]): Superseded[] {
    const lines = (this.state.unpaidLines ??= {});
    const pairs = new Map<string, string>();
    for (const event of events) {
      const formId = event.checkoutFormId;
      if (!formId) continue;
      for (const line of event.lineItemIds) {
        const owner = lines[line];
        if (owner !== undefined && owner !== formId) pairs.set(owner, formId);
        delete lines[line];
        // Re-inserted at the end: object keys keep insertion order, the cap drops the oldest.
        if (UNPAID_EVENT_TYPES.has(event.type)) lines[line] = formId;
      }
    }
    const keys = Object.keys(lines);
    for (let i = 0; i < keys.length - UNPAID_LINES_CAP; i++) delete lines[keys[i]];
    return [...pairs].map(([checkoutFormId, byCheckoutFormId]) => ({ checkoutFormId, byCheckoutFormId }));
  }

  private status(): PollerStatus {
    const { unpaidLines: _lines, ...state } = this.state;
    return {
      ...state,
      account: this.input.account,
      ...(this.waitingOrders !== undefined ? { waitingOrders: this.waitingOrders } : {}),
      schedule: this.input.schedule,
    };
  }
}

function validateResetTarget(target: ResetTarget): void {
  if (target.to === 'event' && !/^\d+$/.test(target.eventId)) {
    throw new Error(`an event id is a number (Allegro's event ids are numeric strings), got "${target.eventId}"`);
  }
  if (target.to === 'date') {
    const at = Date.parse(target.date);
    if (!Number.isFinite(at)) throw new Error(`not a date: "${target.date}"`);
    if (at > Date.now()) throw new Error(`the date ${target.date} is in the future`);
  }
  if (!['event', 'now', 'date'].includes(target.to)) throw new Error(`unknown reset target ${JSON.stringify(target)}`);
}

function messageOf(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  const text = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return text.slice(0, 500);
}
