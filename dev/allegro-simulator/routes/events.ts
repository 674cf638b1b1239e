/** The order event journal: GET /order/events and /order/event-stats. */
import { intParam, isAnswer, validation, type Answer } from '../answers';
import { EVENT_TYPES, type OrderStore } from '../store';
import { apiRoute, type Route } from './route';

const ORDER_EVENT_TYPES: readonly string[] = [...EVENT_TYPES, 'BUYER_MODIFIED'];

function orderEvents(url: URL, store: OrderStore): Answer {
  const q = url.searchParams;
  const from = q.get('from');
  if (from !== null && (!/^\d{1,16}$/.test(from) || !Number.isSafeInteger(Number(from))))
    return validation('from must be an event id', 'from');
  const limit = intParam(q, 'limit', 100, 1, 1000, validation);
  if (isAnswer(limit)) return limit;
  const types = q
    .getAll('type')
    .flatMap((t) => t.split(','))
    .filter((t) => t !== '');
  const unknown = types.find((t) => !ORDER_EVENT_TYPES.includes(t));
  if (unknown) return validation(`Unknown event type: ${unknown}`, 'type');
  const events = store.events({
    from: from === null ? undefined : Number(from),
    types: types.length > 0 ? new Set(types) : undefined,
    limit,
  });
  return { status: 200, body: { events } };
}

export const eventRoutes: Route[] = [
  apiRoute('GET', '/order/events', ({ url }, { store }) => orderEvents(url, store)),
  apiRoute('GET', '/order/event-stats', (_request, { store }) => {
    const latestEvent = store.latestEvent();
    return { status: 200, body: latestEvent ? { latestEvent } : {} };
  }),
];
