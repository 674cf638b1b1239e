/**
 * The demo settings: what `npm start`, the CLI and `npm run worker` use when no settings
 * file is given (their entry points pass DEMO_FALLBACK to loadSettings). They point at the
 * development stand-ins (the Allegro simulator and the embedded Optima) and carry the demo
 * seller's mappings from the catalogue, so `npm start` imports orders with no setup.
 * Everything not listed takes the schema's defaults (PRODUCT.md behaviour).
 */
import type { SettingsFallback, SettingsInput } from '../config/settings';
import { DEMO_DELIVERY_METHODS, DEMO_PAYMENT_MAPPINGS, DEMO_SELLER } from './catalogue';

/** Where the demo expects the Allegro simulator; override with AO_ALLEGRO__SIMULATOR_URL. */
export const DEMO_SIMULATOR_URL = 'http://127.0.0.1:8790';

/** The document attribute the demo's warehouse person sets on an RO once its parcel is packed. */
export const DEMO_PACKING_ATTRIBUTE = { code: 'STATUS_WYSYLKI', packed: 'SPAKOWANE' } as const;

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
  // Orders shipped by Allegro One Fulfillment leave its warehouse; the simulator's foreign
  // marketplaces carry their countries' VAT rates, as an OSS seller sets them.
  import: {
    fulfillmentWarehouseSymbol: 'ALLEGRO',
    ossMarketplaces: ['allegro-cz', 'allegro-sk', 'allegro-hu'],
  },
  poller: { schedule: { every: '30s' }, pageSize: 100 },
  // The demo offers are listed on allegro.cz too: their CZK price follows Optima's, 5 % up.
  offerSync: { marketplaces: [{ marketplace: 'allegro-cz', markupPercent: 5 }] },
  // The back office (starter/demo/back-office.ts) marks ROs packed before it invoices them.
  fulfilment: {
    attribute: {
      code: DEMO_PACKING_ATTRIBUTE.code,
      values: [{ value: DEMO_PACKING_ATTRIBUTE.packed, status: 'READY_FOR_SHIPMENT' }],
    },
  },
} satisfies SettingsInput;

/** The demo settings as the fallback of loadSettings when no file is named. */
export const DEMO_FALLBACK: SettingsFallback = { source: 'embedded demo settings', settings: DEMO_SETTINGS };
