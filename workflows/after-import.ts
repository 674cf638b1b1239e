/**
 * Short workflows for orders whose import workflow has finished: a cancellation that came
 * after the document (id `cancel:<account>:<checkoutFormId>`), and the sweep's review of an
 * order changed on Allegro (id `review:<account>:<checkoutFormId>:<revision>:<fulfillment>`).
 */
import { patched } from '@temporalio/workflow';
import { changedFacts, FACT_NAMES, orderFacts } from '../domain/order-facts';
import type { CancelImportedOrderInput, ImportOrderResult, ReviewImportedOrderInput } from './definitions';
import { OrderJourney } from './import-order';
import { noteOnDocument } from './order-steps';

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

/**
 * The sweep found an imported order changed on Allegro: cancelled or returned → the document
 * is annotated or cancelled as configured; buyer, delivery address or invoice data changed →
 * a note naming the part, the document itself is never edited.
 */
export async function reviewImportedOrder(input: ReviewImportedOrderInput): Promise<ImportOrderResult> {
  const journey = new OrderJourney(input, { continueAsNew: false });
  const order = await journey.read();
  if (order === 'gone') return journey.end('Skipped', 'the order is gone on Allegro');
  if (order.status === 'CANCELLED') return journey.cancel();
  if (order.fulfillment?.status === 'RETURNED') return journey.cancel('RETURNED');
  const parts = input.importedFacts ? changedFacts(input.importedFacts, orderFacts(order)) : [];
  if (parts.length === 0) return journey.end('Imported', 'changed on Allegro, nothing the document copied');
  const names = parts.map((part) => FACT_NAMES[part]).join(', ');
  const note = `Allegro: po wystawieniu dokumentu zmieniono ${names} (rewizja ${order.revision ?? '?'}); dokument bez zmian`;
  const document = await noteOnDocument({ account: input.account, checkoutFormId: input.checkoutFormId, note });
  const on = document ? `noted on document ${document.number}` : 'no document to note it on';
  return journey.end('Imported', `changed on Allegro after the document (${parts.join(', ')}): ${on}`);
}
