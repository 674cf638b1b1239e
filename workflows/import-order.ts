/**
 * The journey of one Allegro checkout form into Optima (one workflow per form, id
 * `order:<account>:<checkoutFormId>`):
 *
 *   fetch the form → wait for the import stage → (merged payment? link to that document)
 *   → match products → match the contractor → create the document → record the links.
 *
 * Every step is an activity that is idempotent on retry (the gateway writes each link in the
 * transaction that creates the thing), so a worker dying between any two steps never makes
 * a second document or contractor. What needs a person stops visibly (status NeedsAttention
 * with the reason) until a `retry` signal; a busy Optima licence is waited for, for days.
 * It carries no settings: activities read the policy in force, and the rules its own decisions
 * need come from the loadOrderRules local activity (the first read: from its dispatch), so a
 * fixed mapping reaches it on `retry`. How it runs its steps depends on its journey version
 * (journey-version.ts).
 */
import {
  condition,
  continueAsNew,
  log,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { CheckoutForm } from '../domain/allegro';
import { ERROR_TYPES } from '../domain/errors';
import { orderFacts } from '../domain/order-facts';
import type { DocumentRef, OrderStatus } from '../domain/types';
import type { OrderRef } from '../activities/types';
import {
  orderEventSignal,
  orderProgressQuery,
  retrySignal,
  supersededSignal,
  type CancelImportedOrderInput,
  type ImportOrderInput,
  type ImportOrderResult,
  type OrderEventSignal,
  type OrderProgress,
} from './definitions';
import { ACCOUNT, DOCUMENT_NUMBER, ORDER_ID, ORDER_STATUS } from './search-attributes';
import { JourneyRules, stageReached } from './order-rules';
import { JourneyVersion } from './journey-version';
import { cancelDocument, failureOf, recordLink } from './order-steps';

const DEFAULT_WAITING_RECHECK_SECONDS = 6 * 60 * 60;
const DEFAULT_LICENCE_GIVE_UP_SECONDS = 7 * 24 * 60 * 60;
const DEFAULT_WAITS_BEFORE_CONTINUE_AS_NEW = 500;
const CANCEL_EVENT_TYPES = new Set(['BUYER_CANCELLED', 'AUTO_CANCELLED']);

export async function importOrder(input: ImportOrderInput): Promise<ImportOrderResult> {
  const journey = new OrderJourney(input, { continueAsNew: true });
  for (;;) {
    try {
      return await journey.importOnce();
    } catch (error) {
      // A cancel or merge hint arrived mid-way: start over from a fresh read of the order.
      // Every step is idempotent, so repeating the ones already done is harmless.
      if (error instanceof JourneyInterrupted) continue;
      throw error;
    }
  }
}

type StepName =
  | 'fetch'
  | 'findExistingDocument'
  | 'matchProducts'
  | 'matchContractor'
  | 'createDocument'
  | 'recordLink'
  | 'cancelDocument';

class JourneyInterrupted extends Error {}

type AtStage = { kind: 'ready'; order: CheckoutForm } | { kind: 'ended'; result: ImportOrderResult };

/** Also drives the short workflows after an import (workflows/after-import.ts). */
export class OrderJourney {
  private readonly rules: JourneyRules;
  private readonly ref: OrderRef;
  private readonly recheckMs: number;
  private readonly licenceGiveUpMs: number;
  private readonly waitsBeforeContinueAsNew: number;
  private waits = 0;
  private readonly progress: OrderProgress = { status: 'Fetching', step: 'fetch', attempts: 0 };
  private licenceAttempts: number;
  private licenceWaitSince: number | undefined;
  private eventsSinceRead = 0;
  private cancelHint = false;
  /** The last cancel event's type (BUYER_CANCELLED, AUTO_CANCELLED): noted on the document. */
  private cancelledBy: string | undefined;
  private supersededBy: string | undefined;
  private supersedeHint = false;
  private retryRequested = false;
  private document: DocumentRef | undefined;
  /** Which way this order runs its steps (its journey version, or its patches). */
  private readonly version: JourneyVersion;
  /** Waits for a licence or a person so far: matching begun before one is not used after it. */
  private pauses = 0;

  constructor(
    private readonly input: ImportOrderInput | CancelImportedOrderInput,
    private readonly options: { continueAsNew: boolean },
  ) {
    this.rules = new JourneyRules(input.account, input.policy);
    this.ref = { account: input.account, checkoutFormId: input.checkoutFormId };
    const timing = 'timing' in input ? input.timing : undefined;
    this.recheckMs = (timing?.waitingRecheckSeconds ?? DEFAULT_WAITING_RECHECK_SECONDS) * 1000;
    this.licenceGiveUpMs = (timing?.licenceGiveUpAfterSeconds ?? DEFAULT_LICENCE_GIVE_UP_SECONDS) * 1000;
    this.waitsBeforeContinueAsNew = timing?.waitsBeforeContinueAsNew ?? DEFAULT_WAITS_BEFORE_CONTINUE_AS_NEW;
    const resume = 'resume' in input ? input.resume : undefined;
    this.licenceAttempts = resume?.licenceAttempts ?? 0;
    this.licenceWaitSince = resume?.licenceWaitSince ? Date.parse(resume.licenceWaitSince) : undefined;
    this.progress.attempts = this.licenceAttempts;
    this.cancelledBy = 'eventType' in input ? input.eventType : undefined;

    setHandler(orderProgressQuery, () => ({ ...this.progress }));
    const noteEvent = (event: OrderEventSignal) => {
      this.eventsSinceRead++;
      if (CANCEL_EVENT_TYPES.has(event.type)) {
        this.cancelHint = true;
        this.cancelledBy = event.type;
      }
    };
    // Started with its event (activities/order-start.ts): the same as one signalled at the start.
    if ('event' in input && input.event) noteEvent(input.event);
    setHandler(orderEventSignal, noteEvent);
    setHandler(retrySignal, (request) => {
      // The person may have changed the settings: decide with the ones in force now.
      this.rules.retried(request?.policy);
      this.retryRequested = true;
    });
    setHandler(supersededSignal, ({ byCheckoutFormId }) => {
      this.supersededBy = byCheckoutFormId;
      this.supersedeHint = true;
    });
    // Orders recorded before the journey versions replay their patch's marker here.
    this.version = new JourneyVersion(input);
    const given = workflowInfo().typedSearchAttributes;
    const alreadySet =
      given.get(ORDER_ID) === input.checkoutFormId &&
      given.get(ACCOUNT) === input.account &&
      given.get(ORDER_STATUS) === this.progress.status;
    if (!this.version.lean || !alreadySet) {
      upsertSearchAttributes([
        { key: ORDER_ID, value: input.checkoutFormId },
        { key: ACCOUNT, value: input.account },
        { key: ORDER_STATUS, value: this.progress.status },
      ]);
    }
  }

  /** One pass of the business process; JourneyInterrupted restarts it. */
  async importOnce(): Promise<ImportOrderResult> {
    const atStage = await this.readAtImportStage();
    if (atStage.kind === 'ended') return atStage.result;
    const form = atStage.order;
    // Built at each call: a retry after a person's fix carries the rules in force then.
    const matchInput = () => ({ account: this.ref.account, order: form, ...this.rules.forActivity() });
    // Journey 3 starts the matching here, beside the merged-payment lookup; a merged payment's
    // buyer and offers are those of the document it joins: found, not created.
    const pausesBefore = this.pauses;
    // A cancel that came with the form's read: no matching for it (the journey starts over).
    this.throwIfInterrupted();
    const begun = this.version.matching(matchInput);

    // Merged payment: a new form carries the line ids of an order that already has a document.
    const find = this.version.findExisting();
    const existing = await this.step('findExistingDocument', () =>
      find({
        ...this.ref,
        lineIds: form.lineItems.map((line) => line.id),
        totalToPay: form.summary.totalToPay,
      }),
    );
    if (existing) {
      this.document = existing.document;
      await this.recordLinks(existing.document.id);
      const reason = existing.merged
        ? `merged payment: linked to the document of order ${existing.document.orderId}`
        : undefined;
      return this.imported(existing.document, reason, form);
    }

    // Begun before a wait for a licence or a person: matched again, with what holds now.
    const { products, contractor } = this.pauses === pausesBefore ? begun : this.version.matching(matchInput);
    const lines = await this.step('matchProducts', products);
    const buyer = await this.step('matchContractor', contractor);
    const document = await this.step('createDocument', () =>
      this.version.createDocument()({
        account: this.ref.account,
        order: form,
        lines,
        contractor: buyer.contractor,
        ...this.rules.forActivity(),
        importedAt: new Date().toISOString(),
      }),
    );
    this.document = document;
    await this.recordLinks(document.id, buyer.linkKey);
    return this.imported(document, undefined, form);
  }

  /** Confirms the links; marks the order PROCESSING when the rules in force ask for it. */
  private async recordLinks(documentId: number, contractorLinkKey?: string): Promise<void> {
    await this.step('recordLink', async () => {
      const { markProcessing } = await this.rules.current();
      return recordLink({
        ...this.ref,
        documentId,
        ...(contractorLinkKey ? { contractorLinkKey } : {}),
        markProcessing,
      });
    });
  }

  /**
   * Reads the form until it reaches the configured import stage. Ends the journey (a result)
   * when it is cancelled, gone (merged) or superseded while waiting.
   */
  private async readAtImportStage(): Promise<AtStage> {
    for (;;) {
      const order = await this.read();
      if (order === 'gone') {
        if (this.document) return { kind: 'ended', result: this.imported(this.document) };
        const by = this.supersededBy
          ? `merged into checkout form ${this.supersededBy}`
          : 'merged into another checkout form, or older than 12 months';
        return { kind: 'ended', result: this.end('Superseded', `Allegro no longer has this checkout form: ${by}`) };
      }
      if (order.status === 'CANCELLED') return { kind: 'ended', result: await this.cancel() };
      const { stage } = await this.rules.current();
      if (stageReached(order.status, stage)) {
        if (this.progress.status === 'Waiting') this.setStatus('Fetching');
        return { kind: 'ready', order };
      }
      // A waiting order whose lines went into a new checkout form can never be imported itself.
      if (this.supersededBy) {
        return { kind: 'ended', result: this.end('Superseded', `merged into checkout form ${this.supersededBy}`) };
      }

      this.setStatus('Waiting', `the order is ${order.status}; imported from ${stage}`);
      this.progress.nextAttemptAt = new Date(Date.now() + this.recheckMs).toISOString();
      // Woken by any event for this order, a merge, or `retry`; the timer covers lost events.
      await condition(() => this.eventsSinceRead > 0 || this.supersedeHint || this.retryRequested, this.recheckMs);
      this.retryRequested = false;
      this.progress.nextAttemptAt = undefined;
      await this.continueAsNewIfDue();
    }
  }

  /**
   * Fetches the checkout form; 'gone' when Allegro answers 404. Consumes the pending hints.
   * Reloads the settings' rules first, so that each read decides with the current ones.
   */
  async read(): Promise<CheckoutForm | 'gone'> {
    this.eventsSinceRead = 0;
    this.cancelHint = false;
    this.supersedeHint = false;
    const dispatched = this.version.takeStartRules();
    if (dispatched) this.rules.use(dispatched);
    else this.rules.refresh();
    await this.rules.current();
    try {
      const fetch = this.version.takeFetch();
      return await this.step('fetch', () => fetch(this.ref), { interruptible: false });
    } catch (error) {
      if (failureOf(error)?.type === ERROR_TYPES.orderGone) return 'gone';
      throw error;
    }
  }

  /** Waiting, visibly, for the next event of this order or the re-check timer (at most `untilMs`). */
  async waitForNews(reason: string, untilMs: number): Promise<void> {
    const ms = Math.max(1, Math.min(this.recheckMs, untilMs - Date.now()));
    this.setStatus('Waiting', reason);
    this.progress.nextAttemptAt = new Date(Date.now() + ms).toISOString();
    await condition(() => this.eventsSinceRead > 0, ms);
    this.progress.nextAttemptAt = undefined;
  }

  /** The order is cancelled on Allegro: annotate or cancel its document if it has one. */
  async cancel(reason = this.cancelledBy ?? 'CANCELLED'): Promise<ImportOrderResult> {
    const mode = (await this.rules.current()).cancelledAfterDocument;
    const document = await this.step('cancelDocument', () => cancelDocument({ ...this.ref, mode, reason }), {
      interruptible: false,
    });
    if (!document) return this.end('Cancelled', 'cancelled on Allegro before the document was created');
    this.setDocumentNumber(document.number);
    return this.end(
      'Cancelled',
      `cancelled on Allegro after the document: document ${mode === 'cancel' ? 'cancelled' : 'annotated'}`,
    );
  }

  private imported(document: DocumentRef, reason?: string, form?: CheckoutForm): ImportOrderResult {
    // A cancel event that came during the last step: re-read, and cancel the document if confirmed.
    this.throwIfInterrupted();
    const made = form ? { ...(form.revision ? { revision: form.revision } : {}), facts: orderFacts(form) } : {};
    if (this.version.lean && this.progress.documentNumber !== document.number) {
      this.progress.documentNumber = document.number;
      return { ...this.end('Imported', reason, [{ key: DOCUMENT_NUMBER, value: document.number }]), ...made };
    }
    this.setDocumentNumber(document.number);
    return { ...this.end('Imported', reason), ...made };
  }

  end(status: OrderStatus, reason?: string, alsoSet: SearchAttributeUpdatePair[] = []): ImportOrderResult {
    this.setStatus(status, reason, alsoSet);
    log.info('order journey ended', { checkoutFormId: this.ref.checkoutFormId, status, reason });
    return {
      status,
      ...(this.progress.documentNumber ? { documentNumber: this.progress.documentNumber } : {}),
      ...(reason ? { reason } : {}),
    };
  }

  /**
   * Runs one activity step. A busy licence: wait policy.licenceRetryDelaySeconds and try again,
   * counting attempts, for days. Needs a person (or a permanent refusal): status NeedsAttention
   * with the reason until `retry`, then the same step again (with the new policy, if one came).
   */
  private async step<T>(name: StepName, call: () => Promise<T>, options = { interruptible: true }): Promise<T> {
    this.progress.step = name;
    for (;;) {
      if (options.interruptible) this.throwIfInterrupted();
      try {
        const result = await call();
        if (this.licenceWaitSince !== undefined) this.resumeWork();
        return result;
      } catch (error) {
        const failure = failureOf(error);
        if (failure?.type === ERROR_TYPES.licenceUnavailable) {
          await this.waitForLicence(failure.message);
        } else if (failure?.type === ERROR_TYPES.needsPerson || failure?.type === ERROR_TYPES.permanent) {
          await this.waitForPerson(failure.reason ? `${failure.reason}: ${failure.message}` : failure.message);
        } else {
          throw error;
        }
      }
    }
  }

  private async waitForLicence(message: string): Promise<void> {
    this.pauses++;
    const now = Date.now();
    this.licenceWaitSince ??= now;
    this.licenceAttempts++;
    this.progress.attempts = this.licenceAttempts;
    if (now - this.licenceWaitSince >= this.licenceGiveUpMs) {
      const since = new Date(this.licenceWaitSince).toISOString();
      await this.waitForPerson(
        `Optima licence unavailable since ${since} (${this.licenceAttempts} attempts): ${message}`,
      );
      return;
    }
    const delayMs = (await this.rules.current()).licenceRetryDelaySeconds * 1000;
    const next = new Date(now + delayMs).toISOString();
    this.progress.nextAttemptAt = next;
    this.setStatus('Waiting', `Optima licence unavailable (attempt ${this.licenceAttempts}); next try at ${next}`);
    await condition(() => this.interruptPending(), delayMs);
    this.progress.nextAttemptAt = undefined;
    await this.continueAsNewIfDue();
  }

  private async waitForPerson(reason: string): Promise<void> {
    this.pauses++;
    this.retryRequested = false;
    this.setStatus('NeedsAttention', reason);
    await condition(() => this.retryRequested || this.interruptPending());
    this.retryRequested = false;
    this.throwIfInterrupted();
    this.resumeWork();
  }

  /** Back to work after a wait; the attempt count stays visible in the progress. */
  private resumeWork(): void {
    this.licenceWaitSince = undefined;
    this.setStatus('Fetching');
  }

  private interruptPending(): boolean {
    return this.cancelHint || this.supersedeHint;
  }

  private throwIfInterrupted(): void {
    if (this.interruptPending()) throw new JourneyInterrupted();
  }

  /** Long waits (licence, import stage) can last months: start a fresh history, keeping the count. */
  private async continueAsNewIfDue(): Promise<void> {
    this.waits++;
    // Hints that just arrived are handled by this run: a new run would not know them.
    if (!this.options.continueAsNew || this.interruptPending() || this.eventsSinceRead > 0) return;
    if (this.waits < this.waitsBeforeContinueAsNew && !workflowInfo().continueAsNewSuggested) return;
    const {
      policy: _carried,
      event: _handled,
      rules: _dispatched,
      eagerFirstRead: _read,
      ...reference
    } = this.input as ImportOrderInput;
    await continueAsNew<typeof importOrder>({
      ...reference,
      ...this.rules.forActivity(),
      resume: {
        licenceAttempts: this.licenceAttempts,
        ...(this.licenceWaitSince !== undefined
          ? { licenceWaitSince: new Date(this.licenceWaitSince).toISOString() }
          : {}),
      },
    });
  }

  private setStatus(status: OrderStatus, reason?: string, alsoSet: SearchAttributeUpdatePair[] = []): void {
    const changed = status !== this.progress.status;
    this.progress.status = status;
    this.progress.reason = reason;
    setCurrentDetails(reason ? `${status}: ${reason}` : status);
    const pairs = changed ? [...alsoSet, { key: ORDER_STATUS, value: status }] : alsoSet;
    if (pairs.length > 0) upsertSearchAttributes(pairs);
  }

  private setDocumentNumber(number: string): void {
    if (this.progress.documentNumber === number) return;
    this.progress.documentNumber = number;
    upsertSearchAttributes([{ key: DOCUMENT_NUMBER, value: number }]);
  }
}
