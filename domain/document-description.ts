/**
 * The document's description (TrN_Opis): the exchange rate, notes for the back office, the
 * pickup point and the buyer's message, cut to the column with a visible marker.
 */
import type { CheckoutForm } from './allegro';
import { rateNote } from './foreign-currency';
import type { DocumentDraft, ImportPolicy } from './types';

/** TrN_Opis is nvarchar(1024). */
export const DESCRIPTION_MAX = 1024;
/** Marks text cut to its column. */
export const CUT_MARKER = '…';

function pickupPointNote(order: CheckoutForm): string | null {
  const pickup = order.delivery?.pickupPoint;
  if (!pickup) return null;
  const a = pickup.address;
  const place = a ? [a.street, [a.zipCode, a.city].filter(Boolean).join(' ')].filter(Boolean).join(', ') : '';
  const head = [pickup.id, pickup.name, place].filter((s) => s && s.trim() !== '').join(', ');
  return `Punkt odbioru: ${head}${pickup.description ? ` (${pickup.description})` : ''}`;
}

export function description(order: CheckoutForm, policy: ImportPolicy, exchange: DocumentDraft['exchange']): string {
  // The rate first: a long buyer's message is what gets cut, never the rate.
  const notes: string[] = exchange ? [rateNote(exchange, order.summary.totalToPay.currency)] : [];
  if (policy.stage === 'BOUGHT') {
    notes.push(
      'Tryb „wszystkie zakupy”: zamówienie pobrane przed opłaceniem, bez kosztu dostawy, z domyślną formą płatności kontrahenta.',
    );
  }
  const payment = order.payment;
  if (payment && payment.type === 'ONLINE' && !payment.finishedAt) {
    notes.push(
      `Płatność rozpoczęta, ale niezakończona (${[payment.type, payment.provider].filter(Boolean).join(' ')}).`,
    );
  }
  if (order.invoice?.required && !order.invoice.address?.company)
    notes.push('Kupujący prosi o fakturę (osoba prywatna).');
  const pickup = pickupPointNote(order);
  if (pickup) notes.push(pickup);
  const message = order.messageToSeller?.trim();
  if (message) notes.push(`Wiadomość od kupującego: ${message}`);
  return fitDescription(notes.join('\n'));
}

/**
 * TrN_Opis is nvarchar(1024): a longer text (a long buyer's message) is cut here with a visible
 * marker, rather than silently by the adapter; the full message stays on the Allegro order.
 */
export function fitDescription(text: string): string {
  if (text.length <= DESCRIPTION_MAX) return text;
  // nvarchar counts UTF-16 units; never leave half of a surrogate pair.
  let end = DESCRIPTION_MAX - CUT_MARKER.length;
  if (/[\uD800-\uDBFF]/.test(text[end - 1])) end -= 1;
  return `${text.slice(0, end)}${CUT_MARKER}`;
}
