/**
 * The demo seller's world, shared by the two development stand-ins so that they agree:
 * the Allegro simulator sells these offers and the embedded Optima holds these goods,
 * payment forms and delivery services. Invented data; EANs carry valid check digits.
 */

export interface DemoOffer {
  offerId: string; // Allegro offer id (numeric string)
  name: string; // offer title
  ean: string | null; // the offer product's "EAN (GTIN)" parameter
  externalId: string | null; // seller's signature (external.id)
  priceGross: string; // PLN, decimal string as Allegro sends it
  vatRate: number;
  stock: number;
  /**
   * How the embedded Optima knows this good: by 'ean', by 'code' (= externalId), by 'name',
   * or 'absent' (no card: exercises the not-found policy).
   */
  optimaMatch: 'ean' | 'code' | 'name' | 'absent';
  optimaCode: string; // Twr_Kod in Optima (when not absent)
}

export const DEMO_OFFERS: DemoOffer[] = [
  {
    offerId: '17000000001',
    name: 'Kubek ceramiczny Kraków 350 ml',
    ean: '5901234123457',
    externalId: 'KUB-350-KRK',
    priceGross: '29.99',
    vatRate: 23,
    stock: 120,
    optimaMatch: 'ean',
    optimaCode: 'KUB-350-KRK',
  },
  {
    offerId: '17000000002',
    name: 'Herbata liściasta Earl Grey 100 g',
    ean: '5900000000017',
    externalId: 'HER-EG-100',
    priceGross: '18.50',
    vatRate: 5,
    stock: 300,
    optimaMatch: 'ean',
    optimaCode: 'HER-EG-100',
  },
  {
    offerId: '17000000003',
    name: 'Książka "Pan Tadeusz" wydanie szkolne',
    ean: '9788373271890',
    externalId: 'KS-PT-SZK',
    priceGross: '24.90',
    vatRate: 5,
    stock: 45,
    optimaMatch: 'ean',
    optimaCode: 'KS-PT-SZK',
  },
  {
    offerId: '17000000004',
    name: 'Ładowarka USB-C 65W GaN',
    ean: '5903111222336',
    externalId: 'LAD-65W-GAN',
    priceGross: '119.00',
    vatRate: 23,
    stock: 60,
    optimaMatch: 'code',
    optimaCode: 'LAD-65W-GAN',
  },
  {
    offerId: '17000000005',
    name: 'Kabel USB-C – USB-C 2 m',
    ean: null,
    externalId: 'KAB-CC-2M',
    priceGross: '34.99',
    vatRate: 23,
    stock: 200,
    optimaMatch: 'code',
    optimaCode: 'KAB-CC-2M',
  },
  {
    offerId: '17000000006',
    name: 'Etui Nillkin do Samsung Galaxy S23 Ultra',
    ean: '6902048258457',
    externalId: null,
    priceGross: '49.99',
    vatRate: 23,
    stock: 80,
    optimaMatch: 'name',
    optimaCode: 'ETUI-S23U-NIL',
  },
  {
    offerId: '17000000007',
    name: 'Koc polarowy 150x200 szary',
    ean: '5907777000013',
    externalId: 'KOC-150-SZ',
    priceGross: '59.00',
    vatRate: 23,
    stock: 35,
    optimaMatch: 'ean',
    optimaCode: 'KOC-150-SZ',
  },
  {
    offerId: '17000000008',
    name: 'Świeca sojowa „Las” 200 g',
    ean: '5906666000029',
    externalId: 'SWI-LAS-200',
    priceGross: '39.90',
    vatRate: 23,
    stock: 70,
    optimaMatch: 'ean',
    optimaCode: 'SWI-LAS-200',
  },
  {
    offerId: '17000000009',
    name: 'Mąka żytnia typ 720, 1 kg',
    ean: '5901111000011',
    externalId: 'MAK-ZYT-1',
    priceGross: '6.49',
    vatRate: 5,
    stock: 500,
    optimaMatch: 'ean',
    optimaCode: 'MAK-ZYT-1',
  },
  {
    offerId: '17000000010',
    name: 'Plecak miejski 20 l granatowy',
    ean: '5908888000035',
    externalId: 'PLE-20-GR',
    priceGross: '149.00',
    vatRate: 23,
    stock: 25,
    optimaMatch: 'code',
    optimaCode: 'PLE-20-GR',
  },
  {
    offerId: '17000000011',
    name: 'Zestaw śrubokrętów precyzyjnych 24 el.',
    ean: '5905555000041',
    externalId: 'SRU-24-PREC',
    priceGross: '44.00',
    vatRate: 23,
    stock: 90,
    optimaMatch: 'ean',
    optimaCode: 'SRU-24-PREC',
  },
  {
    offerId: '17000000012',
    name: 'Lampka biurkowa LED z ładowarką Qi',
    ean: '5904444000057',
    externalId: 'LAM-LED-QI',
    priceGross: '89.99',
    vatRate: 23,
    stock: 40,
    optimaMatch: 'absent',
    optimaCode: 'LAM-LED-QI',
  },
];

/**
 * Offers selling a set of the catalogue's products (`productSet` on Allegro). They are not
 * drawn for random orders: a test or the demo asks for one by its offer id. No Optima card
 * stands for a set; its components' cards are found by their EANs.
 */
export interface DemoProductSet {
  offerId: string;
  name: string;
  priceGross: string;
  /** Catalogue offers whose products the set holds, with pieces per set. */
  components: { offerId: string; quantity: number }[];
}

export const DEMO_PRODUCT_SETS: DemoProductSet[] = [
  {
    // Both components at 23% VAT: splittable.
    offerId: '17000000101',
    name: 'Zestaw prezentowy: 2× kubek Kraków + 3× świeca „Las”',
    priceGross: '169.99',
    components: [
      { offerId: '17000000001', quantity: 2 },
      { offerId: '17000000008', quantity: 3 },
    ],
  },
  {
    // Components at 23% and 5% VAT: a split would have to choose the VAT, so the order waits.
    offerId: '17000000102',
    name: 'Zestaw: kubek Kraków + 2× herbata Earl Grey',
    priceGross: '59.90',
    components: [
      { offerId: '17000000001', quantity: 1 },
      { offerId: '17000000002', quantity: 2 },
    ],
  },
];

/** The Allegro catalogue product id of a demo offer's product (a UUID, fixed per offer). */
export function demoProductId(offerId: string): string {
  return `5e7a0000-0000-4000-8000-${offerId.padStart(12, '0').slice(-12)}`;
}

export interface DemoDeliveryMethod {
  id: string; // Allegro delivery method id
  name: string;
  paymentPolicy: 'IN_ADVANCE' | 'CASH_ON_DELIVERY';
  pickupPoint: boolean;
  costGross: string; // PLN
  optimaServiceCode: string; // Twr_Kod of the service good in Optima
  optimaServiceName: string;
}

export const DEMO_DELIVERY_METHODS: DemoDeliveryMethod[] = [
  {
    id: '0b257488-c85d-4507-b967-9b45ffbfa2e8',
    name: 'Allegro One Box, DPD',
    paymentPolicy: 'IN_ADVANCE',
    pickupPoint: true,
    costGross: '10.99',
    optimaServiceCode: 'DOST-ONEBOX',
    optimaServiceName: 'Dostawa Allegro One Box',
  },
  {
    id: '2488f7b7-5d1c-4d65-b85c-4cbcf253fd93',
    name: 'Allegro Paczkomaty InPost',
    paymentPolicy: 'IN_ADVANCE',
    pickupPoint: true,
    costGross: '12.99',
    optimaServiceCode: 'DOST-PACZKOMAT',
    optimaServiceName: 'Dostawa Paczkomat InPost',
  },
  {
    id: '7203cb90-d0a2-4c5a-9a4b-3a1b0b4b3c52',
    name: 'Allegro Kurier DPD',
    paymentPolicy: 'IN_ADVANCE',
    pickupPoint: false,
    costGross: '16.99',
    optimaServiceCode: 'DOST-KURIER',
    optimaServiceName: 'Dostawa kurierem',
  },
  {
    id: '98f86f81-0018-41c5-ac83-073a56fc7021',
    name: 'Allegro Kurier DPD pobranie',
    paymentPolicy: 'CASH_ON_DELIVERY',
    pickupPoint: false,
    costGross: '21.99',
    optimaServiceCode: 'DOST-KURIER-POB',
    optimaServiceName: 'Dostawa kurierem za pobraniem',
  },
  {
    id: '5d9c7838-e05f-4dec-afdd-58e884170ba7',
    name: 'Odbiór osobisty',
    paymentPolicy: 'IN_ADVANCE',
    pickupPoint: false,
    costGross: '0.00',
    optimaServiceCode: 'DOST-ODBIOR',
    optimaServiceName: 'Odbiór osobisty',
  },
];

/** Optima payment forms of the demo company (FPl_Nazwa) and how Allegro payments map to them. */
export const DEMO_PAYMENT_FORMS = [
  { name: 'gotówka', type: 'cash' as const, dueDays: 0 },
  { name: 'przelew', type: 'transfer' as const, dueDays: 7 },
  { name: 'karta', type: 'card' as const, dueDays: 0 },
  { name: 'pobranie', type: 'credit' as const, dueDays: 14 },
  { name: 'Allegro PayU', type: 'transfer' as const, dueDays: 0 },
  { name: 'Allegro Przelewy24', type: 'transfer' as const, dueDays: 0 },
  { name: 'Allegro Finance', type: 'transfer' as const, dueDays: 0 },
  { name: 'Allegro Pay 30 dni', type: 'credit' as const, dueDays: 30 },
];

export const DEMO_PAYMENT_MAPPINGS = [
  { type: 'ONLINE', provider: 'PAYU', paymentForm: 'Allegro PayU' },
  { type: 'ONLINE', provider: 'P24', paymentForm: 'Allegro Przelewy24' },
  { type: 'ONLINE', provider: 'AF', paymentForm: 'Allegro Finance' },
  { type: 'CASH_ON_DELIVERY', paymentForm: 'pobranie' },
  { type: 'WIRE_TRANSFER', paymentForm: 'przelew' },
  { type: 'SPLIT_PAYMENT', paymentForm: 'przelew' },
  { type: 'EXTENDED_TERM', paymentForm: 'Allegro Pay 30 dni' },
];

/** The seller account the demo and the tests use (Allegro user id of the seller). */
export const DEMO_SELLER = { account: 'demo-seller', sellerId: '44001122', login: 'SklepDemo' };
