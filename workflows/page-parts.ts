/**
 * A long page of the event journal is dispatched in parts, each its own activity, so that the
 * parts run on different workers at once: a killed worker then holds up only its own parts
 * (until their heartbeat timeout), not the whole burst. Pure and deterministic (workflow code).
 */
import type { PolledEvent } from '../activities/types';

/** Events per part: a 1,000-event page (Allegro's most) goes out as four. */
export const DISPATCH_PART_EVENTS = 250;

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
