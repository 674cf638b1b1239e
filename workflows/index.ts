/** Every workflow the worker runs (bundled once; only workflow functions are exported here). */
export { importOrder } from './import-order';
export { cancelImportedOrder, reviewImportedOrder } from './after-import';
export { pollAllegroEvents } from './poller';
export { syncOffers } from './offer-sync';
export { watchFulfilment } from './fulfilment';
