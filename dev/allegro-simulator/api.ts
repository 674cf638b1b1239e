/** The simulator's public types: what tests, the demo and the benchmark hold and call. */
import type { AddedOffer } from './offers';
import type { FormStage, FormStatus, OrderSpec, WireCheckoutForm } from './orders';
import type { Shipment } from './shipments';

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
  /** Each matching request is hit with this chance (0–1); default 1. The chaos run's error rates. */
  probability?: number;
  /** Answer with this status (and `body`, or a fitting default error body). */
  status?: number;
  body?: unknown;
  /** Drop the connection without an answer (the client sees a socket reset). */
  reset?: boolean;
  /** Hold the request first ("slow" mode); with no status or reset it is then served normally. */
  delayMs?: number;
  /**
   * Serve the request first (its change is made), then fail the answer with `status` or
   * `reset`: the answer is lost mid-command, as when a connection drops after Allegro acted.
   */
  afterServing?: boolean;
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
  /** Offer changes made by quantity and by price commands (successful tasks only). */
  offerChanges: { quantity: number; price: number };
  /** Tracking numbers added through the API. */
  shipmentsAdded: number;
}

export interface SimulatorAdmin {
  addOrder(spec?: OrderSpec): string;
  addOrders(n: number, opts?: AddOrdersOptions): string[];
  advance(orderId: string, toStatus: Exclude<FormStage, 'BOUGHT'>): void;
  repeatReadyEvent(orderId: string): string;
  /** Adds an event for the order with these fields replaced (undefined removes one): a malformed journal entry. */
  addMalformedEvent(orderId: string, fields: Record<string, unknown>): void;
  /** `applied: false`: only the event, the form keeps its status until applyCancellation(). */
  cancel(orderId: string, by: 'BUYER' | 'AUTO', options?: { applied?: boolean }): void;
  applyCancellation(orderId: string): void;
  /** The buyer edits the delivery address: new revision and updatedAt, no event. */
  changeDeliveryAddress(orderId: string): void;
  /** Allegro sets fulfillment RETURNED. */
  markReturned(orderId: string): void;
  merge(orderIds: string[], status?: 'FILLED_IN' | 'READY_FOR_PROCESSING'): string;
  backdate(orderId: string, date: Date | string): void;
  /** New orders at random moments, `perSecond` on average (a Poisson stream; `seed` fixes it). */
  startStream(opts: { perSecond: number; status?: FormStatus; seed?: number }): void;
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
  /** `n` more active offers of the seller (beyond dev/catalogue.ts). */
  addOffers(n: number): AddedOffer[];
  /** An offer's stock, base price (PLN) and prices on the additional marketplaces now; undefined for an unknown offer. */
  getOffer(
    offerId: string,
  ): { stock: number; priceGross: string; additionalPrices: Record<string, string> } | undefined;
  /** Every change command of this offer fails with `reason` from now on; null lifts it. */
  refuseOfferChanges(offerId: string, reason: string | null): void;
  getShipments(orderId: string): Shipment[] | undefined;
}

export interface AllegroSimulator {
  url: string;
  /** Credentials the OAuth endpoints accept. */
  clientId: string;
  clientSecret: string;
  admin: SimulatorAdmin;
  close(): Promise<void>;
}
