/**
 * zod schemas for the Allegro answers the integrator reads, from
 * ../shared/reference/allegro/CONTRACT.md and openapi.yaml.
 *
 * - Every optional field accepts both `null` and absence (real payloads send null).
 * - Enums are open: unknown values are kept as strings, never a crash (Allegro adds values).
 * - Money becomes integer minor units (`Money`), parsed from Allegro's decimal strings.
 * - Unknown fields are dropped (zod's default), so deprecated ones do no harm.
 */
import { z } from 'zod';
import { parseMinor } from './money';
import type { Money } from './types';

/** An enum that documents the known values but keeps unknown ones as plain strings. */
function openEnum<const T extends readonly string[]>(_known: T) {
  return z.string() as unknown as z.ZodType<T[number] | (string & {}), string>;
}

const opt = <T extends z.ZodType>(schema: T) => schema.nullish();

export const PriceSchema = z.object({ amount: z.string(), currency: z.string() }).transform((p, ctx): Money => {
  try {
    return { amount: parseMinor(p.amount), currency: p.currency };
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
    return z.NEVER;
  }
});

export const CHECKOUT_FORM_STATUSES = ['BOUGHT', 'FILLED_IN', 'READY_FOR_PROCESSING', 'CANCELLED'] as const;
export const PAYMENT_TYPES = ['CASH_ON_DELIVERY', 'WIRE_TRANSFER', 'ONLINE', 'SPLIT_PAYMENT', 'EXTENDED_TERM'] as const;
export const PAYMENT_PROVIDERS = ['PAYU', 'P24', 'AF', 'OFFLINE', 'EPT'] as const;
export const FULFILLMENT_STATUSES = [
  'NEW',
  'PROCESSING',
  'READY_FOR_SHIPMENT',
  'READY_FOR_PICKUP',
  'SENT',
  'PICKED_UP',
  'CANCELLED',
  'SUSPENDED',
  'RETURNED',
] as const;
export const ORDER_EVENT_TYPES = [
  'BOUGHT',
  'FILLED_IN',
  'READY_FOR_PROCESSING',
  'BUYER_CANCELLED',
  'FULFILLMENT_STATUS_CHANGED',
  'BUYER_MODIFIED',
  'AUTO_CANCELLED',
] as const;
export const COMPANY_ID_TYPES = [
  'PL_NIP',
  'CZ_ICO',
  'CZ_DIC',
  'HU_ADOSZAM',
  'SK_ICO',
  'SK_IC_DPH',
  'VAT_EU',
  'OTHER',
] as const;

export const PaymentSchema = z.object({
  id: z.string(),
  type: openEnum(PAYMENT_TYPES),
  provider: opt(openEnum(PAYMENT_PROVIDERS)),
  finishedAt: opt(z.string()),
  paidAmount: opt(PriceSchema),
  reconciliation: opt(PriceSchema),
  features: opt(z.array(z.string())),
});

export const BuyerSchema = z.object({
  id: z.string(),
  email: z.string(),
  login: z.string(),
  guest: z.boolean(),
  firstName: opt(z.string()),
  lastName: opt(z.string()),
  companyName: opt(z.string()),
  personalIdentity: opt(z.string()),
  phoneNumber: opt(z.string()),
  preferences: opt(z.object({ language: opt(z.string()) })),
  address: opt(
    z.object({
      street: opt(z.string()),
      city: opt(z.string()),
      postCode: opt(z.string()),
      countryCode: opt(z.string()),
    }),
  ),
});

export const DeliveryAddressSchema = z.object({
  firstName: z.string(),
  lastName: z.string(),
  street: z.string(),
  city: z.string(),
  zipCode: z.string(),
  countryCode: z.string(),
  companyName: opt(z.string()),
  phoneNumber: opt(z.string()),
  modifiedAt: opt(z.string()),
});

export const DeliverySchema = z.object({
  address: opt(DeliveryAddressSchema),
  method: opt(z.object({ id: opt(z.string()), name: opt(z.string()) })),
  pickupPoint: opt(
    z.object({
      id: opt(z.string()),
      name: opt(z.string()),
      description: opt(z.string()),
      address: opt(
        z.object({
          street: opt(z.string()),
          zipCode: opt(z.string()),
          city: opt(z.string()),
          countryCode: opt(z.string()),
        }),
      ),
    }),
  ),
  cost: opt(PriceSchema),
  smart: opt(z.boolean()),
  cancellation: opt(z.object({ date: opt(z.string()) })),
  calculatedNumberOfPackages: opt(z.number()),
});

export const InvoiceSchema = z.object({
  required: z.boolean(),
  address: opt(
    z.object({
      street: z.string(),
      city: z.string(),
      zipCode: z.string(),
      countryCode: z.string(),
      company: opt(
        z.object({
          name: z.string(),
          vatPayerStatus: opt(z.string()),
          ids: opt(z.array(z.object({ type: openEnum(COMPANY_ID_TYPES), value: z.string() }))),
          taxId: opt(z.string()),
        }),
      ),
      naturalPerson: opt(z.object({ firstName: z.string(), lastName: z.string() })),
    }),
  ),
  dueDate: opt(z.string()),
  features: opt(z.array(z.string())),
});

export const LineItemSchema = z.object({
  id: z.string(),
  offer: z.object({
    id: z.string(),
    name: z.string(),
    external: opt(z.object({ id: opt(z.string()) })),
    productSet: opt(z.object({ products: z.array(z.object({ id: z.string(), quantity: opt(z.number()) })) })),
  }),
  quantity: z.number().positive(),
  originalPrice: PriceSchema,
  price: PriceSchema,
  tax: opt(z.object({ rate: opt(z.string()), subject: opt(z.string()), exemption: opt(z.string()) })),
  selectedAdditionalServices: opt(
    z.array(
      z.object({
        definitionId: opt(z.string()),
        name: opt(z.string()),
        price: PriceSchema,
        quantity: opt(z.number()),
      }),
    ),
  ),
  boughtAt: opt(z.string()),
});

export const CheckoutFormSchema = z.object({
  id: z.string(),
  messageToSeller: opt(z.string()),
  buyer: BuyerSchema,
  payment: opt(PaymentSchema),
  status: openEnum(CHECKOUT_FORM_STATUSES),
  fulfillment: opt(
    z.object({
      status: opt(openEnum(FULFILLMENT_STATUSES)),
      provider: opt(z.object({ id: opt(z.string()) })),
    }),
  ),
  delivery: opt(DeliverySchema),
  invoice: opt(InvoiceSchema),
  lineItems: z.array(LineItemSchema).min(1),
  surcharges: opt(z.array(PaymentSchema)),
  note: opt(z.object({ text: opt(z.string()) })),
  marketplace: opt(z.object({ id: z.string() })),
  summary: z.object({ totalToPay: PriceSchema }),
  updatedAt: opt(z.string()),
  revision: opt(z.string()),
});

export type CheckoutForm = z.output<typeof CheckoutFormSchema>;
export type CheckoutFormLineItem = CheckoutForm['lineItems'][number];

export const CheckoutFormListSchema = z.object({
  checkoutForms: z.array(CheckoutFormSchema),
  count: z.number(),
  totalCount: z.number(),
});

export const OrderEventSchema = z.object({
  id: z.string(),
  occurredAt: z.string(),
  type: openEnum(ORDER_EVENT_TYPES),
  order: z.object({
    seller: z.object({ id: z.string() }),
    buyer: opt(z.object({ id: z.string(), login: opt(z.string()), guest: opt(z.boolean()) })),
    lineItems: opt(z.array(z.object({ id: z.string(), offer: opt(z.object({ id: z.string() })) }))),
    checkoutForm: opt(z.object({ id: z.string(), revision: opt(z.string()) })),
    marketplace: opt(z.object({ id: z.string() })),
  }),
});
export type OrderEvent = z.output<typeof OrderEventSchema>;

export const OrderEventsSchema = z.object({ events: z.array(OrderEventSchema) });

/**
 * The journal page as it comes: each event is validated on its own, so one malformed event
 * (e.g. without `type`) is set aside with its reason instead of failing the whole page.
 */
export const OrderEventPageSchema = z.object({ events: z.array(z.unknown()) });

/** An event of the journal that failed validation; `id` when it had a readable one. */
export interface RejectedOrderEvent {
  id: string | null;
  /** The fields that failed and why (zod's paths and messages, never the values). */
  reason: string;
}

export type OrderEventEntry = { event: OrderEvent } | { rejected: RejectedOrderEvent };

export function parseOrderEventEntry(raw: unknown): OrderEventEntry {
  const parsed = OrderEventSchema.safeParse(raw);
  if (parsed.success) return { event: parsed.data };
  const id = (raw as { id?: unknown } | null)?.id;
  const reason = parsed.error.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  return { rejected: { id: typeof id === 'string' && id !== '' ? id : null, reason: reason.slice(0, 300) } };
}

export const EventStatsSchema = z.object({
  latestEvent: opt(z.object({ id: z.string(), occurredAt: z.string() })),
});

// ---------------------------------------------------------------------------------------
// Offers, delivery methods, OAuth and error bodies (read by activities/allegro/).
// ---------------------------------------------------------------------------------------

const ProductParameterSchema = z.object({
  id: opt(z.string()),
  name: opt(z.string()),
  values: opt(z.array(z.string())),
});

/** GET /sale/product-offers/{offerId}: only what product matching and offer import read. */
export const ProductOfferSchema = z.object({
  id: z.string(),
  name: z.string(),
  external: opt(z.object({ id: opt(z.string()) })),
  sellingMode: opt(z.object({ format: opt(z.string()), price: opt(PriceSchema) })),
  stock: opt(z.object({ available: opt(z.number()), unit: opt(z.string()) })),
  productSet: opt(
    z.array(
      z.object({
        product: opt(z.object({ id: opt(z.string()), parameters: opt(z.array(ProductParameterSchema)) })),
        quantity: opt(z.object({ value: opt(z.number()) })),
      }),
    ),
  ),
  category: opt(z.object({ id: opt(z.string()) })),
  publication: opt(z.object({ status: opt(z.string()) })),
});
export type ProductOfferResponse = z.output<typeof ProductOfferSchema>;

/** One row of GET /sale/offers (no EAN there: fetch the product offer for that). */
export const OfferListingSchema = z.object({
  id: z.string(),
  name: z.string(),
  external: opt(z.object({ id: opt(z.string()) })),
  sellingMode: opt(z.object({ format: opt(z.string()), price: opt(PriceSchema) })),
  stock: opt(z.object({ available: opt(z.number()), sold: opt(z.number()) })),
  publication: opt(z.object({ status: opt(z.string()) })),
  category: opt(z.object({ id: opt(z.string()) })),
  /** The offer's price on each additional marketplace it is listed on, in that marketplace's currency. */
  additionalMarketplaces: opt(
    z.record(z.string(), z.object({ sellingMode: opt(z.object({ price: opt(PriceSchema) })) })),
  ),
});
export type OfferListing = z.output<typeof OfferListingSchema>;

export const OfferListSchema = z.object({
  offers: z.array(OfferListingSchema),
  count: z.number(),
  totalCount: z.number(),
});

export const DeliveryMethodSchema = z.object({
  id: z.string(),
  name: z.string(),
  marketplaces: opt(z.array(z.string())),
  paymentPolicy: opt(openEnum(['IN_ADVANCE', 'CASH_ON_DELIVERY'] as const)),
  allegroEndorsed: opt(z.boolean()),
});
export type DeliveryMethod = z.output<typeof DeliveryMethodSchema>;

export const DeliveryMethodsSchema = z.object({ deliveryMethods: z.array(DeliveryMethodSchema) });

/** The docs' samples write OAuth numbers as strings; real answers send numbers. Accept both. */
const looseInt = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

/** POST /auth/oauth/token answer (device_code and refresh_token grants). More fields may come. */
export const OAuthTokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string(),
  refresh_token: z.string().min(1),
  expires_in: looseInt,
  scope: opt(z.string()),
  allegro_api: opt(z.boolean()),
  jti: opt(z.string()),
});
export type OAuthTokenResponse = z.output<typeof OAuthTokenResponseSchema>;

/** POST /auth/oauth/device answer. */
export const DeviceCodeResponseSchema = z.object({
  device_code: z.string().min(1),
  user_code: z.string().min(1),
  expires_in: looseInt,
  interval: opt(looseInt),
  verification_uri: z.string(),
  verification_uri_complete: opt(z.string()),
});
export type DeviceCodeResponse = z.output<typeof DeviceCodeResponseSchema>;

/** OAuth-layer failures (token endpoint, or an expired/invalid bearer token): `AuthError`. */
export const OAuthErrorSchema = z.object({
  error: z.string(),
  error_description: opt(z.string()),
});

/** One entry of `ErrorsHolder`. `path` may be null, "" or even the string "null". */
export const AllegroApiErrorSchema = z.object({
  code: opt(z.string()),
  message: opt(z.string()),
  details: opt(z.string()),
  path: opt(z.string()),
  userMessage: opt(z.string()),
  metadata: opt(z.record(z.string(), z.unknown())),
});
export type AllegroApiError = z.output<typeof AllegroApiErrorSchema>;

export const ErrorsHolderSchema = z.object({ errors: z.array(AllegroApiErrorSchema) });
