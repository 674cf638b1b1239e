/**
 * The settings' one zod schema (PRODUCT.md, Settings) and its types. Every rule about what a
 * value may be lives here; loading, messages and views are in the sibling modules.
 */
import { z } from 'zod';
import { FOREIGN_MARKETPLACES } from '../../domain/offer-prices';
import { IMPORT_STAGES } from '../../domain/types';
import type { ProductMatchStep } from '../../domain/types';
import { TASK_QUEUE } from '../../workflows/definitions';

/** Keys whose values are secrets: never printed, never in messages. */
export const SECRET_KEYS = ['clientSecret', 'password', 'apiKey'] as const;

export const CONTRACTOR_CODE_PLACEHOLDERS = ['login', 'buyerId', 'orderId', 'lastName', 'company'] as const;
export const PRODUCT_MATCH_STEPS = [
  'link',
  'ean',
  'externalId',
  'offerId',
  'name',
] as const satisfies readonly ProductMatchStep[];

const text = z.string().trim().min(1, 'must not be empty');

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
const timeZone = text.refine(isTimeZone, 'must be an IANA time zone such as Europe/Warsaw');

const DURATION = /^(\d+)(s|m|h)$/;
const SECONDS_PER_UNIT = { s: 1, m: 60, h: 3600 } as const;
/** `30s`, `5m`, `1h` in seconds; NaN when it is not such a duration. */
export function durationSeconds(value: string): number {
  const m = DURATION.exec(value);
  return m ? Number(m[1]) * SECONDS_PER_UNIT[m[2] as keyof typeof SECONDS_PER_UNIT] : NaN;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

const OptimaEmbeddedSchema = z.strictObject({
  kind: z.literal('embedded'),
  /** SQLite file of the development stand-in holding the CDN tables. */
  file: text.default('.data/optima.sqlite'),
  operator: text.default('ADMIN'),
  /** false: commits reach the OS, not the disk (a power cut may lose the last ones). */
  fsync: z.boolean().default(true),
});

const OptimaMssqlSchema = z.strictObject({
  kind: z.literal('mssql'),
  /** host, host\instance or host,port (as Optima's "Informacje techniczne" show it). */
  server: text,
  port: z.int().min(1).max(65535).optional(),
  database: text,
  configDatabase: text.default('CDN_KNF_Konfiguracja'),
  auth: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('sql'), user: text, password: z.string() }),
    z.strictObject({ kind: z.literal('nt') }),
  ]),
  encrypt: z.boolean().default(true),
  trustServerCertificate: z.boolean().default(false),
  operator: text.default('ADMIN'),
});

const ACCOUNT_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

const AllegroSchema = z
  .strictObject({
    clientId: text,
    clientSecret: text,
    environment: z.enum(['production', 'sandbox', 'simulator']).default('production'),
    simulatorUrl: z.url().optional(),
    // Allegro refuses API calls whose User-Agent is not `AppName/version (+https://info-url)`.
    userAgent: text
      .regex(/^\S+\/\S+ \(\+https?:\/\/\S+\)$/, 'must look like AppName/version (+https://info-url)')
      .default('AllegroOptima/0.1.0 (+https://github.com/allegro-optima/allegro-optima)'),
    accounts: z
      .array(
        z.strictObject({
          // Part of workflow ids and search attributes: short, lower case, no spaces.
          name: z
            .string()
            .regex(ACCOUNT_NAME, 'must be 1-40 lower-case letters, digits, - or _, starting with a letter or digit'),
        }),
      )
      .min(1, 'must list at least one account'),
    tokenStoreDir: text.default('.data/tokens'),
  })
  .superRefine((a, ctx) => {
    if (a.environment === 'simulator' && !a.simulatorUrl) {
      ctx.addIssue({ code: 'custom', path: ['simulatorUrl'], message: 'is required when environment is simulator' });
    }
    a.accounts.forEach((account, i) => {
      if (a.accounts.findIndex((o) => o.name === account.name) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['accounts', i, 'name'],
          message: `duplicates account "${account.name}"`,
        });
      }
    });
  });

const TemporalSchema = z.strictObject({
  address: text.default('localhost:7233'),
  namespace: text.default('default'),
  taskQueue: text.default(TASK_QUEUE),
  /** Present = TLS on; `{}` uses the system CAs (Temporal Cloud with an API key). */
  tls: z
    .strictObject({
      serverName: text.optional(),
      caFile: text.optional(),
      certFile: text.optional(),
      keyFile: text.optional(),
    })
    .optional(),
  apiKey: text.optional(),
});

const PaymentMappingSchema = z.strictObject({
  type: text,
  provider: z.string().trim().nullish(),
  /** FPl_Nazwa; "" = not filled in yet (orders with this payment wait for a person). */
  paymentForm: z.string().trim(),
});

const DeliveryMappingSchema = z.strictObject({
  methodId: text,
  methodName: z.string().nullish(),
  /** Twr_Kod of the delivery service; "" = not filled in yet. */
  serviceCode: z.string().trim(),
});

const MappingsSchema = z
  .strictObject({
    payment: z.array(PaymentMappingSchema).default([]),
    delivery: z.array(DeliveryMappingSchema).default([]),
  })
  .superRefine((m, ctx) => {
    const key = (p: { type: string; provider?: string | null }) =>
      `${p.type.toUpperCase()}/${(p.provider ?? '').toUpperCase()}`;
    m.payment.forEach((p, i) => {
      if (m.payment.findIndex((o) => key(o) === key(p)) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['payment', i],
          message: `maps type ${p.type}${p.provider ? ` provider ${p.provider}` : ''} a second time`,
        });
      }
    });
    m.delivery.forEach((d, i) => {
      if (m.delivery.findIndex((o) => o.methodId === d.methodId) !== i) {
        ctx.addIssue({
          code: 'custom',
          path: ['delivery', i, 'methodId'],
          message: `maps method ${d.methodId} a second time`,
        });
      }
    });
  });

const documentKind = z.enum(['RO', 'FS', 'PA']);

const codeTemplate = (fallback: string) =>
  text
    .refine(
      (t) =>
        [...t.matchAll(/\{(\w*)\}/g)].every((m) => (CONTRACTOR_CODE_PLACEHOLDERS as readonly string[]).includes(m[1])),
      `may only use the placeholders ${CONTRACTOR_CODE_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`,
    )
    .default(fallback);

const ImportSchema = z.strictObject({
  stage: z.enum(IMPORT_STAGES).default('READY_FOR_PROCESSING'),
  documentKindCompany: documentKind.default('RO'),
  documentKindPerson: documentKind.default('RO'),
  documentDateSource: z.enum(['order', 'payment', 'import']).default('order'),
  productMatchOrder: z
    .array(z.enum(PRODUCT_MATCH_STEPS))
    .min(1, 'must list at least one step')
    .refine((steps) => new Set(steps).size === steps.length, 'must not repeat a step')
    .default([...PRODUCT_MATCH_STEPS]),
  productNotFound: z.enum(['create', 'lineWithoutCard', 'wait']).default('create'),
  /** DeA_Kod (varchar 20) of the document attribute listing lines without a card. */
  productNotFoundAttribute: z.string().trim().max(20).default('ALLEGRO_BRAK_KARTY'),
  /** A product set (2×A + 3×B) with no card of its own: wait for a person, or split into its components. */
  productSets: z.enum(['wait', 'split']).default('wait'),
  /** DeA_Kod (varchar 20) of the document attribute recording the settings version used. */
  settingsVersionAttribute: z.string().trim().max(20).default('ALLEGRO_USTAWIENIA'),
  newProduct: z
    .strictObject({
      vatRate: z.number().min(0).max(99).default(23),
      unit: text.max(20).default('szt'),
      /** DfC_Lp; 5 = "detaliczna" (gross retail) in a standard Optima company. */
      priceTypeNumber: z.int().min(1).default(4),
    })
    .prefault({}),
  checkContractorByNip: z.boolean().default(true),
  matchContractorByEmail: z.boolean().default(false),
  contractorCodeTemplate: z
    .strictObject({ registered: codeTemplate('{login}'), guest: codeTemplate('GOSC-{orderId}') })
    .prefault({}),
  defaultPaymentForm: text.optional(),
  warehouseSymbol: text.max(20).optional(),
  /** Mag_Symbol of the warehouse for orders shipped by Allegro One Fulfillment; absent: as other orders. */
  fulfillmentWarehouseSymbol: text.max(20).optional(),
  /** The tax point whose NBP rate a CZK/EUR/HUF document takes: the payment's day, or the document date. */
  taxPoint: z.enum(['payment', 'documentDate']).default('payment'),
  /** TrN_KursNumer: the rate type Optima lists the NBP average rate under. */
  exchangeRateTypeNumber: z.int().min(1).max(99).default(3),
  /** Days to TrN_Termin after the document date; paid in advance: the document date itself. */
  dueDays: z
    .strictObject({
      cashOnDelivery: z.int().min(0).max(365).default(7),
      deferred: z.int().min(0).max(365).default(14),
    })
    .prefault({}),
  /** An FS to a private buyer marked not to be sent to KSeF. */
  ksefB2cNotSend: z.boolean().default(false),
  /** A PA marked fiscal (TrN_Fiskalna). */
  receiptFiscal: z.boolean().default(true),
  /** TrN_SplitPay on an FS to a company from 15,000 PLN gross, or never. */
  splitPayment: z.enum(['threshold', 'never']).default('threshold'),
  /** Marketplaces whose sales to consumers settle VAT in OSS. */
  ossMarketplaces: z
    .array(z.enum(['allegro-pl', 'allegro-cz', 'allegro-sk', 'allegro-hu']))
    .refine((m) => new Set(m).size === m.length, 'must not repeat a marketplace')
    .default([]),
  /** Twr_Kod of the service card surcharges (extra payments) are booked on; absent: such orders wait. */
  surchargeServiceCode: text.max(50).optional(),
  /** Paid amount differing from the document: wait for a person, or book the order's figures. */
  paidAmountMismatch: z.enum(['wait', 'book']).default('wait'),
  cancelledAfterDocument: z.enum(['annotate', 'cancel']).default('annotate'),
  markProcessing: z.boolean().default(false),
  licenceRetryDelaySeconds: z.int().min(5).default(120),
  initialSync: z
    .string()
    .trim()
    .refine(
      (v) => v === 'now' || (ISO_DATE.test(v) && !Number.isNaN(Date.parse(v))),
      'must be "now" or an ISO date such as 2026-01-31 or 2026-01-31T06:00:00+01:00',
    )
    .default('now'),
});

const PollerSchema = z.strictObject({
  schedule: z
    .strictObject({
      every: z.string().trim().optional(),
      dailyAt: z.string().trim().optional(),
      timeZone: timeZone.optional(),
    })
    .superRefine((s, ctx) => {
      if ((s.every === undefined) === (s.dailyAt === undefined)) {
        ctx.addIssue({
          code: 'custom',
          message: 'must have either every (e.g. 30s, 5m) or dailyAt (e.g. 06:00), not both',
        });
        return;
      }
      if (s.every !== undefined) {
        const seconds = durationSeconds(s.every);
        if (!(seconds >= 5 && seconds <= 86400)) {
          ctx.addIssue({
            code: 'custom',
            path: ['every'],
            message: `must be a duration from 5s to 24h such as 30s, 5m or 1h (got "${s.every}")`,
          });
        }
        if (s.timeZone !== undefined)
          ctx.addIssue({ code: 'custom', path: ['timeZone'], message: 'only goes with dailyAt' });
      }
      if (s.dailyAt !== undefined && !/^([01]\d|2[0-3]):[0-5]\d$/.test(s.dailyAt)) {
        ctx.addIssue({
          code: 'custom',
          path: ['dailyAt'],
          message: `must be a time HH:MM such as 06:00 (got "${s.dailyAt}")`,
        });
      }
    })
    .default({ every: '30s' }),
  /** Allegro's largest page: a burst of orders is read, and its workflows started, in one go. */
  pageSize: z.int().min(1).max(1000).default(1000),
  /** Re-read orders changed on Allegro after their import this often (hours; 0: never). */
  sweepEveryHours: z.number().min(0).max(168).default(24),
});

const RatesSchema = z.strictObject({
  /** NBP's public Web API (table A average rates); the demo points it at its stand-in. */
  nbpUrl: z.url().default('https://api.nbp.pl'),
});

/** Stock and prices from Optima to the linked Allegro offers (issue 13). */
const ForeignMarketplaceSchema = z.strictObject({
  marketplace: z.enum(FOREIGN_MARKETPLACES),
  /** Added to Optima's gross PLN price before conversion, in percent (negative: a discount). */
  markupPercent: z.number().min(-50).max(500).default(0),
});

const OfferSyncSchema = z.strictObject({
  /** Minutes between runs of the export (and `sync-offers --now` in the CLI). */
  everyMinutes: z.int().min(1).max(1440).default(15),
  /** Mag_Symbol of the warehouses whose stock is offered; empty: all warehouses. */
  warehouses: z.array(text.max(20)).default([]),
  /** DfC_Lp of the price type sent as the offer price (4 = detaliczna, gross, in the demo company). */
  priceTypeNumber: z.int().min(1).default(4),
  /** Added to Optima's gross price on Allegro, in percent (negative: a discount). */
  markupPercent: z.number().min(-50).max(500).default(0),
  /** A price change larger than this, in percent, waits for a person's approval. */
  priceGuardPercent: z.number().min(0).max(1000).default(30),
  /**
   * Foreign marketplaces whose offer price comes from Optima: the gross PLN price at the NBP rate
   * in the marketplace's currency, plus its markup. A marketplace not listed keeps its own price.
   */
  marketplaces: z
    .array(ForeignMarketplaceSchema)
    .default([])
    .refine((list) => new Set(list.map((m) => m.marketplace)).size === list.length, 'each marketplace at most once'),
});

const FULFILMENT_STATUS = z.enum(['PROCESSING', 'READY_FOR_SHIPMENT', 'READY_FOR_PICKUP', 'SENT', 'PICKED_UP']);

/** Order status and tracking numbers from Optima's documents to Allegro (issue 13). */
const FulfilmentSchema = z.strictObject({
  /** Seconds between scans of Optima's documents changed since the last scan. */
  everySeconds: z.int().min(5).max(86_400).default(60),
  /** Allegro status once the order's document moved on (converted to FS/PA, followed by a WZ). */
  onConverted: FULFILMENT_STATUS.default('READY_FOR_SHIPMENT'),
  /** Allegro status once a waybill number (TrN_NrListuPrzewozowego) is written. */
  onWaybill: FULFILMENT_STATUS.default('SENT'),
  /** TrN_NrListuPrzewozowegoTypKuriera → Allegro carrier id (GET /order/carriers). */
  carriers: z.array(z.strictObject({ courierType: z.int(), carrierId: text.max(40) })).default([]),
  /** Carrier of a waybill whose courier type is not mapped. */
  defaultCarrier: text.max(40).default('OTHER'),
  /**
   * A document attribute (CDN.DokAtrybuty, by its DefAtrybuty code) whose values set Allegro's
   * status, for back offices that mark packing in Optima; absent: none is read.
   */
  attribute: z
    .strictObject({
      /** DeA_Kod of the attribute definition (document attributes, DeA_Typ 4). */
      code: text.max(20),
      /** DAt_WartoscTxt → Allegro status; other values move nothing. */
      values: z.array(z.strictObject({ value: text.max(1024), status: FULFILMENT_STATUS })).default([]),
    })
    .optional(),
});

const MetricsSchema = z.strictObject({
  /** `npm run worker` serves Prometheus metrics; false: none. */
  enabled: z.boolean().default(true),
  /** Loopback by default: metrics name accounts, nothing more, but exposing them is a choice. */
  host: z.string().trim().min(1).default('127.0.0.1'),
  /** The business metrics (ao_*) at http://host:port/metrics. */
  port: z.int().min(1).max(65535).default(9464),
  /** The Temporal SDK's own worker metrics (temporal_*) at http://host:temporalPort/metrics. */
  temporalPort: z.int().min(1).max(65535).default(9465),
});

export const SettingsSchema = z.strictObject({
  optima: z.discriminatedUnion('kind', [OptimaEmbeddedSchema, OptimaMssqlSchema]),
  allegro: AllegroSchema,
  temporal: TemporalSchema.prefault({}),
  mappings: MappingsSchema.prefault({}),
  import: ImportSchema.prefault({}),
  poller: PollerSchema.prefault({}),
  rates: RatesSchema.prefault({}),
  offerSync: OfferSyncSchema.prefault({}),
  fulfilment: FulfilmentSchema.prefault({}),
  /** Allegro allows 9,000 requests a minute per user; the worker's limiter uses this. */
  allegroRateLimitPerMinute: z.int().min(1).max(9000).default(9000),
  metrics: MetricsSchema.prefault({}),
});

export type Settings = z.output<typeof SettingsSchema>;
export type SettingsInput = z.input<typeof SettingsSchema>;
