/** Every workflow the worker runs (bundled once; only workflow functions are exported here). */
export { importOrder, cancelImportedOrder } from './import-order';
export { pollAllegroEvents } from './poller';
export { syncOffers } from './offer-sync';
export { watchFulfilment } from './fulfilment';
