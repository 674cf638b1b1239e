/**
 * The seller's offers and the delivery methods, from dev/catalogue.ts, shaped like
 * Allegro's answers (examples/product-offer.sandbox.json): the EAN travels as the
 * product parameter "EAN (GTIN)", the seller's signature as `external.id`.
 */
import { formatMinor, parseMinor } from '../../domain/money';
import {
  DEMO_DELIVERY_METHODS,
  DEMO_OFFERS,
  DEMO_PRODUCT_SETS,
  demoProductId,
  type DemoOffer,
  type DemoProductSet,
} from '../catalogue';
import { priceOnMarketplace, type MarketplaceId } from './data';
import { price } from './orders';
import { Rng } from './rng';

const OFFER_STREAM = 0x7ffd0000;
const FOREIGN: readonly MarketplaceId[] = ['allegro-cz', 'allegro-sk', 'allegro-hu'];
export const CURRENCY: Record<MarketplaceId, string> = {
  'allegro-pl': 'PLN',
  'allegro-cz': 'CZK',
  'allegro-sk': 'EUR',
  'allegro-hu': 'HUF',
};
/** Offers were listed before any simulated order; a fixed date keeps answers deterministic. */
const LISTED_AT = '2025-09-01T08:00:00.000Z';
const EAN_PARAMETER = { id: '225693', name: 'EAN (GTIN)' };

interface OfferIds {
  categoryId: string;
  shippingRatesId: string;
  imageUrl: string;
}

export interface OfferListingQuery {
  offerIds?: string[];
  externalIds?: string[];
  name?: string;
  publicationStatus?: string[];
  offset: number;
  limit: number;
}

/** An offer the simulator adds beyond the demo catalogue (admin.addOffers), e.g. for a 1,000-offer sync. */
export interface AddedOffer {
  offerId: string;
  name: string;
  externalId: string;
  priceGross: string;
  stock: number;
}

/** Offer ids of added offers start here, far from the catalogue's. */
const ADDED_OFFER_BASE = 18_000_000_000;

export class OfferCatalogue {
  /** The seller's offers as they are now: stock and base price change through the commands (commands.ts). */
  private readonly byId = new Map<string, DemoOffer>();
  private readonly ids = new Map<string, OfferIds>();
  /** Prices set on an additional marketplace (minor units), by offer id and marketplace. */
  private readonly foreignPrices = new Map<string, number>();
  /** Offers Allegro refuses to change, with its reason (admin.refuseOfferChanges). */
  private readonly refusals = new Map<string, string>();
  private readonly afterSales: { impliedWarranty: { id: string }; returnPolicy: { id: string }; warranty: null };
  private readonly shippingRatesId: string;

  constructor(private readonly seed: number) {
    const shared = new Rng(seed, OFFER_STREAM);
    this.afterSales = { impliedWarranty: { id: shared.uuid() }, returnPolicy: { id: shared.uuid() }, warranty: null };
    this.shippingRatesId = shared.uuid();
    DEMO_OFFERS.forEach((offer) => this.register({ ...offer }));
  }

  private register(offer: DemoOffer): void {
    const rng = new Rng(this.seed, OFFER_STREAM + 1 + this.byId.size);
    this.byId.set(offer.offerId, offer);
    this.ids.set(offer.offerId, {
      categoryId: String(rng.int(250, 320000)),
      shippingRatesId: this.shippingRatesId,
      imageUrl: `https://a.allegroimg.com/original/${rng.hex(6)}/${rng.hex(28)}`,
    });
  }

  /** `n` more active offers with deterministic prices and stock. */
  addOffers(n: number): AddedOffer[] {
    const added: AddedOffer[] = [];
    for (let i = 0; i < n; i++) {
      const seq = this.byId.size + 1;
      const rng = new Rng(this.seed, OFFER_STREAM + 0x8000 + seq);
      const offer: AddedOffer = {
        offerId: String(ADDED_OFFER_BASE + seq),
        name: `Produkt symulatora nr ${seq}`,
        externalId: `SIM-${seq}`,
        priceGross: formatMinor(rng.int(500, 50_000)),
        stock: rng.int(1, 500),
      };
      this.register({ ...offer, ean: null, vatRate: 23, optimaMatch: 'code', optimaCode: offer.externalId });
      added.push(offer);
    }
    return added;
  }

  has(offerId: string): boolean {
    return this.byId.has(offerId);
  }

  /** Stock, base price (PLN) and the prices on the additional marketplaces now; undefined for an unknown offer. */
  current(
    offerId: string,
  ): { stock: number; priceGross: string; additionalPrices: Record<string, string> } | undefined {
    const offer = this.byId.get(offerId);
    return (
      offer && {
        stock: offer.stock,
        priceGross: offer.priceGross,
        additionalPrices: Object.fromEntries(FOREIGN.map((m) => [m, formatMinor(this.priceMinor(offerId, m))])),
      }
    );
  }

  setStock(offerId: string, stock: number): void {
    (this.byId.get(offerId) as DemoOffer).stock = stock;
  }

  /** The price on a marketplace (minor units), base or additional. */
  priceMinor(offerId: string, marketplace: MarketplaceId): number {
    const offer = this.byId.get(offerId) as DemoOffer;
    if (marketplace === 'allegro-pl') return parseMinor(offer.priceGross);
    return (
      this.foreignPrices.get(`${offerId}/${marketplace}`) ??
      priceOnMarketplace(parseMinor(offer.priceGross), marketplace)
    );
  }

  setPrice(offerId: string, marketplace: MarketplaceId, minor: number): void {
    if (marketplace === 'allegro-pl') (this.byId.get(offerId) as DemoOffer).priceGross = formatMinor(minor);
    else this.foreignPrices.set(`${offerId}/${marketplace}`, minor);
  }

  /** From now on every change of this offer fails with `reason` (as Allegro refuses e.g. a banned offer); null lifts it. */
  refuseChanges(offerId: string, reason: string | null): void {
    if (reason === null) this.refusals.delete(offerId);
    else this.refusals.set(offerId, reason);
  }

  refusal(offerId: string): string | undefined {
    return this.refusals.get(offerId);
  }

  /** One element of an offer's `productSet`: a catalogue product with its EAN parameter. */
  private productSetElement(offer: DemoOffer, quantity: number): Record<string, unknown> {
    const parameters = [
      { id: '248135', name: 'Marka', values: ['SklepDemo'], valuesIds: null, rangeValue: null },
      ...(offer.ean ? [{ ...EAN_PARAMETER, values: [offer.ean], valuesIds: null, rangeValue: null }] : []),
    ];
    return {
      product: { id: demoProductId(offer.offerId), publication: { status: 'LISTED' }, parameters },
      quantity: { value: quantity },
      responsiblePerson: null,
      responsibleProducer: null,
      safetyInformation: { type: 'NO_SAFETY_INFORMATION' },
      marketedBeforeGPSRObligation: true,
    };
  }

  /** A set offer: one element per component product; it is priced on the base marketplace only. */
  private setOffer(set: DemoProductSet): Record<string, unknown> {
    return {
      id: set.offerId,
      name: set.name,
      productSet: set.components.map((c) => this.productSetElement(this.byId.get(c.offerId) as DemoOffer, c.quantity)),
      sellingMode: { format: 'BUY_NOW', price: price(parseMinor(set.priceGross), 'PLN') },
      stock: {
        available: Math.min(
          ...set.components.map((c) => Math.floor((this.byId.get(c.offerId)?.stock ?? 0) / c.quantity)),
        ),
        unit: 'SET',
      },
      external: null,
      publication: { status: 'ACTIVE' },
    };
  }

  /** GET /sale/product-offers/{offerId}; undefined when the seller has no such offer. */
  productOffer(offerId: string): Record<string, unknown> | undefined {
    const set = DEMO_PRODUCT_SETS.find((s) => s.offerId === offerId);
    if (set) return this.setOffer(set);
    const offer = this.byId.get(offerId);
    const ids = this.ids.get(offerId);
    if (!offer || !ids) return undefined;
    return {
      id: offer.offerId,
      name: offer.name,
      productSet: [this.productSetElement(offer, 1)],
      parameters: [{ id: '11323', name: 'Stan', values: ['Nowy'], valuesIds: ['11323_1'], rangeValue: null }],
      images: [ids.imageUrl],
      afterSalesServices: this.afterSales,
      payments: { invoice: 'VAT' },
      sellingMode: {
        format: 'BUY_NOW',
        price: price(parseMinor(offer.priceGross), 'PLN'),
        startingPrice: null,
        minimalPrice: null,
      },
      stock: { available: offer.stock, unit: 'UNIT' },
      location: { countryCode: 'PL', province: 'MALOPOLSKIE', city: 'Kraków', postCode: '30-001' },
      delivery: {
        shippingRates: { id: ids.shippingRatesId },
        handlingTime: 'PT24H',
        additionalInfo: null,
        shipmentDate: null,
      },
      external: offer.externalId ? { id: offer.externalId } : null,
      category: { id: ids.categoryId },
      taxSettings: null,
      sizeTable: null,
      discounts: { wholesalePriceList: null },
      contact: null,
      fundraisingCampaign: null,
      messageToSellerSettings: { mode: 'OPTIONAL' },
      attachments: [],
      additionalServices: null,
      compatibilityList: null,
      additionalMarketplaces: Object.fromEntries(
        FOREIGN.map((m) => [
          m,
          { sellingMode: { price: this.priceOn(offer, m) }, publication: { state: 'APPROVED', refusalReasons: [] } },
        ]),
      ),
      warnings: [],
      language: 'pl-PL',
      publication: {
        status: 'ACTIVE',
        duration: null,
        endedBy: null,
        endingAt: null,
        startingAt: null,
        republish: false,
        marketplaces: { base: { id: 'allegro-pl' }, additional: FOREIGN.map((id) => ({ id })) },
      },
      validation: { errors: [], warnings: [], validatedAt: LISTED_AT },
      createdAt: LISTED_AT,
      updatedAt: LISTED_AT,
    };
  }

  /** GET /sale/offers: the seller's listing, paged; no EAN here (as on Allegro). */
  listing(q: OfferListingQuery): { offers: Record<string, unknown>[]; count: number; totalCount: number } {
    const name = q.name?.toLocaleLowerCase('pl');
    const matching = [...this.byId.values()].filter(
      (o) =>
        (!q.offerIds || q.offerIds.includes(o.offerId)) &&
        (!q.externalIds || (o.externalId !== null && q.externalIds.includes(o.externalId))) &&
        (!name || o.name.toLocaleLowerCase('pl').includes(name)) &&
        (!q.publicationStatus || q.publicationStatus.includes('ACTIVE')),
    );
    const offers = matching.slice(q.offset, q.offset + q.limit).map((offer) => {
      const ids = this.ids.get(offer.offerId) as OfferIds;
      return {
        id: offer.offerId,
        name: offer.name,
        category: { id: ids.categoryId },
        primaryImage: { url: ids.imageUrl },
        sellingMode: {
          format: 'BUY_NOW',
          price: price(parseMinor(offer.priceGross), 'PLN'),
          priceAutomation: null,
          minimalPrice: null,
          startingPrice: null,
        },
        saleInfo: { currentPrice: null, biddersCount: 0 },
        stock: { available: offer.stock, sold: 0 },
        stats: { watchersCount: 0, visitsCount: 0 },
        publication: {
          status: 'ACTIVE',
          startingAt: null,
          startedAt: LISTED_AT,
          endingAt: null,
          endedAt: null,
          marketplaces: { base: { id: 'allegro-pl' }, additional: FOREIGN.map((id) => ({ id })) },
        },
        afterSalesServices: this.afterSales,
        additionalServices: null,
        external: offer.externalId ? { id: offer.externalId } : null,
        delivery: { shippingRates: { id: ids.shippingRatesId } },
        b2b: { buyableOnlyByBusiness: false },
        fundraisingCampaign: null,
        additionalMarketplaces: Object.fromEntries(
          FOREIGN.map((m) => [
            m,
            { publication: { state: 'APPROVED' }, sellingMode: { price: this.priceOn(offer, m) }, stock: { sold: 0 } },
          ]),
        ),
      };
    });
    return { offers, count: offers.length, totalCount: matching.length };
  }

  private priceOn(offer: DemoOffer, marketplace: MarketplaceId) {
    return price(this.priceMinor(offer.offerId, marketplace), CURRENCY[marketplace]);
  }
}

/** GET /sale/delivery-methods (optionally for one marketplace). */
export function deliveryMethods(marketplace: string | null): { deliveryMethods: Record<string, unknown>[] } {
  const all: MarketplaceId[] = ['allegro-pl', 'allegro-cz', 'allegro-sk', 'allegro-hu'];
  if (marketplace !== null && !all.includes(marketplace as MarketplaceId)) return { deliveryMethods: [] };
  return {
    deliveryMethods: DEMO_DELIVERY_METHODS.map((m) => ({
      id: m.id,
      name: m.name,
      marketplaces: all,
      paymentPolicy: m.paymentPolicy,
      allegroEndorsed: m.name.startsWith('Allegro'),
      dispatchCountry: 'PL',
      destinationCountry: 'PL',
      shippingRatesConstraints: {
        allowed: true,
        maxQuantityPerPackage: { max: 999999 },
        maxPackageWeight: { supported: false, min: null, max: null, unit: null },
        firstItemRate: { min: '0.00', max: '100000000.00', currency: 'PLN' },
        nextItemRate: { min: '0.00', max: '100000000.00', currency: 'PLN' },
        shippingTime: { default: { from: 'PT24H', to: 'PT48H' }, customizable: false },
      },
    })),
  };
}
