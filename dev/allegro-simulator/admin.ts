/** The simulator's admin: what tests, the demo and the benchmark do to it (in-process). */
import type { SimulatorAdmin } from './api';
import type { OfferCommands } from './commands';
import type { OAuthServer } from './oauth';
import type { OfferCatalogue } from './offers';
import { Rng } from './rng';
import type { ShipmentBook } from './shipments';
import type { OrderStore } from './store';
import type { Traffic } from './traffic';

const toDate = (d: Date | string) => {
  const ms = (typeof d === 'string' ? new Date(d) : d).getTime();
  if (Number.isNaN(ms)) throw new Error(`not a date: ${String(d)}`);
  return ms;
};

/** The stream's own random numbers (rng.ts), apart from the orders' data. */
const STREAM_RNG = 0x57e4;

export function createAdmin(sim: {
  store: OrderStore;
  offers: OfferCatalogue;
  commands: OfferCommands;
  shipments: ShipmentBook;
  oauth: OAuthServer;
  traffic: Traffic;
  nowMs: () => number;
}): SimulatorAdmin {
  const { store, offers, commands, shipments, oauth, traffic, nowMs } = sim;
  let stream: NodeJS.Timeout | undefined;
  /** OAuth's lifetime totals at the last resetStats(). */
  let oauthBaseline = { refreshes: 0, tokensIssued: 0 };

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
    addMalformedEvent: (id, fields) => store.addMalformedEvent(id, fields),
    cancel: (id, by, options) => store.cancel(id, by, options?.applied ?? true),
    applyCancellation: (id) => store.applyCancellation(id),
    changeDeliveryAddress: (id) => store.changeDeliveryAddress(id),
    markReturned: (id) => store.markReturned(id),
    merge: (ids, status) => store.merge(ids, status),
    backdate: (id, date) => store.backdate(id, toDate(date)),
    startStream({ perSecond, status, seed = 1 }) {
      admin.stopStream();
      if (!(perSecond > 0)) throw new Error('perSecond must be positive');
      // Buyers pay at random moments (a Poisson stream at the given rate), not on a beat: a
      // poller running on a beat of its own would otherwise always find them at the same offsets.
      const rng = new Rng(seed, STREAM_RNG);
      const gapMs = () => (-Math.log(1 - rng.next()) * 1000) / perSecond;
      let nextAt = Date.now() + gapMs();
      const arrive = () => {
        for (const now = Date.now(); nextAt <= now; nextAt += gapMs()) store.addOrder({ status });
        stream = setTimeout(arrive, Math.max(0, nextAt - Date.now()));
        stream.unref();
      };
      arrive();
    },
    stopStream() {
      if (stream) clearTimeout(stream);
      stream = undefined;
    },
    setFault: (fault) => traffic.addFault(fault),
    clearFaults: () => traffic.clearFaults(),
    setLatency(ms) {
      traffic.latencyMs = ms;
    },
    setRateLimit: (perMinute) => traffic.setRateLimit(perMinute),
    expireAccessTokens: () => oauth.expireAccessTokens(),
    approveDevice(userCode) {
      if (!oauth.decide(userCode, true)) throw new Error(`no pending device authorisation for user code ${userCode}`);
    },
    denyDevice(userCode) {
      if (!oauth.decide(userCode, false)) throw new Error(`no pending device authorisation for user code ${userCode}`);
    },
    issueTokens: () => oauth.issueTokens(),
    stats: () => ({
      requests: { ...traffic.counters.requests },
      tokenRefreshes: oauth.refreshes - oauthBaseline.refreshes,
      tokensIssued: oauth.tokensIssued - oauthBaseline.tokensIssued,
      rateLimited: traffic.counters.rateLimited,
      unauthorized: traffic.counters.unauthorized,
      faultsInjected: traffic.counters.faultsInjected,
      orders: store.orderCount,
      events: store.eventCount,
      offerChanges: { ...commands.applied },
      shipmentsAdded: shipments.added,
    }),
    resetStats() {
      traffic.resetCounters();
      oauthBaseline = { refreshes: oauth.refreshes, tokensIssued: oauth.tokensIssued };
    },
    getOrder: (id) => {
      const form = store.getForm(id);
      return form && structuredClone(form);
    },
    listOrderIds: () => store.orderIds(),
    addOffers: (n) => offers.addOffers(n),
    getOffer: (offerId) => offers.current(offerId),
    refuseOfferChanges: (offerId, reason) => offers.refuseChanges(offerId, reason),
    getShipments: (orderId) => structuredClone(shipments.list(orderId)),
  };
  return admin;
}
