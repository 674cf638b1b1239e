/**
 * The fulfilment watcher's activities (issue 13). The scan reads Optima; the two Allegro
 * steps run on the Allegro task queue and read Allegro before they write, so a retry after a
 * worker died between a call and its report sets nothing twice and adds no second shipment.
 */
import { OrderGoneError, PermanentError, TransientError } from '../domain/errors';
import { fulfilmentSteps, movesForward } from '../domain/fulfilment';
import type { ActivityDeps } from './deps';
import type { FulfilmentActivities } from './types';

/** A second back: documents written in the scan's last second are seen again, not missed. */
function sinceAfter(maxModifiedAt: string): string {
  const t = new Date(`${maxModifiedAt.replace(' ', 'T')}`);
  t.setSeconds(t.getSeconds() - 1);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())} ${p(t.getHours())}:${p(t.getMinutes())}:${p(t.getSeconds())}`;
}

export function createFulfilmentActivities(deps: ActivityDeps): FulfilmentActivities {
  return {
    async scanFulfilment({ account, since, rules }) {
      const facts = await deps.optima.readChangedOrderDocuments(account, since, rules.attribute?.code ?? '');
      const newest = facts.reduce((max, f) => (f.modifiedAt > max ? f.modifiedAt : max), '');
      return { steps: fulfilmentSteps(facts, rules), since: newest ? sinceAfter(newest) : since };
    },

    async setOrderFulfilment({ account, orderId, status }) {
      const allegro = deps.allegro(account);
      try {
        const form = await allegro.getCheckoutForm(orderId);
        const current = form.fulfillment?.status ?? 'NEW';
        if (!movesForward(current, status)) return { from: current, changed: false };
        await allegro.setFulfillmentStatus(orderId, status, form.revision ?? undefined);
        return { from: current, changed: true };
      } catch (error) {
        if (error instanceof OrderGoneError) return { from: 'gone', changed: false };
        // The buyer changed the order meanwhile: the retry re-reads it (PITFALLS #12).
        if (error instanceof PermanentError && error.details.status === 409)
          throw new TransientError(error.message, { system: 'allegro', status: 409 });
        throw error;
      }
    },

    async addTrackingNumber({ account, orderId, waybill, carrierId }) {
      const allegro = deps.allegro(account);
      const existing = await allegro.listShipments(orderId);
      if (existing.some((s) => s.waybill === waybill)) return { added: false };
      await allegro.addShipment(orderId, { carrierId, waybill });
      return { added: true };
    },
  };
}
