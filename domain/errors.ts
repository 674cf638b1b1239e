/**
 * Typed errors. Their `name` travels through Temporal as the ApplicationFailure `type`,
 * which the activity retry policies in workflows/ use to decide what retries.
 *
 * - Transient: retried with backoff by Temporal (visible as attempts in the UI).
 * - LicenceUnavailable: transient, but on its own slow schedule for days.
 * - NeedsPerson: not retried; the order waits, visibly, for a `retry` signal.
 * - Permanent: bad request to a system; the order needs a person too, with the reason.
 */

export const ERROR_TYPES = {
  transient: 'TransientError',
  licenceUnavailable: 'LicenceUnavailableError',
  needsPerson: 'NeedsPersonError',
  permanent: 'PermanentError',
  orderGone: 'OrderGoneError',
  allegroNeeded: 'AllegroNeededError',
} as const;

/** Error types that must never be retried by Temporal's activity retry. */
export const NON_RETRYABLE_ERROR_TYPES = [ERROR_TYPES.needsPerson, ERROR_TYPES.permanent, ERROR_TYPES.orderGone];

export class TransientError extends Error {
  override readonly name: string = ERROR_TYPES.transient;
  constructor(
    message: string,
    readonly details: { system: 'allegro' | 'optima'; status?: number; code?: string; traceId?: string } = {
      system: 'optima',
    },
  ) {
    super(message);
  }
}

/** Optima module licence not free right now: wait longer (settings: optima.licenceRetryDelay). */
export class LicenceUnavailableError extends Error {
  override readonly name = ERROR_TYPES.licenceUnavailable;
}

export type NeedsPersonReason =
  | 'unmapped-payment'
  | 'unmapped-delivery'
  | 'unmapped-surcharge'
  | 'product-not-found'
  | 'ambiguous-contractor'
  | 'invalid-order-data'
  | 'allegro-rejected'
  | 'optima-rejected'
  | 'total-mismatch';

/**
 * Why an order's own data is refused, finer than NeedsPersonReason: what ops filter on and
 * what the fuzz run counts. The message of such a refusal names the field (`surcharges[0]`).
 */
export type RefusalCode =
  | NeedsPersonReason
  | 'negative-amount'
  | 'amount-out-of-range'
  | 'quantity-not-whole'
  | 'unknown-vat-rate'
  | 'invalid-date'
  | 'invalid-currency'
  | 'invalid-nip'
  | 'paid-differs'
  | 'unbooked-surcharge'
  | 'product-set'
  | 'merged-differs';

/** The order cannot go on without a person; the message says what to fix. */
export class NeedsPersonError extends Error {
  override readonly name = ERROR_TYPES.needsPerson;
  readonly code: RefusalCode;
  constructor(
    readonly reason: NeedsPersonReason,
    message: string,
    code?: RefusalCode,
  ) {
    super(message);
    this.code = code ?? reason;
  }
}

/**
 * A pure domain function refusing an order: the reason (what kind of person is needed),
 * the code (what exactly is wrong) and the field of the checkout form or setting concerned.
 */
export class OrderRefusal extends Error {
  override readonly name = 'OrderRefusal';
  constructor(
    readonly reason: NeedsPersonReason,
    readonly code: RefusalCode,
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** A 4xx from Allegro or bad data refused by Optima: retrying the same call cannot help. */
export class PermanentError extends Error {
  override readonly name = ERROR_TYPES.permanent;
  constructor(
    message: string,
    readonly details: {
      system: 'allegro' | 'optima';
      status?: number;
      code?: string;
      userMessage?: string;
      path?: string;
      traceId?: string;
    },
  ) {
    super(message);
  }
}

/**
 * A step tried without Allegro (a local activity, outside the Allegro queue's shared rate)
 * needs an Allegro call after all: the journey hands it to the regular step on that queue.
 */
export class AllegroNeededError extends Error {
  override readonly name = ERROR_TYPES.allegroNeeded;
}

/** The checkout form is gone (404): merged into a new one, or older than 12 months. */
export class OrderGoneError extends Error {
  override readonly name = ERROR_TYPES.orderGone;
}
