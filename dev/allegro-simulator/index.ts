/**
 * Allegro simulator: a real HTTP server on 127.0.0.1 that answers the REST API calls the
 * integrator makes (CONTRACT.md) and Allegro's OAuth endpoints, with orders generated
 * deterministically from a seed and dev/catalogue.ts. Tests, the demo and the benchmark
 * drive it through `admin` (in-process) or the same methods over HTTP at `/__admin/<name>`.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEMO_SELLER } from '../catalogue';
import { OfferCatalogue, deliveryMethods } from './offers';
import { OAuthServer } from './oauth';
import type { FormStage, FormStatus, OrderSpec, WireCheckoutForm } from './orders';
import { EVENT_TYPES, OrderStore, type FormQuery } from './store';

export type { BuyerKind, FormStatus, MarketplaceId, OrderSpec, WireCheckoutForm } from './orders';
export type { WireEvent } from './store';

export interface SimulatorOptions {
  seed?: number;
  /** 0 (default): a free port. */
  port?: number;
  latencyMs?: number;
  /** API requests per minute per client id; over it: 429. Default: unlimited. */
  rateLimitPerMinute?: number;
  clientId?: string;
  clientSecret?: string;
  /** Default 43199 (Allegro's ≈12 h). */
  accessTokenTtlSeconds?: number;
  /** Device codes are approved as soon as they are issued (no person needed). */
  autoApproveDevice?: boolean;
  /** `interval` of the device flow; polling faster gives slow_down. Default 5 (Allegro's). */
  deviceIntervalSeconds?: number;
  /** Business clock: order and event times, token expiry, 60-day retention. */
  now?: () => Date;
  sellerId?: string;
}

export interface FaultSpec {
  /** The request path: exact (string) or tested by a RegExp. */
  path: RegExp | string;
  method?: string;
  /** How many matching requests it hits; default 1, Infinity for all. */
  times?: number;
  /** Answer with this status (and `body`, or a fitting default error body). */
  status?: number;
  body?: unknown;
  /** Drop the connection without an answer (the client sees a socket reset). */
  reset?: boolean;
  /** Hold the request first ("slow" mode); with no status or reset it is then served normally. */
  delayMs?: number;
}

export interface AddOrdersOptions extends Omit<OrderSpec, 'status' | 'occurredAt'> {
  status?: FormStatus;
  /** Spread the orders' status times evenly over this many seconds before `occurredAt`. */
  spreadOverSeconds?: number;
  /** End of the spread (default now); a past date writes history (ids placed at that time). */
  occurredAt?: Date | string;
}

export interface SimulatorStats {
  /** By route, e.g. "GET /order/events", "POST /auth/oauth/token". */
  requests: Record<string, number>;
  tokenRefreshes: number;
  tokensIssued: number;
  rateLimited: number;
  unauthorized: number;
  faultsInjected: number;
  orders: number;
  events: number;
}

export interface SimulatorAdmin {
  addOrder(spec?: OrderSpec): string;
  addOrders(n: number, opts?: AddOrdersOptions): string[];
  advance(orderId: string, toStatus: Exclude<FormStage, 'BOUGHT'>): void;
  repeatReadyEvent(orderId: string): string;
  cancel(orderId: string, by: 'BUYER' | 'AUTO'): void;
  merge(orderIds: string[], status?: 'FILLED_IN' | 'READY_FOR_PROCESSING'): string;
  backdate(orderId: string, date: Date | string): void;
  startStream(opts: { perSecond: number; status?: FormStatus }): void;
  stopStream(): void;
  setFault(fault: FaultSpec): void;
  clearFaults(): void;
  setLatency(ms: number): void;
  setRateLimit(perMinute: number | null): void;
  expireAccessTokens(): void;
  approveDevice(userCode: string): void;
  denyDevice(userCode: string): void;
  issueTokens(): { accessToken: string; refreshToken: string };
  stats(): SimulatorStats;
  resetStats(): void;
  getOrder(id: string): WireCheckoutForm | undefined;
  listOrderIds(): string[];
}

export interface AllegroSimulator {
  url: string;
  /** Credentials the OAuth endpoints accept. */
  clientId: string;
  clientSecret: string;
  admin: SimulatorAdmin;
  close(): Promise<void>;
}

const PUBLIC_V1 = 'application/vnd.allegro.public.v1+json';
/** CONTRACT.md §1: `AppName/version (+https://info-url)`, required on api.allegro.pl. */
const USER_AGENT = /^\S+\/\S+ \(\+https?:\/\/[^)\s]+\)/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ORDER_EVENT_TYPES: readonly string[] = [...EVENT_TYPES, 'BUYER_MODIFIED'];
const FORM_STATUSES = ['BOUGHT', 'FILLED_IN', 'READY_FOR_PROCESSING', 'CANCELLED'];
const FORM_SORTS = ['lineItems.boughtAt', '-lineItems.boughtAt', 'updatedAt', '-updatedAt'] as const;
const MAX_FORM_WINDOW = 10_000;
const OAUTH_JSON = 'application/json;charset=UTF-8';

interface Answer {
  status: number;
  body?: unknown;
  type?: string;
}

function errorsHolder(code: string, message: string, path: string | null = null, userMessage: string | null = message) {
  return { errors: [{ code, message, details: null, path, userMessage }] };
}

const notFound = () => ({
  status: 404,
  body: errorsHolder('NotFoundException', 'Not found', null, 'Function not available. Contact the application author.'),
});
const validation = (message: string, path: string | null) => ({
  status: 422,
  body: errorsHolder('VALIDATION_ERROR', message, path, null),
});
const badRequest = (message: string, path: string | null) => ({
  status: 400,
  body: errorsHolder('BAD_REQUEST', message, path, null),
});
const tooManyRequests = () =>
  errorsHolder('TooManyRequests', 'Too many requests', null, 'Too many requests. Please try again later.');

interface Route {
  name: string;
  kind: 'api' | 'oauth' | 'page';
  handle(req: http.IncomingMessage, url: URL, body: string): Answer;
}

export async function startAllegroSimulator(opts: SimulatorOptions = {}): Promise<AllegroSimulator> {
  const seed = opts.seed ?? 1;
  const nowMs = opts.now ? () => (opts.now as () => Date)().getTime() : () => Date.now();
  const clientId = opts.clientId ?? 'allegro-simulator-client';
  const clientSecret = opts.clientSecret ?? 'allegro-simulator-secret';
  const store = new OrderStore(seed, opts.sellerId ?? DEMO_SELLER.sellerId, nowMs);
  const offers = new OfferCatalogue(seed);
  const oauth = new OAuthServer({
    clientId,
    clientSecret,
    sellerId: opts.sellerId ?? DEMO_SELLER.sellerId,
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 43199,
    autoApproveDevice: opts.autoApproveDevice ?? false,
    deviceIntervalSeconds: opts.deviceIntervalSeconds ?? 5,
    now: nowMs,
  });

  let latencyMs = opts.latencyMs ?? 0;
  let rateLimit: number | null = opts.rateLimitPerMinute ?? null;
  const rateWindows = new Map<string, number[]>();
  let faults: (FaultSpec & { left: number })[] = [];
  const freshCounters = () => ({
    requests: {} as Record<string, number>,
    rateLimited: 0,
    unauthorized: 0,
    faultsInjected: 0,
  });
  let counters = freshCounters();
  /** OAuth's lifetime totals at the last resetStats(). */
  let oauthBaseline = { refreshes: 0, tokensIssued: 0 };
  let stream: NodeJS.Timeout | undefined;
  let baseUrl = '';

  /** Sliding one-minute window per client id (Allegro limits per Client ID). */
  function withinRateLimit(key: string): boolean {
    if (rateLimit === null) return true;
    const now = Date.now();
    const window = rateWindows.get(key) ?? [];
    while (window.length > 0 && window[0] <= now - 60_000) window.shift();
    rateWindows.set(key, window);
    if (window.length >= rateLimit) return false;
    window.push(now);
    return true;
  }

  function takeFault(method: string, path: string): FaultSpec | undefined {
    const i = faults.findIndex(
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === method) &&
        (typeof f.path === 'string' ? f.path === path : f.path.test(path)),
    );
    if (i < 0) return undefined;
    const fault = faults[i];
    if (--fault.left <= 0) faults.splice(i, 1);
    counters.faultsInjected++;
    return fault;
  }

  // ---- API handlers ------------------------------------------------------------------------

  function intParam(
    q: URLSearchParams,
    name: string,
    fallback: number,
    min: number,
    max: number,
    onError: (m: string, p: string) => Answer,
  ): number | Answer {
    const raw = q.get(name);
    if (raw === null) return fallback;
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw) || n < min || n > max)
      return onError(`${name} must be an integer between ${min} and ${max}`, name);
    return n;
  }

  function dateParam(q: URLSearchParams, name: string): number | undefined | Answer {
    const raw = q.get(name);
    if (raw === null) return undefined;
    const ms = Date.parse(raw);
    return Number.isNaN(ms) ? badRequest(`${name} must be an ISO 8601 date-time`, name) : ms;
  }

  const isAnswer = (x: unknown): x is Answer => typeof x === 'object' && x !== null && 'status' in x;

  function orderEvents(url: URL): Answer {
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

  function checkoutForms(url: URL): Answer {
    const q = url.searchParams;
    const offset = intParam(q, 'offset', 0, 0, Number.MAX_SAFE_INTEGER, badRequest);
    if (isAnswer(offset)) return offset;
    const limit = intParam(q, 'limit', 100, 1, 100, validation);
    if (isAnswer(limit)) return limit;
    if (offset + limit > MAX_FORM_WINDOW)
      return validation(
        `Offset and limit parameters exceed maximal result size of ${MAX_FORM_WINDOW} items`,
        '/order/checkout-forms',
      );
    const status = q.get('status') ?? undefined;
    if (status !== undefined && !FORM_STATUSES.includes(status))
      return badRequest(`Illegal status: ${status}`, 'status');
    const sort = q.get('sort') ?? '-lineItems.boughtAt';
    if (!(FORM_SORTS as readonly string[]).includes(sort)) return badRequest(`Illegal sort: ${sort}`, 'sort');
    const dates: Record<string, number | undefined> = {};
    for (const name of ['lineItems.boughtAt.gte', 'lineItems.boughtAt.lte', 'updatedAt.gte', 'updatedAt.lte']) {
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
      offset,
      limit,
    };
    const { forms, totalCount } = store.listForms(query);
    return { status: 200, body: { checkoutForms: forms, count: forms.length, totalCount } };
  }

  function checkoutForm(id: string): Answer {
    if (!UUID.test(id)) return validation(`Malformed checkout form id: ${id}`, 'id');
    const form = store.getForm(id);
    if (form) return { status: 200, body: form };
    const message = `Checkout form ${id} not found`;
    return {
      status: 404,
      body: errorsHolder('CheckoutFormNotFoundException', message, `/order/checkout-forms/${id}`, message),
    };
  }

  function fulfillment(req: http.IncomingMessage, url: URL, id: string, body: string): Answer {
    const path = `/order/checkout-forms/${id}/fulfillment`;
    if (!(req.headers['content-type'] ?? '').startsWith(PUBLIC_V1)) {
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
        return checkoutForm(id);
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

  function productOffer(offerId: string): Answer {
    const offer = offers.productOffer(offerId);
    return offer
      ? { status: 200, body: offer }
      : {
          status: 404,
          body: errorsHolder('NotFoundException', `Offer ${offerId} not found`, null, 'The offer does not exist.'),
        };
  }

  function offerListing(url: URL): Answer {
    const q = url.searchParams;
    const offset = intParam(q, 'offset', 0, 0, Number.MAX_SAFE_INTEGER, badRequest);
    if (isAnswer(offset)) return offset;
    const limit = intParam(q, 'limit', 20, 1, 1000, validation);
    if (isAnswer(limit)) return limit;
    if (offset + limit > 10_000_000)
      return validation('Offset and limit parameters exceed maximal result size', 'offset');
    const list = (name: string) => (q.getAll(name).length > 0 ? q.getAll(name) : undefined);
    return {
      status: 200,
      body: offers.listing({
        offerIds: list('offer.id'),
        externalIds: list('external.id'),
        name: q.get('name') ?? undefined,
        publicationStatus: list('publication.status'),
        offset,
        limit,
      }),
    };
  }

  // ---- OAuth and the approval page ---------------------------------------------------------

  const verificationUri = () => `${baseUrl}/skojarz-aplikacje`;

  function oauthParams(url: URL, body: string): URLSearchParams {
    const params = new URLSearchParams(url.search);
    for (const [k, v] of new URLSearchParams(body)) params.set(k, v);
    return params;
  }

  function approvalPage(url: URL, body: string, method: string): Answer {
    const params = oauthParams(url, body);
    const code = params.get('code') ?? '';
    let note = '';
    if (method === 'POST')
      note = oauth.decide(code, params.get('decision') === 'approve')
        ? `Decision saved for ${code}.`
        : `Unknown or used code ${code}.`;
    const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    const html = `<!doctype html><meta charset="utf-8"><title>Powiąż aplikację</title><h1>Allegro simulator: powiąż aplikację</h1><p>${esc(note)}</p><form method="post"><input name="code" value="${esc(code)}"><button name="decision" value="approve">Pozwól</button><button name="decision" value="deny">Odmów</button></form>`;
    return { status: 200, body: html, type: 'text/html; charset=utf-8' };
  }

  // ---- routing -----------------------------------------------------------------------------

  function route(method: string, path: string): Route | undefined {
    const seg = path.split('/').slice(1);
    const api = (name: string, handle: Route['handle']): Route => ({ name: `${method} ${name}`, kind: 'api', handle });
    if (method === 'GET' && path === '/order/events') return api('/order/events', (_r, url) => orderEvents(url));
    if (method === 'GET' && path === '/order/event-stats') {
      return api('/order/event-stats', () => {
        const latestEvent = store.latestEvent();
        return { status: 200, body: latestEvent ? { latestEvent } : {} };
      });
    }
    if (method === 'GET' && path === '/order/checkout-forms')
      return api('/order/checkout-forms', (_r, url) => checkoutForms(url));
    if (seg[0] === 'order' && seg[1] === 'checkout-forms' && seg.length === 3 && method === 'GET')
      return api('/order/checkout-forms/{id}', () => checkoutForm(decodeURIComponent(seg[2])));
    if (
      seg[0] === 'order' &&
      seg[1] === 'checkout-forms' &&
      seg.length === 4 &&
      seg[3] === 'fulfillment' &&
      method === 'PUT'
    ) {
      return api('/order/checkout-forms/{id}/fulfillment', (req, url, body) =>
        fulfillment(req, url, decodeURIComponent(seg[2]), body),
      );
    }
    if (seg[0] === 'sale' && seg[1] === 'product-offers' && seg.length === 3 && method === 'GET')
      return api('/sale/product-offers/{offerId}', () => productOffer(decodeURIComponent(seg[2])));
    if (method === 'GET' && path === '/sale/offers') return api('/sale/offers', (_r, url) => offerListing(url));
    if (method === 'GET' && path === '/sale/delivery-methods')
      return api('/sale/delivery-methods', (_r, url) => ({
        status: 200,
        body: deliveryMethods(url.searchParams.get('marketplace')),
      }));
    if (method === 'POST' && path === '/auth/oauth/device') {
      return {
        name: 'POST /auth/oauth/device',
        kind: 'oauth',
        handle: (req, url, body) => oauth.device(req.headers.authorization, oauthParams(url, body), verificationUri()),
      };
    }
    if (method === 'POST' && path === '/auth/oauth/token') {
      return {
        name: 'POST /auth/oauth/token',
        kind: 'oauth',
        handle: (req, url, body) => oauth.token(req.headers.authorization, oauthParams(url, body)),
      };
    }
    if ((method === 'GET' || method === 'POST') && path === '/skojarz-aplikacje') {
      return {
        name: `${method} /skojarz-aplikacje`,
        kind: 'page',
        handle: (_r, url, body) => approvalPage(url, body, method),
      };
    }
    return undefined;
  }

  function apiGate(req: http.IncomingMessage): Answer | undefined {
    if (!USER_AGENT.test(req.headers['user-agent'] ?? '')) {
      return {
        status: 403,
        body: errorsHolder(
          'AccessDenied',
          'Missing or malformed User-Agent; expected "AppName/version (+https://info-url)"',
          null,
          'No access to the specified resource.',
        ),
      };
    }
    const auth = oauth.bearer(req.headers.authorization);
    if (!auth.ok) {
      counters.unauthorized++;
      return { status: 401, body: auth.body };
    }
    if (!(req.headers.accept ?? '').includes(PUBLIC_V1)) {
      return {
        status: 406,
        body: errorsHolder(
          'NotAcceptableException',
          "Not acceptable representation requested. Please check 'Accept' request header",
          null,
          'Not acceptable representation requested.',
        ),
      };
    }
    if (!withinRateLimit(auth.clientId)) {
      counters.rateLimited++;
      return { status: 429, body: tooManyRequests() };
    }
    return undefined;
  }

  function faultBody(status: number): unknown {
    if (status === 401) return { error: 'invalid_token', error_description: 'Access token expired' };
    if (status === 429) return tooManyRequests();
    return errorsHolder(
      status >= 500 ? 'InternalServerErrorException' : 'SimulatedFault',
      http.STATUS_CODES[status] ?? 'Error',
    );
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    res.setHeader('Trace-Id', randomUUID().replace(/-/g, ''));
    const url = new URL(req.url ?? '/', 'http://simulator');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);
    if (url.pathname.startsWith('/__admin/'))
      return send(res, adminOverHttp(url.pathname.slice('/__admin/'.length), body), OAUTH_JSON);

    const r = route(method, url.pathname);
    const name = r?.name ?? `${method} (unknown)`;
    counters.requests[name] = (counters.requests[name] ?? 0) + 1;
    const fault = takeFault(method, url.pathname);
    if (fault?.delayMs) await sleep(fault.delayMs);
    if (latencyMs > 0) await sleep(latencyMs);
    if (fault?.reset) {
      req.socket.destroy();
      return;
    }
    if (fault?.status !== undefined)
      return send(res, { status: fault.status, body: fault.body ?? faultBody(fault.status) }, PUBLIC_V1);
    if (!r) return send(res, notFound(), PUBLIC_V1);
    if (r.kind === 'api') {
      const refused = apiGate(req);
      if (refused) return send(res, refused, PUBLIC_V1);
    }
    send(res, r.handle(req, url, body), r.kind === 'api' ? PUBLIC_V1 : OAUTH_JSON);
  }

  // ---- admin -------------------------------------------------------------------------------

  const toDate = (d: Date | string) => {
    const ms = (typeof d === 'string' ? new Date(d) : d).getTime();
    if (Number.isNaN(ms)) throw new Error(`not a date: ${String(d)}`);
    return ms;
  };

  const admin: SimulatorAdmin = {
    addOrder: (spec) => store.addOrder(spec),
    addOrders(n, o = {}) {
      const { spreadOverSeconds = 0, occurredAt, ...spec } = o;
      const timed = occurredAt !== undefined || spreadOverSeconds > 0;
      const end = occurredAt === undefined ? nowMs() : toDate(occurredAt);
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const at = end - spreadOverSeconds * 1000 + Math.round(((i + 1) * spreadOverSeconds * 1000) / n);
        ids.push(store.addOrder({ ...spec, occurredAt: timed ? new Date(at) : undefined }));
      }
      return ids;
    },
    advance: (id, to) => store.advance(id, to),
    repeatReadyEvent: (id) => store.repeatReadyEvent(id),
    cancel: (id, by) => store.cancel(id, by),
    merge: (ids, status) => store.merge(ids, status),
    backdate: (id, date) => store.backdate(id, toDate(date)),
    startStream({ perSecond, status }) {
      admin.stopStream();
      if (!(perSecond > 0)) throw new Error('perSecond must be positive');
      let owed = 0;
      let last = Date.now();
      stream = setInterval(
        () => {
          const t = Date.now();
          owed += (perSecond * (t - last)) / 1000;
          last = t;
          for (; owed >= 1; owed--) store.addOrder({ status });
        },
        Math.max(10, Math.min(1000, 1000 / perSecond)),
      );
      stream.unref();
    },
    stopStream() {
      if (stream) clearInterval(stream);
      stream = undefined;
    },
    setFault(fault) {
      faults.push({ ...fault, left: fault.times ?? 1 });
    },
    clearFaults() {
      faults = [];
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    setRateLimit(perMinute) {
      rateLimit = perMinute;
      rateWindows.clear();
    },
    expireAccessTokens: () => oauth.expireAccessTokens(),
    approveDevice(userCode) {
      if (!oauth.decide(userCode, true)) throw new Error(`no pending device authorisation for user code ${userCode}`);
    },
    denyDevice(userCode) {
      if (!oauth.decide(userCode, false)) throw new Error(`no pending device authorisation for user code ${userCode}`);
    },
    issueTokens: () => oauth.issueTokens(),
    stats: () => ({
      requests: { ...counters.requests },
      tokenRefreshes: oauth.refreshes - oauthBaseline.refreshes,
      tokensIssued: oauth.tokensIssued - oauthBaseline.tokensIssued,
      rateLimited: counters.rateLimited,
      unauthorized: counters.unauthorized,
      faultsInjected: counters.faultsInjected,
      orders: store.orderCount,
      events: store.eventCount,
    }),
    resetStats() {
      counters = freshCounters();
      oauthBaseline = { refreshes: oauth.refreshes, tokensIssued: oauth.tokensIssued };
    },
    getOrder: (id) => {
      const form = store.getForm(id);
      return form && structuredClone(form);
    },
    listOrderIds: () => store.orderIds(),
  };

  /** POST /__admin/<method> with `{"args": [...]}` → `{"result": ...}`; errors → 400 `{"error"}`. */
  function adminOverHttp(name: string, body: string): Answer {
    const fn = (admin as unknown as Record<string, unknown>)[name];
    if (!Object.prototype.hasOwnProperty.call(admin, name) || typeof fn !== 'function')
      return { status: 404, body: { error: `no admin method ${name}` } };
    try {
      const args = body.trim() === '' ? [] : ((JSON.parse(body) as { args?: unknown[] }).args ?? []);
      if (name === 'setFault' && typeof args[0] === 'object' && args[0] !== null) {
        // JSON has no RegExp: `pathRegex` carries the pattern; "Infinity" survives as a string.
        const f = args[0] as FaultSpec & { pathRegex?: string; times?: number | string };
        const { pathRegex, ...rest } = f;
        args[0] = {
          ...rest,
          path: pathRegex !== undefined ? new RegExp(pathRegex) : f.path,
          times: f.times === undefined ? undefined : Number(f.times),
        };
      }
      const result = (fn as (...a: unknown[]) => unknown)(...args);
      return { status: 200, body: { result: result ?? null } };
    } catch (e) {
      return { status: 400, body: { error: (e as Error).message } };
    }
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      process.stderr.write(`allegro-simulator: ${String((e as Error).stack ?? e)}\n`);
      if (!res.headersSent)
        send(
          res,
          { status: 500, body: errorsHolder('InternalServerErrorException', 'Internal server error') },
          PUBLIC_V1,
        );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: baseUrl,
    clientId,
    clientSecret,
    admin,
    async close() {
      admin.stopStream();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function send(res: http.ServerResponse, answer: Answer, jsonType: string): void {
  if (answer.body === undefined) {
    res.writeHead(answer.status);
    res.end();
    return;
  }
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  res.writeHead(answer.status, { 'Content-Type': answer.type ?? jsonType, 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const MAX_BODY = 1 << 20;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) req.destroy(new Error('request body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
