/**
 * Short workflows for orders whose import workflow has finished: a cancellation that came
 * after the document (id `cancel:<account>:<checkoutFormId>`).
 */
import { patched } from '@temporalio/workflow';
import type { CancelImportedOrderInput, ImportOrderResult } from './definitions';
import { OrderJourney } from './import-order';

const DEFAULT_CANCEL_RECHECK_SECONDS = 7 * 24 * 60 * 60;

/**
 * A BUYER_CANCELLED / AUTO_CANCELLED event for an order whose workflow already finished.
 * Events are hints: only a form that Allegro shows as CANCELLED cancels a document. Allegro
 * may send the event before the form reads CANCELLED, so the form is re-read (at each new
 * event for it, else on the re-check timer) until it does or `cancelRecheckForSeconds` pass.
 */
export async function cancelImportedOrder(input: CancelImportedOrderInput): Promise<ImportOrderResult> {
  const journey = new OrderJourney(input, { continueAsNew: false });
  const recheckMs = (input.timing?.cancelRecheckForSeconds ?? DEFAULT_CANCEL_RECHECK_SECONDS) * 1000;
  const until = Date.now() + recheckMs;
  for (;;) {
    const order = await journey.read();
    if (order !== 'gone' && order.status === 'CANCELLED') return journey.cancel();
    const state = order === 'gone' ? 'gone' : order.status;
    // Before this patch the first read decided, and the cancellation was forgotten.
    if (order === 'gone' || !patched('cancel-recheck') || Date.now() >= until) {
      return journey.end('Skipped', `the order is ${state} on Allegro, not cancelled`);
    }
    await journey.waitForNews(`a cancel event came but the order is still ${state} on Allegro: re-checking`, until);
  }
}
