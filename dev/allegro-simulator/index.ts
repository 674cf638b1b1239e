/**
 * Allegro simulator: a real HTTP server on 127.0.0.1 that answers the REST API calls the
 * integrator makes (CONTRACT.md) and Allegro's OAuth endpoints, with orders generated
 * deterministically from a seed and dev/catalogue.ts. Tests, the demo and the benchmark
 * drive it through `admin` (in-process) or the same methods over HTTP at `/__admin/<name>`.
 *
 * The routes, by area, are in routes/; server.ts serves them; traffic.ts holds the knobs.
 */
import { DEMO_SELLER } from '../catalogue';
import { createAdmin } from './admin';
import type { AllegroSimulator, SimulatorOptions } from './api';
import { OfferCommands } from './commands';
import { OAuthServer } from './oauth';
import { OfferCatalogue } from './offers';
import type { SimulatorContext } from './routes';
import { listen } from './server';
import { ShipmentBook } from './shipments';
import { OrderStore } from './store';
import { Traffic } from './traffic';

export type {
  AddOrdersOptions,
  AllegroSimulator,
  FaultSpec,
  SimulatorAdmin,
  SimulatorOptions,
  SimulatorStats,
} from './api';
export type { BuyerKind, FormStatus, MarketplaceId, OrderSpec, WireCheckoutForm } from './orders';
export type { WireEvent } from './store';
export type { AddedOffer } from './offers';
export type { Shipment } from './shipments';

export async function startAllegroSimulator(opts: SimulatorOptions = {}): Promise<AllegroSimulator> {
  const seed = opts.seed ?? 1;
  const nowMs = opts.now ? () => (opts.now as () => Date)().getTime() : () => Date.now();
  const clientId = opts.clientId ?? 'allegro-simulator-client';
  const clientSecret = opts.clientSecret ?? 'allegro-simulator-secret';
  const sellerId = opts.sellerId ?? DEMO_SELLER.sellerId;
  const store = new OrderStore(seed, sellerId, nowMs);
  const oauth = new OAuthServer({
    clientId,
    clientSecret,
    sellerId,
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 43199,
    autoApproveDevice: opts.autoApproveDevice ?? false,
    deviceIntervalSeconds: opts.deviceIntervalSeconds ?? 5,
    now: nowMs,
  });
  const traffic = new Traffic(opts.latencyMs ?? 0, opts.rateLimitPerMinute ?? null);
  const offers = new OfferCatalogue(seed);
  const commands = new OfferCommands(offers, nowMs);
  const shipments = new ShipmentBook(store, nowMs);
  const admin = createAdmin({ store, offers, commands, shipments, oauth, traffic, nowMs });

  let baseUrl = '';
  const context: SimulatorContext = {
    store,
    offers,
    commands,
    shipments,
    oauth,
    verificationUri: () => `${baseUrl}/skojarz-aplikacje`,
  };
  const server = await listen(opts.port ?? 0, { context, traffic, admin });
  baseUrl = server.url;

  return {
    url: baseUrl,
    clientId,
    clientSecret,
    admin,
    async close() {
      admin.stopStream();
      await server.close();
    },
  };
}
