/**
 * A long page of the event journal is dispatched in parts, each its own activity, so that the
 * parts run on different workers at once: a killed worker then holds up only its own parts
 * (until their heartbeat timeout), not the whole burst. Pure and deterministic (workflow code).
 */
import type { PolledEvent } from '../activities/types';

/**
 * Events per part: a 1,000-event page (Allegro's most) goes out as ten. Small parts, taken a
 * couple at a time by each worker (workflows/definitions.ts, dispatchTaskQueue), leave a
 * killed worker little of the burst to hold up: with four parts of 250 it held half of it.
 */
export const DISPATCH_PART_EVENTS = 100;

/**
 * Splits a page into parts of about `size` events, in journal order. All events of one checkout
 * form go into the part where the form first appears: one dispatch decides per form (a cancel
 * event wins, activities/poller-activities.ts), which two parts at once could not.
 */
export function pageParts(events: PolledEvent[], size = DISPATCH_PART_EVENTS): PolledEvent[][] {
  const parts: PolledEvent[][] = [];
  const partOfForm = new Map<string, PolledEvent[]>();
  let current: PolledEvent[] | undefined;
  for (const event of events) {
    const formId = event.checkoutFormId;
    const known = formId === undefined ? undefined : partOfForm.get(formId);
    if (known) {
      known.push(event);
      continue;
    }
    if (!current || current.length >= size) {
      current = [];
      parts.push(current);
    }
    current.push(event);
    if (formId !== undefined) partOfForm.set(formId, current);
  }
  return parts;
}

/**
 * Checkout forms in each part's other parts (a form is in one part only): what its pacing waits
 * for too. The server hands a page's parts to workers in no set order (in chaos runs the last
 * part was often taken first), so any other part may still be starting its orders.
 */
export function formsInOtherParts(parts: PolledEvent[][]): number[] {
  const forms = parts.map((part) => new Set(part.flatMap((event) => event.checkoutFormId ?? [])).size);
  const total = forms.reduce((sum, count) => sum + count, 0);
  return forms.map((count) => total - count);
}
