/**
 * One simulated order: everything the buyer will eventually give (drawn from the seed when
 * the order is created), and the checkout form Allegro shows at the order's current stage.
 * Like Allegro, the form hides data the buyer has not given yet: no payment or delivery
 * before FILLED_IN, no delivery or invoice address before READY_FOR_PROCESSING.
 */
import { formatMinor, parseMinor } from '../../domain/money';
import {
  DEMO_DELIVERY_METHODS,
  DEMO_OFFERS,
  DEMO_PRODUCT_SETS,
  demoProductId,
  type DemoDeliveryMethod,
} from '../catalogue';
import {
  COUNTRIES,
  address,
  companyName,
  companyRegNumber,
  login,
  person,
  phone,
  pickupPoint,
  polishNip,
  priceOnMarketplace,
  slovakVatId,
  hungarianTaxNumber,
  type Address,
  type MarketplaceId,
  type Person,
} from './data';
import { Rng } from './rng';

export type { MarketplaceId } from './data';
export type FormStatus = 'BOUGHT' | 'FILLED_IN' | 'READY_FOR_PROCESSING' | 'CANCELLED';
/** How far the buyer got: decides which data the form shows (CANCELLED keeps the last stage). */
export type FormStage = Exclude<FormStatus, 'CANCELLED'>;
export const STAGES: readonly FormStage[] = ['BOUGHT', 'FILLED_IN', 'READY_FOR_PROCESSING'];
/** company: invoice with NIP; person: no invoice; person-invoice: invoice for a natural person. */
export type BuyerKind = 'company' | 'person' | 'person-invoice' | 'guest';

export interface WirePrice {
  amount: string;
  currency: string;
}

export interface WireLineItem {
  id: string;
  offer: {
    id: string;
    name: string;
    external: { id: string } | null;
    productSet: { products: { id: string; quantity: number }[] } | null;
  };
  quantity: number;
  originalPrice: WirePrice;
  price: WirePrice;
  reconciliation: null;
  selectedAdditionalServices: [];
  vouchers: [];
  tax: { rate: string; subject: string; exemption: null } | null;
  boughtAt: string;
  discounts: { type: string }[] | null;
}

interface DeliveryTime {
  from: string;
  to: string;
  guaranteed: null;
  dispatch: { from: string; to: string };
}

export type LineItemsSent = 'NONE' | 'SOME' | 'ALL';

export interface WireCheckoutForm {
  id: string;
  messageToSeller: string | null;
  buyer: {
    id: string;
    email: string;
    login: string;
    firstName: string;
    lastName: string;
    companyName: string | null;
    guest: boolean;
    personalIdentity: null;
    phoneNumber: string;
    preferences: { language: string };
    address: { street: string; city: string; postCode: string; countryCode: string };
  };
  payment: {
    id: string;
    type: string;
    provider: string | null;
    finishedAt: string | null;
    paidAmount: WirePrice | null;
    reconciliation: null;
    features: string[];
  } | null;
  status: FormStatus;
  fulfillment: {
    status: string;
    provider: { id: 'SELLER' | 'ALLEGRO' };
    shipmentSummary: { lineItemsSent: LineItemsSent };
  };
  delivery: {
    address:
      | (Address & {
          firstName: string;
          lastName: string;
          companyName: string | null;
          phoneNumber: string;
          modifiedAt: null;
        })
      | null;
    method: { id: string; name: string };
    pickupPoint: { id: string; name: string; description: string | null; address: Address } | null;
    cost: WirePrice;
    smart: boolean;
    time: DeliveryTime;
    calculatedNumberOfPackages: number;
    cancellation: null;
  } | null;
  invoice: {
    required: boolean;
    address:
      | (Address & {
          company: {
            name: string;
            ids: { type: string; value: string }[];
            vatPayerStatus: string;
            taxId: string;
          } | null;
          naturalPerson: Person | null;
        })
      | null;
    dueDate: null;
    features: null;
  };
  lineItems: WireLineItem[];
  surcharges: [];
  note: null;
  marketplace: { id: string };
  summary: { totalToPay: WirePrice };
  updatedAt: string;
  revision: string;
}

/** A buyer account: kept across orders, so returning buyers carry the same id. */
export interface Buyer {
  id: string;
  login: string;
  guest: boolean;
  kind: BuyerKind;
  marketplace: MarketplaceId;
  who: Person;
  phoneNumber: string;
  address: Address;
  /** Allegro masks e-mails per order: `<base>+<per-order suffix>@allegromail.pl`. */
  emailBase: string;
  company: { name: string; ids: { type: string; value: string }[]; vatPayerStatus: string; address: Address } | null;
}

export interface OrderSpec {
  buyer?: BuyerKind;
  /** Reuse a buyer seen before (returning customer): same buyer.id, names and company. */
  buyerId?: string;
  /** Offers from dev/catalogue.ts (sets too); an offer id outside it needs `name` and `unitPrice`. */
  lines?: { offerId: string; quantity?: number; unitPrice?: string; name?: string }[];
  /** Any string: unknown types exercise the integrator's "unmapped payment" path. */
  paymentType?: string;
  paymentProvider?: string | null;
  /** A method id outside the catalogue is allowed (unmapped delivery); cost `deliveryCost`. */
  deliveryMethodId?: string;
  deliveryCost?: string;
  marketplace?: MarketplaceId;
  /** Shipped by Allegro One Fulfillment (fulfillment.provider.id ALLEGRO); default: some prepaid allegro.pl orders. */
  oneFulfillment?: boolean;
  status?: FormStatus;
  messageToSeller?: string | null;
  /** When the order reached its status (its latest event); default now. */
  occurredAt?: Date | string;
}

export interface SimOrder {
  id: string;
  rng: Rng;
  marketplace: MarketplaceId;
  currency: string;
  buyer: Buyer;
  email: string;
  lines: WireLineItem[];
  paymentId: string;
  paymentType: string;
  paymentProvider: string | null;
  paymentFeatures: string[];
  method: { id: string; name: string; cost: number; pickup: boolean };
  pickupPoint: { id: string; name: string; description: string | null; address: Address } | null;
  recipient: Person & { companyName: string | null; phoneNumber: string; address: Address };
  smart: boolean;
  messageToSeller: string | null;
  /** Times in ms: purchase, form filled in, payment finished. */
  boughtAt: number;
  filledAt: number;
  readyAt: number;
  stage: FormStage;
  status: FormStatus;
  fulfillmentStatus: string;
  fulfillmentChanges: number;
  oneFulfillment: boolean;
  /** Line items in a shipment with a tracking number (shipments.ts). */
  lineItemsSent?: LineItemsSent;
  revision: string;
  updatedAt: number;
}

const OFFERS_BY_ID = new Map(DEMO_OFFERS.map((o) => [o.offerId, o]));
const SETS_BY_ID = new Map(DEMO_PRODUCT_SETS.map((s) => [s.offerId, s]));
const METHODS_BY_ID = new Map(DEMO_DELIVERY_METHODS.map((m) => [m.id, m]));
const COD_METHOD = DEMO_DELIVERY_METHODS.find((m) => m.paymentPolicy === 'CASH_ON_DELIVERY') as DemoDeliveryMethod;
const PREPAID_METHODS = DEMO_DELIVERY_METHODS.filter((m) => m.paymentPolicy === 'IN_ADVANCE');
const DEFAULT_PROVIDER: Record<string, string | null> = {
  ONLINE: 'PAYU',
  SPLIT_PAYMENT: 'OFFLINE',
  EXTENDED_TERM: 'EPT',
};

export const price = (minor: number, currency: string): WirePrice => ({ amount: formatMinor(minor), currency });

export interface GenerateContext {
  now: number;
  buyers: Map<string, Buyer>;
  /** A returning registered buyer of this marketplace and kind, if the seed says so. */
  returningBuyer(marketplace: MarketplaceId, kind: BuyerKind, rng: Rng): Buyer | undefined;
}

function newBuyer(rng: Rng, marketplace: MarketplaceId, kind: BuyerKind): Buyer {
  const country = COUNTRIES[marketplace];
  const who = person(rng, country);
  const id = String(rng.int(10_000_000, 149_999_999));
  const home = address(rng, country);
  let company: Buyer['company'] = null;
  if (kind === 'company') {
    const ids =
      marketplace === 'allegro-pl'
        ? [{ type: 'PL_NIP', value: nipAsTyped(rng, polishNip(rng)) }]
        : marketplace === 'allegro-cz'
          ? ((ico) => [
              { type: 'CZ_ICO', value: ico },
              { type: 'CZ_DIC', value: `CZ${ico}` },
            ])(companyRegNumber(rng))
          : marketplace === 'allegro-sk'
            ? [
                { type: 'SK_ICO', value: companyRegNumber(rng) },
                { type: 'SK_IC_DPH', value: slovakVatId(rng) },
              ]
            : [{ type: 'HU_ADOSZAM', value: hungarianTaxNumber(rng) }];
    company = {
      name: companyName(rng, country, who),
      ids,
      vatPayerStatus: rng.chance(0.85) ? 'ACTIVE' : 'NOT_APPLICABLE',
      address: rng.chance(0.6) ? home : address(rng, country),
    };
  }
  return {
    id,
    login: kind === 'guest' ? `Client:${id}` : login(rng, who),
    guest: kind === 'guest',
    kind,
    marketplace,
    who,
    phoneNumber: phone(rng, country),
    address: home,
    emailBase: rng.alnum(10),
    company,
  };
}

/** Most buyers type the NIP as digits; some with dashes (the spec's own example does). */
function nipAsTyped(rng: Rng, nip: string): string {
  return rng.chance(0.2) ? `${nip.slice(0, 3)}-${nip.slice(3, 6)}-${nip.slice(6, 8)}-${nip.slice(8)}` : nip;
}

function buyerKind(rng: Rng, marketplace: MarketplaceId): BuyerKind {
  if (marketplace !== 'allegro-pl')
    return rng.weighted([
      ['person', 70],
      ['guest', 15],
      ['company', 15],
    ] as const);
  return rng.weighted([
    ['person', 42],
    ['company', 25],
    ['person-invoice', 10],
    ['guest', 23],
  ] as const);
}

function marketplaceOf(rng: Rng): MarketplaceId {
  return rng.weighted([
    ['allegro-pl', 90],
    ['allegro-cz', 5],
    ['allegro-sk', 3],
    ['allegro-hu', 2],
  ] as const);
}

/** Payment type and provider; split payment and deferred terms only for companies. */
function paymentOf(rng: Rng, kind: BuyerKind): [string, string | null] {
  const choices: [string, string | null, number][] = [
    ['ONLINE', 'PAYU', 34],
    ['ONLINE', 'P24', 20],
    ['ONLINE', 'AF', 6],
    ['CASH_ON_DELIVERY', null, 14],
    ['WIRE_TRANSFER', null, 8],
  ];
  if (kind === 'company') choices.push(['SPLIT_PAYMENT', 'OFFLINE', 10], ['EXTENDED_TERM', 'EPT', 8]);
  const [type, provider] = rng.weighted(choices.map(([t, p, w]) => [[t, p], w] as const));
  return [type, provider];
}

function parseTime(value: Date | string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = (typeof value === 'string' ? new Date(value) : value).getTime();
  if (Number.isNaN(ms)) throw new Error(`not a date: ${String(value)}`);
  return ms;
}

export function generateOrder(rng: Rng, spec: OrderSpec, ctx: GenerateContext): SimOrder {
  const status: FormStatus = spec.status ?? 'READY_FOR_PROCESSING';
  let buyer: Buyer;
  if (spec.buyerId !== undefined) {
    const known = ctx.buyers.get(spec.buyerId);
    if (!known) throw new Error(`unknown buyer ${spec.buyerId}`);
    buyer = known;
  } else {
    const marketplace = spec.marketplace ?? marketplaceOf(rng);
    const kind = spec.buyer ?? buyerKind(rng, marketplace);
    buyer = (kind !== 'guest' && ctx.returningBuyer(marketplace, kind, rng)) || newBuyer(rng, marketplace, kind);
  }
  const marketplace = spec.marketplace ?? buyer.marketplace;
  const country = COUNTRIES[marketplace];
  const currency = country.currency;

  const [drawnType, drawnProvider] = paymentOf(rng, buyer.kind);
  const paymentType = spec.paymentType ?? drawnType;
  const paymentProvider =
    spec.paymentProvider !== undefined
      ? spec.paymentProvider
      : spec.paymentType === undefined
        ? drawnProvider
        : (DEFAULT_PROVIDER[paymentType] ?? null);

  const method = deliveryMethod(rng, spec, paymentType);
  const cost = priceOnMarketplace(method.cost, marketplace);

  // Durations between purchase, filling in the form and paying; the last event is "now".
  const toFilled = rng.int(20, 180) * 1000 + rng.int(0, 999);
  const toReady = rng.int(10, 600) * 1000 + rng.int(0, 999);
  const reachedAt = parseTime(spec.occurredAt, ctx.now);
  const stageOfStatus: FormStage = status === 'CANCELLED' ? 'FILLED_IN' : status;
  const boughtAt =
    reachedAt - (stageOfStatus === 'BOUGHT' ? 0 : toFilled + (stageOfStatus === 'READY_FOR_PROCESSING' ? toReady : 0));

  const lines = lineItems(rng, spec, marketplace, currency, new Date(boughtAt).toISOString());
  const recipientIsBuyer = rng.chance(0.85);
  const recipient: SimOrder['recipient'] = {
    ...(recipientIsBuyer ? buyer.who : person(rng, country)),
    companyName: buyer.company && rng.chance(0.7) ? buyer.company.name : null,
    phoneNumber: recipientIsBuyer ? buyer.phoneNumber : phone(rng, country),
    address: recipientIsBuyer && rng.chance(0.8) ? buyer.address : address(rng, country),
  };
  // The pickup point is in the recipient's town, on some other street.
  const near = { ...address(rng, country), city: recipient.address.city, zipCode: recipient.address.zipCode };
  const pickup = method.pickup ? { ...pickupPoint(rng, method.name, near.city), address: near } : null;

  const order: SimOrder = {
    id: rng.uuid(),
    rng,
    marketplace,
    currency,
    buyer,
    email: `${buyer.emailBase}+${rng.hex(9)}@allegromail.pl`,
    lines,
    paymentId: rng.uuid(),
    paymentType,
    paymentProvider,
    paymentFeatures: paymentType === 'ONLINE' && paymentProvider === 'PAYU' && rng.chance(0.2) ? ['ALLEGRO_PAY'] : [],
    method: { id: method.id, name: method.name, cost, pickup: method.pickup },
    pickupPoint: pickup,
    recipient,
    smart: rng.chance(0.4),
    messageToSeller:
      spec.messageToSeller !== undefined ? spec.messageToSeller : rng.chance(0.15) ? rng.pick(country.messages) : null,
    boughtAt,
    filledAt: boughtAt + toFilled,
    readyAt: boughtAt + toFilled + toReady,
    stage: stageOfStatus,
    status,
    fulfillmentStatus: 'NEW',
    fulfillmentChanges: 0,
    oneFulfillment: false,
    revision: rng.hex(8),
    updatedAt: reachedAt,
  };
  // Read off the order id rather than drawn, so a seed's other draws stay what they were.
  order.oneFulfillment =
    spec.oneFulfillment ??
    (marketplace === 'allegro-pl' &&
      paymentType !== 'CASH_ON_DELIVERY' &&
      parseInt(order.id.slice(0, 4), 16) % 20 === 0);
  return order;
}

interface MethodChoice {
  id: string;
  name: string;
  cost: number;
  pickup: boolean;
}

function deliveryMethod(rng: Rng, spec: OrderSpec, paymentType: string): MethodChoice {
  if (spec.deliveryMethodId !== undefined) {
    const known = METHODS_BY_ID.get(spec.deliveryMethodId);
    if (known)
      return {
        id: known.id,
        name: known.name,
        cost: parseMinor(spec.deliveryCost ?? known.costGross),
        pickup: known.pickupPoint,
      };
    return {
      id: spec.deliveryMethodId,
      name: 'Przesyłka kurierska (metoda spoza katalogu)',
      cost: parseMinor(spec.deliveryCost ?? '14.99'),
      pickup: false,
    };
  }
  const m =
    paymentType === 'CASH_ON_DELIVERY'
      ? COD_METHOD
      : rng.weighted(PREPAID_METHODS.map((x, i) => [x, [30, 40, 20, 10][i] ?? 5] as const));
  return { id: m.id, name: m.name, cost: parseMinor(spec.deliveryCost ?? m.costGross), pickup: m.pickupPoint };
}

function lineItems(
  rng: Rng,
  spec: OrderSpec,
  marketplace: MarketplaceId,
  currency: string,
  boughtAt: string,
): WireLineItem[] {
  const wanted: NonNullable<OrderSpec['lines']> =
    spec.lines ??
    rng
      .sample(
        DEMO_OFFERS,
        rng.weighted([
          [1, 55],
          [2, 25],
          [3, 13],
          [4, 7],
        ] as const),
      )
      .map((o) => ({
        offerId: o.offerId,
        quantity: rng.weighted([
          [1, 70],
          [2, 20],
          [3, 10],
        ] as const),
      }));
  if (wanted.length === 0) throw new Error('an order needs at least one line');
  return wanted.map((w) => {
    const offer = OFFERS_BY_ID.get(w.offerId);
    const set = SETS_BY_ID.get(w.offerId);
    const name = w.name ?? offer?.name ?? set?.name;
    const listed = w.unitPrice ?? offer?.priceGross ?? set?.priceGross;
    if (name === undefined || listed === undefined)
      throw new Error(`offer ${w.offerId} is not in the catalogue: give name and unitPrice`);
    const original = priceOnMarketplace(parseMinor(listed), marketplace);
    // Some lines carry a seller's percentage discount: `price` is after it, per unit.
    const percent = w.unitPrice === undefined && rng.chance(0.12) ? rng.pick([5, 10, 15]) : 0;
    const step = currency === 'CZK' || currency === 'HUF' ? 100 : 1; // whole crowns and forints
    const unit = original - Math.round((original * percent) / 100 / step) * step;
    const quantity = w.quantity ?? 1;
    if (!Number.isInteger(quantity) || quantity < 1) throw new Error(`bad quantity ${quantity}`);
    return {
      id: rng.uuid(),
      offer: {
        id: w.offerId,
        name,
        external: offer?.externalId ? { id: offer.externalId } : null,
        productSet: set
          ? { products: set.components.map((c) => ({ id: demoProductId(c.offerId), quantity: c.quantity })) }
          : null,
      },
      quantity,
      originalPrice: price(original, currency),
      price: price(unit, currency),
      reconciliation: null,
      selectedAdditionalServices: [],
      vouchers: [],
      // The offer's tax settings for the marketplace: a foreign one has its country's rate (OSS).
      tax:
        marketplace !== 'allegro-pl'
          ? { rate: COUNTRIES[marketplace].vatRate, subject: 'GOODS', exemption: null }
          : offer && rng.chance(0.5)
            ? { rate: `${offer.vatRate}.00`, subject: 'GOODS', exemption: null }
            : null,
      boughtAt,
      discounts: percent > 0 ? [{ type: 'UNIT_PERCENTAGE_DISCOUNT' }] : null,
    };
  });
}

/** Σ unit price × quantity + delivery, in integer minor units (the summary's total). */
function totalToPay(order: SimOrder): number {
  const lines = order.lines.reduce((sum, l) => sum + parseMinor(l.price.amount) * l.quantity, 0);
  return order.stage === 'BOUGHT' ? lines : lines + order.method.cost;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Delivery expected the day after tomorrow, dispatch by the end of tomorrow (as in sandbox forms). */
function deliveryWindow(readyAt: number): DeliveryTime {
  const day = Math.floor(readyAt / 86_400_000) * 86_400_000;
  return {
    from: iso(day + 86_400_000 + 22 * 3_600_000),
    to: iso(day + 2 * 86_400_000 + 22 * 3_600_000 - 1),
    guaranteed: null,
    dispatch: { from: iso(day + 86_400_000 + 22 * 3_600_000 - 1), to: iso(day + 86_400_000 + 22 * 3_600_000 - 1) },
  };
}

/** The checkout form as GET /order/checkout-forms/{id} returns it now. */
export function renderForm(order: SimOrder): WireCheckoutForm {
  const { buyer, currency, stage } = order;
  const filled = stage !== 'BOUGHT';
  const ready = stage === 'READY_FOR_PROCESSING';
  const total = totalToPay(order);
  const paid = ready && (order.paymentType === 'ONLINE' || order.paymentType === 'WIRE_TRANSFER');
  const finished = ready && order.paymentType !== 'EXTENDED_TERM';
  const invoiceAddress = (): NonNullable<WireCheckoutForm['invoice']['address']> | null => {
    if (buyer.company) {
      const taxId = buyer.company.ids[0].value;
      return {
        ...buyer.company.address,
        company: {
          name: buyer.company.name,
          ids: buyer.company.ids,
          vatPayerStatus: buyer.company.vatPayerStatus,
          taxId,
        },
        naturalPerson: null,
      };
    }
    if (buyer.kind === 'person-invoice') return { ...buyer.address, company: null, naturalPerson: { ...buyer.who } };
    return null;
  };
  const invoiceRequired = buyer.company !== null || buyer.kind === 'person-invoice';
  return {
    id: order.id,
    messageToSeller: filled ? order.messageToSeller : null,
    buyer: {
      id: buyer.id,
      email: order.email,
      login: buyer.login,
      firstName: buyer.who.firstName,
      lastName: buyer.who.lastName,
      companyName: buyer.company?.name ?? null,
      guest: buyer.guest,
      personalIdentity: null,
      phoneNumber: buyer.phoneNumber,
      preferences: { language: COUNTRIES[order.marketplace].language },
      address: {
        street: buyer.address.street,
        city: buyer.address.city,
        postCode: buyer.address.zipCode,
        countryCode: buyer.address.countryCode,
      },
    },
    payment: filled
      ? {
          id: order.paymentId,
          type: order.paymentType,
          provider: order.paymentProvider,
          finishedAt: finished ? iso(order.readyAt) : null,
          paidAmount: paid ? price(total, currency) : null,
          reconciliation: null,
          features: order.paymentFeatures,
        }
      : null,
    status: order.status,
    fulfillment: {
      status: order.fulfillmentStatus,
      provider: { id: order.oneFulfillment ? 'ALLEGRO' : 'SELLER' },
      shipmentSummary: { lineItemsSent: order.lineItemsSent ?? 'NONE' },
    },
    delivery: filled
      ? {
          address: ready
            ? {
                firstName: order.recipient.firstName,
                lastName: order.recipient.lastName,
                ...order.recipient.address,
                companyName: order.recipient.companyName,
                phoneNumber: order.recipient.phoneNumber,
                modifiedAt: null,
              }
            : null,
          method: { id: order.method.id, name: order.method.name },
          pickupPoint: order.pickupPoint,
          cost: price(order.method.cost, currency),
          smart: order.smart,
          time: deliveryWindow(order.readyAt),
          calculatedNumberOfPackages: 1,
          cancellation: null,
        }
      : null,
    invoice: {
      required: filled && invoiceRequired,
      address: ready ? invoiceAddress() : null,
      dueDate: null,
      features: null,
    },
    lineItems: order.lines,
    surcharges: [],
    note: null,
    marketplace: { id: order.marketplace },
    summary: { totalToPay: price(total, currency) },
    updatedAt: iso(order.updatedAt),
    revision: order.revision,
  };
}
