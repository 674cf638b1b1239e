/**
 * What a route file exports: routes that each answer one method and path pattern, given the
 * request and the simulator's state (passed in, so a route file holds no state of its own).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Answer } from '../answers';
import type { OfferCommands } from '../commands';
import type { OAuthServer } from '../oauth';
import type { OfferCatalogue } from '../offers';
import type { ShipmentBook } from '../shipments';
import type { OrderStore } from '../store';

export interface SimulatorContext {
  store: OrderStore;
  offers: OfferCatalogue;
  commands: OfferCommands;
  shipments: ShipmentBook;
  oauth: OAuthServer;
  /** The approval page's address: known once the server listens. */
  verificationUri(): string;
}

export interface RouteRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  body: string;
  /** The path's `{name}` segments, decoded. */
  params: Record<string, string>;
}

export interface Route {
  methods: readonly string[];
  /** E.g. `/order/checkout-forms/{id}`: a `{name}` segment matches any one segment. Also the stats' name. */
  path: string;
  /** `api`: the REST API's gate (User-Agent, bearer token, Accept, rate limit) applies first. */
  kind: 'api' | 'oauth' | 'page';
  handle(request: RouteRequest, sim: SimulatorContext): Answer;
}

export const apiRoute = (method: string, path: string, handle: Route['handle']): Route => ({
  methods: [method],
  path,
  kind: 'api',
  handle,
});
