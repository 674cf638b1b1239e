/**
 * The Allegro REST client one worker uses for one seller account: the reads (events, checkout
 * forms, offers, delivery methods) here, the write-back in write-back.ts, the shared transport
 * (token, validation with domain/allegro.ts's schemas, typed errors) in transport.ts.
 */
import type { z } from 'zod';
import {
  CheckoutFormListSchema,
  CheckoutFormSchema,
  DeliveryMethodsSchema,
  EventStatsSchema,
  OfferListSchema,
  OrderEventPageSchema,
  OrderEventsSchema,
  parseOrderEventEntry,
  ProductOfferSchema,
  type CheckoutForm,
  type DeliveryMethod,
  type OfferListing,
  type OrderEvent,
  type OrderEventEntry,
  type ProductOfferResponse,
} from '../../domain/allegro';
import { PermanentError } from '../../domain/errors';
import type { Money } from '../../domain/types';
import { badArgument, checkRange } from './transport';
import { AllegroWriteBack } from './write-back';

export { classifyAllegroResponse, classifyNetworkError, AllegroOrderGoneError, redact } from './errors';
export { allegroUrls, DEFAULT_USER_AGENT, type AllegroTarget, type AllegroEnvironment } from './http';
export type { AllegroClientOptions } from './transport';
export { OFFER_COMMAND_MAX_OFFERS, type OfferCommandKind } from './write-back';

/** Allegro's cap on offset + limit for the checkout-form list. */
export const CHECKOUT_FORMS_MAX_RESULT = 10_000;
const CHECKOUT_FORMS_MAX_LIMIT = 100;
const EVENTS_MAX_LIMIT = 1000;
const OFFERS_MAX_LIMIT = 1000;
/** Lower bound for splitting an open date window: older than any REST-API order. */
const EARLIEST_ORDER_MS = Date.parse('2015-01-01T00:00:00.000Z');
const EAN_PARAMETER_NAME = 'ean (gtin)';
const EAN_PARAMETER_ID = '225693';

export type CheckoutFormSort = 'lineItems.boughtAt' | '-lineItems.boughtAt' | 'updatedAt' | '-updatedAt';

export interface CheckoutFormFilter {
  status?: string;
  fulfillmentStatus?: string;
  /** ISO date-times, inclusive. */
  updatedAtGte?: string;
  updatedAtLte?: string;
  boughtAtGte?: string;
  boughtAtLte?: string;
  buyerLogin?: string;
  marketplaceId?: string;
  paymentId?: string;
  deliveryMethodId?: string;
  sort?: CheckoutFormSort;
  /** offset + limit ≤ 10,000 (Allegro's cap). */
  offset?: number;
  /** 1..100, default 100. */
  limit?: number;
}

export interface CheckoutFormPage {
  checkoutForms: CheckoutForm[];
  count: number;
  totalCount: number;
}

export interface OrderEventQuery {
  /** Events strictly after this event id. */
  from?: string;
  types?: string[];
  /** 1..1000, default 100. */
  limit?: number;
}

export interface OfferFilter {
  offerIds?: string[];
  externalIds?: string[];
  name?: string;
  publicationStatus?: string[];
  /** 1..1000, default 100. */
  limit?: number;
  offset?: number;
}

export interface OfferPage {
  offers: OfferListing[];
  count: number;
  totalCount: number;
}

/** What product matching and offer import need from one offer. */
export interface ProductOffer {
  id: string;
  name: string;
  /** The first `EAN (GTIN)` parameter value among the offer's products, if any. */
  ean: string | null;
  /** The seller's signature (`external.id`). */
  externalId: string | null;
  stock: number | null;
  /** Price on the base marketplace. */
  price: Money | null;
  /** The offer's products (several for a set), each with its own EAN: a set's components are found by them. */
  products: { id: string; ean: string | null }[];
}

function instant(name: string, iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw badArgument(`${name} is not a date-time: "${iso}"`);
  return ms;
}

export class AllegroClient extends AllegroWriteBack {
  /** `GET /order/event-stats`: the newest event, to start a new seller at "now". */
  async getEventStats(): Promise<z.output<typeof EventStatsSchema>> {
    return this.call({ method: 'GET', path: '/order/event-stats', schema: EventStatsSchema, what: 'event stats' });
  }

  /** `GET /order/events`: oldest first, strictly after `from`. Empty: caught up. */
  async getOrderEvents(q: OrderEventQuery = {}): Promise<OrderEvent[]> {
    checkRange('limit', q.limit, 1, EVENTS_MAX_LIMIT);
    const page = await this.call({
      method: 'GET',
      path: '/order/events',
      query: { from: q.from, type: q.types, limit: q.limit },
      schema: OrderEventsSchema,
      what: 'order events',
    });
    return page.events;
  }

  /**
   * `GET /order/events` for the poller: each event validated on its own, in journal order, so
   * a malformed one comes back as `rejected` with its reason and the others are still read.
   */
  async getOrderEventEntries(q: OrderEventQuery = {}): Promise<OrderEventEntry[]> {
    checkRange('limit', q.limit, 1, EVENTS_MAX_LIMIT);
    const page = await this.call({
      method: 'GET',
      path: '/order/events',
      query: { from: q.from, type: q.types, limit: q.limit },
      schema: OrderEventPageSchema,
      what: 'order events',
    });
    return page.events.map(parseOrderEventEntry);
  }

  /** `GET /order/checkout-forms/{id}`. 404 → OrderGoneError; invalid data → NeedsPersonError. */
  async getCheckoutForm(id: string): Promise<CheckoutForm> {
    return this.call({
      method: 'GET',
      path: `/order/checkout-forms/${encodeURIComponent(id)}`,
      schema: CheckoutFormSchema,
      what: `checkout form ${id}`,
      checkoutFormId: id,
    });
  }

  /** One page of `GET /order/checkout-forms`. */
  async listCheckoutForms(filter: CheckoutFormFilter = {}): Promise<CheckoutFormPage> {
    const offset = filter.offset ?? 0;
    const limit = filter.limit ?? CHECKOUT_FORMS_MAX_LIMIT;
    checkRange('limit', limit, 1, CHECKOUT_FORMS_MAX_LIMIT);
    checkRange('offset', offset, 0, CHECKOUT_FORMS_MAX_RESULT - limit);
    return this.call({
      method: 'GET',
      path: '/order/checkout-forms',
      query: {
        status: filter.status,
        'fulfillment.status': filter.fulfillmentStatus,
        'updatedAt.gte': filter.updatedAtGte,
        'updatedAt.lte': filter.updatedAtLte,
        'lineItems.boughtAt.gte': filter.boughtAtGte,
        'lineItems.boughtAt.lte': filter.boughtAtLte,
        'buyer.login': filter.buyerLogin,
        'marketplace.id': filter.marketplaceId,
        'payment.id': filter.paymentId,
        'delivery.method.id': filter.deliveryMethodId,
        sort: filter.sort,
        offset,
        limit,
      },
      schema: CheckoutFormListSchema,
      what: 'checkout form list',
    });
  }

  /**
   * Every checkout form matching `filter`, page by page. When a window holds more than
   * Allegro's 10,000 reachable results, it is halved by date (updatedAt when the filter
   * uses it, else lineItems.boughtAt) until each part fits. A form that changes while
   * this runs may come twice: callers dedupe by id.
   */
  async *iterateCheckoutForms(filter: Omit<CheckoutFormFilter, 'offset' | 'limit'> = {}): AsyncGenerator<CheckoutForm> {
    const byUpdate =
      filter.updatedAtGte !== undefined || filter.updatedAtLte !== undefined || filter.sort?.includes('updatedAt');
    const field = byUpdate
      ? ({ gte: 'updatedAtGte', lte: 'updatedAtLte' } as const)
      : ({ gte: 'boughtAtGte', lte: 'boughtAtLte' } as const);
    // Oldest first by default: new orders then land after the pages already read, so offsets stay stable.
    const sort: CheckoutFormSort = filter.sort ?? (byUpdate ? 'updatedAt' : 'lineItems.boughtAt');
    const base: CheckoutFormFilter = { ...filter, sort };
    const lo = instant(field.gte, filter[field.gte]);
    const hi = instant(field.lte, filter[field.lte]);
    yield* this.iterateWindow(base, field, lo, hi, sort.startsWith('-'));
  }

  private async *iterateWindow(
    base: CheckoutFormFilter,
    field: { gte: 'updatedAtGte' | 'boughtAtGte'; lte: 'updatedAtLte' | 'boughtAtLte' },
    lo: number | undefined,
    hi: number | undefined,
    descending: boolean,
  ): AsyncGenerator<CheckoutForm> {
    const window: CheckoutFormFilter = {
      ...base,
      [field.gte]: lo === undefined ? undefined : new Date(lo).toISOString(),
      [field.lte]: hi === undefined ? undefined : new Date(hi).toISOString(),
    };
    const first = await this.listCheckoutForms({ ...window, offset: 0, limit: CHECKOUT_FORMS_MAX_LIMIT });
    if (first.totalCount > CHECKOUT_FORMS_MAX_RESULT) {
      const from = lo ?? EARLIEST_ORDER_MS;
      const to = hi ?? this.now().getTime();
      if (to <= from) {
        throw new PermanentError(
          `more than ${CHECKOUT_FORMS_MAX_RESULT} checkout forms at ${new Date(from).toISOString()}: cannot split the window further`,
          { system: 'allegro', code: 'WINDOW_TOO_DENSE' },
        );
      }
      // Both bounds are inclusive: the halves are [from, mid] and [mid + 1 ms, to].
      const mid = Math.floor((from + to) / 2);
      const halves: [number, number][] = [
        [from, mid],
        [mid + 1, to],
      ];
      if (descending) halves.reverse();
      for (const [a, b] of halves) yield* this.iterateWindow(base, field, a, b, descending);
      return;
    }
    yield* first.checkoutForms;
    let offset = first.checkoutForms.length;
    let total = first.totalCount;
    while (offset < total && offset < CHECKOUT_FORMS_MAX_RESULT) {
      const limit = Math.min(CHECKOUT_FORMS_MAX_LIMIT, CHECKOUT_FORMS_MAX_RESULT - offset);
      const page = await this.listCheckoutForms({ ...window, offset, limit });
      if (page.checkoutForms.length === 0) break;
      yield* page.checkoutForms;
      offset += page.checkoutForms.length;
      total = page.totalCount;
    }
  }

  /** `GET /sale/product-offers/{offerId}`, reduced to what product matching needs. */
  async getProductOffer(offerId: string): Promise<ProductOffer> {
    const offer = await this.call({
      method: 'GET',
      path: `/sale/product-offers/${encodeURIComponent(offerId)}`,
      schema: ProductOfferSchema,
      what: `product offer ${offerId}`,
    });
    return {
      id: offer.id,
      name: offer.name,
      ean: eanOf(offer),
      externalId: offer.external?.id ?? null,
      stock: offer.stock?.available ?? null,
      price: offer.sellingMode?.price ?? null,
      products: (offer.productSet ?? []).flatMap((element) =>
        element.product?.id ? [{ id: element.product.id, ean: productEan(element.product.parameters) }] : [],
      ),
    };
  }

  /** One page of the seller's offers, `GET /sale/offers`. */
  async listOffers(filter: OfferFilter = {}): Promise<OfferPage> {
    const limit = filter.limit ?? 100;
    checkRange('limit', limit, 1, OFFERS_MAX_LIMIT);
    checkRange('offset', filter.offset, 0, Number.MAX_SAFE_INTEGER);
    return this.call({
      method: 'GET',
      path: '/sale/offers',
      query: {
        'offer.id': filter.offerIds,
        'external.id': filter.externalIds,
        name: filter.name,
        'publication.status': filter.publicationStatus,
        offset: filter.offset ?? 0,
        limit,
      },
      schema: OfferListSchema,
      what: 'offer list',
    });
  }

  /** Every offer matching `filter`, page by page. */
  async *iterateOffers(filter: Omit<OfferFilter, 'offset'> = {}): AsyncGenerator<OfferListing> {
    let offset = 0;
    for (;;) {
      const page = await this.listOffers({ ...filter, offset });
      yield* page.offers;
      offset += page.offers.length;
      if (page.offers.length === 0 || offset >= page.totalCount) return;
    }
  }

  /** `GET /sale/delivery-methods` (includes discontinued methods; only ids are unique). */
  async getDeliveryMethods(marketplace?: string): Promise<DeliveryMethod[]> {
    const answer = await this.call({
      method: 'GET',
      path: '/sale/delivery-methods',
      query: { marketplace },
      schema: DeliveryMethodsSchema,
      what: 'delivery methods',
    });
    return answer.deliveryMethods;
  }
}

type ProductParameters = NonNullable<NonNullable<ProductOfferResponse['productSet']>[number]['product']>['parameters'];

/** The `EAN (GTIN)` parameter value of one product, if any. */
function productEan(parameters: ProductParameters): string | null {
  for (const parameter of parameters ?? []) {
    const isEan = parameter.id === EAN_PARAMETER_ID || parameter.name?.trim().toLowerCase() === EAN_PARAMETER_NAME;
    const value = parameter.values?.find((v) => v.trim() !== '');
    if (isEan && value) return value.trim();
  }
  return null;
}

function eanOf(offer: ProductOfferResponse): string | null {
  for (const element of offer.productSet ?? []) {
    const ean = productEan(element.product?.parameters);
    if (ean) return ean;
  }
  return null;
}
