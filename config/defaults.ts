/**
 * The embedded demo settings: used when no settings file is given. They point at the
 * development stand-ins (the Allegro simulator and the embedded Optima) and carry the demo
 * seller's mappings from dev/catalogue.ts, so `npm start` imports orders with no setup.
 * Everything not listed takes the schema's defaults (PRODUCT.md behaviour).
 */
import { DEMO_DELIVERY_METHODS, DEMO_PAYMENT_MAPPINGS, DEMO_SELLER } from '../dev/catalogue';
import type { SettingsInput } from './settings';

/** Where the demo expects the Allegro simulator; override with AO_ALLEGRO__SIMULATOR_URL. */
export const DEMO_SIMULATOR_URL = 'http://127.0.0.1:8790';

/** The demo seller's payment and delivery mappings, as the settings file spells them. */
export const DEMO_MAPPINGS = {
  payment: DEMO_PAYMENT_MAPPINGS.map((m) => ({ ...m })),
  delivery: DEMO_DELIVERY_METHODS.map((m) => ({
    methodId: m.id,
    methodName: m.name,
    serviceCode: m.optimaServiceCode,
  })),
};

export const DEMO_SETTINGS = {
  optima: { kind: 'embedded', file: '.data/optima-demo.sqlite', operator: 'ADMIN' },
  allegro: {
    // The simulator accepts any client; these are not real credentials.
    clientId: 'demo-client-id',
    clientSecret: 'demo-client-secret',
    environment: 'simulator',
    simulatorUrl: DEMO_SIMULATOR_URL,
    userAgent: 'AllegroOptimaDemo/0.1.0 (+https://github.com/allegro-optima/allegro-optima)',
    accounts: [{ name: DEMO_SELLER.account }],
    tokenStoreDir: '.data/tokens',
  },
  mappings: DEMO_MAPPINGS,
  poller: { schedule: { every: '30s' }, pageSize: 100 },
} satisfies SettingsInput;
