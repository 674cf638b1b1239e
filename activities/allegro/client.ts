/**
 * The Allegro REST client one worker uses for one seller account. Every answer is
 * validated with the zod schemas of domain/allegro.ts; every failure is a typed error
 * (domain/errors.ts) carrying Allegro's Trace-Id. A 401 refreshes the token once (shared
 * with concurrent callers) and repeats the call once.
 */
import type { Dispatcher } from 'undici';
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
import {
  CarriersSchema,
  CommandReportSchema,
  CommandTasksSchema,
  ShipmentListSchema,
  ShipmentSchema,
  type CommandReport,
  type CommandTask,
  type Shipment,
} from '../../domain/allegro-write-back';
import { PermanentError } from '../../domain/errors';
import type { Money } from '../../domain/types';
import { classifyAllegroResponse, invalidAnswerError, type AllegroCallContext } from './errors';
import {
  ALLEGRO_MEDIA_TYPE,
  allegroUrls,
  createAllegroAgent,
  DEFAULT_TIMEOUTS,
  DEFAULT_USER_AGENT,
  send,
  type AllegroTarget,
  type AllegroUrls,
  type HttpTimeouts,
} from './http';
import type { OAuthConfig } from './oauth';
import { AllegroTokenManager, type TokenStore } from './token-store';

export { classifyAllegroResponse, classifyNetworkError, AllegroOrderGoneError, redact } from './errors';
export { allegroUrls, DEFAULT_USER_AGENT, type AllegroTarget, type AllegroEnvironment } from './http';

/** Allegro's cap on offset + limit for the checkout-form list. */
export const CHECKOUT_FORMS_MAX_RESULT = 10_000;
const CHECKOUT_FORMS_MAX_LIMIT = 100;
const EVENTS_MAX_LIMIT = 1000;
const OFFERS_MAX_LIMIT = 1000;
/** Offers in one change command, and tasks per page of its report (openapi.yaml). */
export const OFFER_COMMAND_MAX_OFFERS = 1000;
const COMMAND_PATHS = { quantity: '/sale/offer-quantity-change-commands', price: '/sale/offer-price-change-commands' };
export type OfferCommandKind = keyof typeof COMMAND_PATHS;
/** Lower bound for splitting an open date window: older than any REST-API order. */
const EARLIEST_ORDER_MS = Date.parse('2015-01-01T00:00:00.000Z');
const EAN_PARAMETER_NAME = 'ean (gtin)';
const EAN_PARAMETER_ID = '225693';

export interface AllegroClientOptions {
  /** The account's name in settings; keys the token store. */
  account: string;
  target: AllegroTarget;
  clientId: string;
  clientSecret: string;
  tokenStore: TokenStore;
  /** `RegisteredAppName/version (+https://info-url)`; default DEFAULT_USER_AGENT. */
  userAgent?: string;
  /** Language of `userMessage` in errors, e.g. `pl-PL`. */
  acceptLanguage?: string;
  /** Inject a dispatcher (a MockAgent in tests); default: an own keep-alive Agent. */
  dispatcher?: Dispatcher;
  timeouts?: Partial<HttpTimeouts>;
  /** Sockets per origin for the own Agent. Default 8. */
  connectionsPerOrigin?: number;
  now?: () => Date;
  /** Refresh this long before expiry. Default 60 s. */
  refreshMarginMs?: number;
}

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

type Query = Record<string, string | number | readonly string[] | undefined>;

interface CallSpec<S extends z.ZodType> {
  method: 'GET' | 'PUT' | 'POST';
  path: string;
  query?: Query;
  body?: unknown;
  /** Absent: no answer body expected (204). */
  schema?: S;
  /** What the answer is, for validation messages. */
  what: string;
  checkoutFormId?: string;
}

function toQueryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (typeof value === 'object') for (const v of value) params.append(key, v);
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function badArgument(message: string): PermanentError {
  return new PermanentError(message, { system: 'allegro', code: 'INVALID_ARGUMENT' });
}

function checkRange(name: string, value: number | undefined, min: number, max: number): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    throw badArgument(`${name} must be an integer in ${min}..${max}, got ${value}`);
  }
}

function instant(name: string, iso: string | undefined): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw badArgument(`${name} is not a date-time: "${iso}"`);
  return ms;
}

export class AllegroClient {
  readonly account: string;
  readonly urls: AllegroUrls;
  readonly tokens: AllegroTokenManager;
  /** For the CLI's device flow against the same host, agent and User-Agent. */
  readonly oauth: OAuthConfig;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly timeouts: HttpTimeouts;
  private readonly userAgent: string;
  private readonly acceptLanguage?: string;
  private readonly now: () => Date;

  constructor(opts: AllegroClientOptions) {
    this.account = opts.account;
    this.urls = allegroUrls(opts.target);
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    this.ownsDispatcher = !opts.dispatcher;
    this.dispatcher = opts.dispatcher ?? createAllegroAgent(this.timeouts, opts.connectionsPerOrigin ?? 8);
    this.userAgent = opts.userAgent ?? DEFAULT_USER_AGENT;
    this.acceptLanguage = opts.acceptLanguage;
    this.now = opts.now ?? (() => new Date());
    this.oauth = {
      authUrl: this.urls.authUrl,
      clientId: opts.clientId,
      clientSecret: opts.clientSecret,
      dispatcher: this.dispatcher,
      userAgent: this.userAgent,
      timeouts: this.timeouts,
    };
    this.tokens = new AllegroTokenManager({
      account: opts.account,
      store: opts.tokenStore,
      oauth: this.oauth,
      now: this.now,
      refreshMarginMs: opts.refreshMarginMs,
    });
  }

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

  /**
   * `PUT /order/checkout-forms/{id}/fulfillment`. With `revision`, Allegro refuses (409) when
   * the order changed since it was read: re-fetch first. Only call on a real transition
   * (Allegro caps status changes at 100 per order).
   */
  async setFulfillmentStatus(id: string, status: string, revision?: string): Promise<void> {
    await this.call({
      method: 'PUT',
      path: `/order/checkout-forms/${encodeURIComponent(id)}/fulfillment`,
      query: { 'checkoutForm.revision': revision },
      body: { status },
      what: `fulfillment of ${id}`,
      checkoutFormId: id,
    });
  }

  /**
   * `PUT /sale/offer-{quantity|price}-change-commands/{commandId}`: one modification for up to
   * 1000 offers. The command id is the caller's: a repeat after a lost answer gets 409, and
   * reads the report of the command registered the first time instead of changing anything again.
   */
  async registerOfferCommand(
    kind: OfferCommandKind,
    commandId: string,
    modification: Record<string, unknown>,
    offerIds: readonly string[],
  ): Promise<CommandReport> {
    checkRange('offers', offerIds.length, 1, OFFER_COMMAND_MAX_OFFERS);
    const path = `${COMMAND_PATHS[kind]}/${encodeURIComponent(commandId)}`;
    try {
      return await this.call({
        method: 'PUT',
        path,
        body: { modification, offerCriteria: [{ type: 'CONTAINS_OFFERS', offers: offerIds.map((id) => ({ id })) }] },
        schema: CommandReportSchema,
        what: `${kind} command ${commandId}`,
      });
    } catch (error) {
      if (error instanceof PermanentError && error.details.status === 409)
        return this.offerCommandReport(kind, commandId);
      throw error;
    }
  }

  /** `GET …-change-commands/{commandId}`: the summary; `completedAt` set once every task ran. */
  async offerCommandReport(kind: OfferCommandKind, commandId: string): Promise<CommandReport> {
    return this.call({
      method: 'GET',
      path: `${COMMAND_PATHS[kind]}/${encodeURIComponent(commandId)}`,
      schema: CommandReportSchema,
      what: `${kind} command ${commandId}`,
    });
  }

  /** Every task of a command: one per offer, so one page of 1000 holds a whole command. */
  async offerCommandTasks(kind: OfferCommandKind, commandId: string): Promise<CommandTask[]> {
    const page = await this.call({
      method: 'GET',
      path: `${COMMAND_PATHS[kind]}/${encodeURIComponent(commandId)}/tasks`,
      query: { offset: 0, limit: OFFER_COMMAND_MAX_OFFERS },
      schema: CommandTasksSchema,
      what: `tasks of ${kind} command ${commandId}`,
    });
    return page.tasks;
  }

  /** `GET /order/checkout-forms/{id}/shipments`: also numbers added outside the integrator. */
  async listShipments(checkoutFormId: string): Promise<Shipment[]> {
    const answer = await this.call({
      method: 'GET',
      path: `/order/checkout-forms/${encodeURIComponent(checkoutFormId)}/shipments`,
      schema: ShipmentListSchema,
      what: `shipments of ${checkoutFormId}`,
      checkoutFormId,
    });
    return answer.shipments;
  }

  /** `POST /order/checkout-forms/{id}/shipments` for the whole order. `carrierName` only with OTHER. */
  async addShipment(
    checkoutFormId: string,
    shipment: { carrierId: string; waybill: string; carrierName?: string },
  ): Promise<Shipment> {
    return this.call({
      method: 'POST',
      path: `/order/checkout-forms/${encodeURIComponent(checkoutFormId)}/shipments`,
      body: shipment.carrierId === 'OTHER' ? shipment : { carrierId: shipment.carrierId, waybill: shipment.waybill },
      schema: ShipmentSchema,
      what: `shipment of ${checkoutFormId}`,
      checkoutFormId,
    });
  }

  /** `GET /order/carriers`. */
  async getCarriers(): Promise<{ id: string; name?: string | null }[]> {
    return (await this.call({ method: 'GET', path: '/order/carriers', schema: CarriersSchema, what: 'carriers' }))
      .carriers;
  }

  /** Closes the own agent (not an injected dispatcher). */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private call<S extends z.ZodType>(spec: CallSpec<S> & { schema: S }): Promise<z.output<S>>;
  private call(spec: CallSpec<z.ZodType> & { schema?: undefined }): Promise<void>;
  private async call<S extends z.ZodType>(spec: CallSpec<S>): Promise<z.output<S> | void> {
    const path = `${spec.path}${toQueryString(spec.query)}`;
    let token = await this.tokens.getAccessToken();
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = {
        accept: ALLEGRO_MEDIA_TYPE,
        authorization: `Bearer ${token}`,
        'user-agent': this.userAgent,
      };
      if (this.acceptLanguage) headers['accept-language'] = this.acceptLanguage;
      if (spec.body !== undefined) headers['content-type'] = ALLEGRO_MEDIA_TYPE;
      const ctx: AllegroCallContext = {
        method: spec.method,
        path: spec.path,
        checkoutFormId: spec.checkoutFormId,
        secrets: this.tokens.secrets(),
      };
      const res = await send(
        this.dispatcher,
        {
          origin: this.urls.apiUrl,
          method: spec.method,
          path,
          headers,
          body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        },
        this.timeouts,
      );
      ctx.traceId = res.traceId;
      const verdict = classifyAllegroResponse(res.status, res.body, ctx);
      if (verdict.kind === 'unauthorized') {
        if (attempt > 1) throw verdict.error;
        token = await this.tokens.refresh(token);
        continue;
      }
      if (verdict.kind === 'error') throw verdict.error;
      if (!spec.schema) return;
      const parsed = spec.schema.safeParse(res.body);
      if (!parsed.success) {
        throw invalidAnswerError(spec.what, parsed.error, { ...ctx, order: spec.checkoutFormId !== undefined });
      }
      return parsed.data;
    }
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
