/** Checkout forms: the listing, one form, and the seller's fulfillment status change. */
import {
  badRequest,
  dateParam,
  errorsHolder,
  isAnswer,
  pageParams,
  PUBLIC_V1,
  validation,
  type Answer,
} from '../answers';
import type { FormQuery, OrderStore } from '../store';
import { apiRoute, type Route, type RouteRequest } from './route';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FORM_STATUSES = ['BOUGHT', 'FILLED_IN', 'READY_FOR_PROCESSING', 'CANCELLED'];
const FORM_SORTS = ['lineItems.boughtAt', '-lineItems.boughtAt', 'updatedAt', '-updatedAt'] as const;
const MAX_FORM_WINDOW = 10_000;
const DATE_FILTERS = ['lineItems.boughtAt.gte', 'lineItems.boughtAt.lte', 'updatedAt.gte', 'updatedAt.lte'];

function checkoutForms(url: URL, store: OrderStore): Answer {
  const q = url.searchParams;
  const page = pageParams(q, { defaultLimit: 100, maxLimit: 100 });
  if (isAnswer(page)) return page;
  if (page.offset + page.limit > MAX_FORM_WINDOW)
    return validation(
      `Offset and limit parameters exceed maximal result size of ${MAX_FORM_WINDOW} items`,
      '/order/checkout-forms',
    );
  const status = q.get('status') ?? undefined;
  if (status !== undefined && !FORM_STATUSES.includes(status)) return badRequest(`Illegal status: ${status}`, 'status');
  const sort = q.get('sort') ?? '-lineItems.boughtAt';
  if (!(FORM_SORTS as readonly string[]).includes(sort)) return badRequest(`Illegal sort: ${sort}`, 'sort');
  const dates: Record<string, number | undefined> = {};
  for (const name of DATE_FILTERS) {
    const value = dateParam(q, name);
    if (isAnswer(value)) return value;
    dates[name] = value;
  }
  const query: FormQuery = {
    status,
    fulfillmentStatus: q.get('fulfillment.status') ?? undefined,
    buyerLogin: q.get('buyer.login') ?? undefined,
    marketplaceId: q.get('marketplace.id') ?? undefined,
    deliveryMethodId: q.get('delivery.method.id') ?? undefined,
    paymentId: q.get('payment.id') ?? undefined,
    boughtAtGte: dates['lineItems.boughtAt.gte'],
    boughtAtLte: dates['lineItems.boughtAt.lte'],
    updatedAtGte: dates['updatedAt.gte'],
    updatedAtLte: dates['updatedAt.lte'],
    sort: sort as FormQuery['sort'],
    ...page,
  };
  const { forms, totalCount } = store.listForms(query);
  return { status: 200, body: { checkoutForms: forms, count: forms.length, totalCount } };
}

function checkoutForm(id: string, store: OrderStore): Answer {
  if (!UUID.test(id)) return validation(`Malformed checkout form id: ${id}`, 'id');
  const form = store.getForm(id);
  if (form) return { status: 200, body: form };
  const message = `Checkout form ${id} not found`;
  return {
    status: 404,
    body: errorsHolder('CheckoutFormNotFoundException', message, `/order/checkout-forms/${id}`, message),
  };
}

function fulfillment({ headers, url, body, params }: RouteRequest, store: OrderStore): Answer {
  const id = params.id;
  const path = `/order/checkout-forms/${id}/fulfillment`;
  if (!(headers['content-type'] ?? '').startsWith(PUBLIC_V1)) {
    return {
      status: 415,
      body: errorsHolder('UnsupportedMediaTypeException', `Content-Type must be ${PUBLIC_V1}`, path),
    };
  }
  let status: unknown;
  try {
    status = (JSON.parse(body) as { status?: unknown }).status;
  } catch {
    status = undefined;
  }
  // Allegro's answer to a body it cannot read (issue #3591).
  if (typeof status !== 'string')
    return { status: 400, body: errorsHolder('ERROR', 'An error has occurred', path, null) };
  switch (store.setFulfillment(id, status, url.searchParams.get('checkoutForm.revision') ?? undefined)) {
    case 'ok':
      return { status: 204 };
    case 'not-found':
      return checkoutForm(id, store);
    case 'conflict':
      return {
        status: 409,
        body: errorsHolder(
          'CONFLICT',
          'Provided revision is outdated',
          path,
          'The order has changed. Refresh it and try again.',
        ),
      };
    case 'invalid-status':
      return validation(`Status ${status} cannot be set`, 'status');
    case 'limit-exceeded':
      return {
        status: 422,
        body: errorsHolder(
          'SellerOrdersStoreUnprocessableEntityException',
          'Fulfillment status change limit exceeded',
          path,
        ),
      };
  }
}

export const checkoutFormRoutes: Route[] = [
  apiRoute('GET', '/order/checkout-forms', ({ url }, { store }) => checkoutForms(url, store)),
  apiRoute('GET', '/order/checkout-forms/{id}', ({ params }, { store }) => checkoutForm(params.id, store)),
  apiRoute('PUT', '/order/checkout-forms/{id}/fulfillment', (request, { store }) => fulfillment(request, store)),
];
