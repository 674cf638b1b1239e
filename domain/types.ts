/**
 * Shared types of the integrator: one place, imported by workflows (types only),
 * activities, the worker, the CLI and the development stand-ins.
 *
 * Money is always integer minor units (grosze, haléře, euro cents): `Minor`.
 * Nothing here imports Node built-ins, so workflow code may import it.
 */
import type { OrderDocumentFacts } from './fulfilment';
import type { OfferExportRecord, OfferSource, OfferSourceQuery, SentValue } from './offer-sync';

/** Integer minor units of a currency (1 PLN = 100). Never a float amount. */
export type Minor = number;

export interface Money {
  amount: Minor;
  currency: string;
}

/** Optima document kinds we write. RO = "Rezerwacja Odbiorcy" (class 308). */
export type DocumentKind = 'RO' | 'FS' | 'PA';

/** Which day is the tax point for the exchange rate (settings: import.taxPoint). */
export type TaxPointSource = 'payment' | 'documentDate';

/** Where the document date comes from (settings: import.documentDateSource). */
export type DocumentDateSource = 'order' | 'payment' | 'import';

/** Visible state of one order, also the `OrderStatus` search attribute value. */
export type OrderStatus =
  | 'Fetching'
  | 'Waiting' // not yet at the configured import stage (e.g. FILLED_IN), waits for events
  | 'NeedsAttention' // needs a person: reason in `OrderProgress.reason`, continues on `retry`
  | 'Imported'
  | 'Cancelled'
  | 'Superseded' // merged into another checkout form
  | 'Skipped';

/** Every order status, in the order an operator reads them (a Record: the compiler checks it is complete). */
const STATUS_RANK: Record<OrderStatus, number> = {
  NeedsAttention: 0,
  Waiting: 1,
  Fetching: 2,
  Imported: 3,
  Cancelled: 4,
  Superseded: 5,
  Skipped: 6,
};
export const ORDER_STATUSES: readonly OrderStatus[] = (Object.keys(STATUS_RANK) as OrderStatus[]).sort(
  (a, b) => STATUS_RANK[a] - STATUS_RANK[b],
);

/** Search attributes registered on the Temporal namespace. No personal data here. */
export const SEARCH_ATTRIBUTES = {
  orderId: 'AllegroOrderId', // Keyword
  account: 'AllegroAccount', // Keyword
  status: 'OrderStatus', // Keyword
  documentNumber: 'OptimaDocumentNumber', // Keyword
} as const;

/** A party as copied onto a document header (buyer = TrN_Pod*, recipient = TrN_Odb*). */
export interface PartyCopy {
  /** Company name or "First Last". Full text; adapters cut to column length. */
  name: string;
  /** Second name line (e.g. the person at a company, or a pickup point name). */
  name2?: string;
  street: string;
  city: string;
  postCode: string;
  /** ISO 3166-1 alpha-2, e.g. PL. */
  countryCode: string;
  /** Digits only for PL_NIP; as given otherwise. */
  nip?: string;
  email?: string;
  phone?: string;
}

/** What a new Optima contractor (CDN.Kontrahenci) is made from. */
export interface ContractorDraft {
  /**
   * The integrator's link key, unique: `buyer:<account>:<buyerId>` for registered buyers
   * buying privately, `…:nip:<taxId>` appended for a company (domain/contractor.ts),
   * `guest:<account>:<checkoutFormId>` for guests (a guest's id is not stable across orders).
   * Creating with a key that is already linked returns the linked contractor (idempotent).
   */
  linkKey: string;
  /** Knt_Kod, max 20 chars, built from the configured template; adapters make it unique. */
  code: string;
  party: PartyCopy;
  isCompany: boolean;
  /** Natural persons are final consumers (Knt_Finalny = 1). */
  finalConsumer: boolean;
  /** Default payment form for new contractors (FPl id), if configured. */
  paymentFormId?: number;
}

export interface ContractorRef {
  id: number; // Knt_KntId
  code: string; // Knt_Kod
  name: string;
  nip?: string;
  /** Knt_FPlId: the contractor's default payment form ("all purchases" mode uses it). */
  paymentFormId?: number;
}

/** What a new Optima product card (CDN.Towary) is made from. */
export interface ProductDraft {
  /** Link key `offer:<account>:<offerId>`; idempotent like ContractorDraft.linkKey. */
  linkKey: string;
  code: string; // Twr_Kod (max 50)
  name: string; // Twr_Nazwa
  ean?: string;
  unit: string; // Twr_JM, e.g. "szt"
  vatRate: number; // percent, e.g. 23
  /** Gross selling price in minor units, set on the configured price type. */
  grossPrice?: Minor;
  priceTypeNumber: number; // DfC_Lp / TwC_TwCNumer
  isService: boolean;
}

export interface ProductRef {
  id: number; // Twr_TwrId
  code: string;
  name: string;
  ean?: string;
  unit: string;
  vatRate: number;
  isService: boolean;
}

/** How a line's product was matched (kept on the journey for ops). */
export type ProductMatchRule = 'link' | 'ean' | 'externalId' | 'offerId' | 'name' | 'created' | 'none';

/** One line of a document draft: the gross price is Allegro's, to the grosz. */
export interface DocumentLineDraft {
  /** Allegro line item id; `delivery` for the delivery cost line. */
  sourceLineId: string;
  /** null: "line without a card" (settings: productNotFound = 'lineWithoutCard'). */
  productId: number | null;
  code: string;
  name: string;
  unit: string;
  quantity: number;
  /** Gross unit price after discounts (Allegro `lineItems[].price`). */
  unitGross: Minor;
  /** Gross value of the line = unitGross × quantity, exact. */
  grossValue: Minor;
  vatRate: number;
  isService: boolean;
}

/** VAT table row computed from gross, per rate, the way Optima does (CDN.TraVat). */
export interface VatRow {
  vatRate: number;
  net: Minor;
  vat: Minor;
  gross: Minor;
}

/** Everything needed to write one document; the output of the pure draft function. */
export interface DocumentDraft {
  /** The Allegro checkout form id: TrN_NumerObcy and the ledger's unique key. */
  orderId: string;
  account: string;
  kind: DocumentKind;
  /** YYYY-MM-DD. */
  documentDate: string;
  currency: string;
  contractorId: number;
  buyer: PartyCopy;
  recipient: PartyCopy;
  paymentFormId: number;
  /** null: the operator's default warehouse. */
  warehouseId: number | null;
  lines: DocumentLineDraft[];
  vat: VatRow[];
  /** Sum of line gross values; equals Allegro `summary.totalToPay`. */
  grossTotal: Minor;
  /** Buyer's message and notes (TrN_Opis, cut to its length by the adapter). */
  description: string;
  /** Document attributes (CDN.DokAtrybuty) by DefAtrybuty code. */
  attributes: { code: string; value: string }[];
  /** Allegro line ids: a merged checkout form shares them with the orders it replaced. */
  lineIds: string[];
  /** Absent on a PLN document (rate 1/1); present for CZK, EUR, HUF (domain/foreign-currency.ts). */
  exchange?: CurrencyExchange;
  /** TrN_Termin, YYYY-MM-DD: the document date when paid online, else + the configured days. */
  dueDate: string;
  /** Header flags an accountant needs on an FS or PA (domain/document-flags.ts). */
  flags: DocumentFlags;
}

/** The NBP rate of a foreign-currency document and its PLN amounts, converted once. */
export interface CurrencyExchange {
  /** PLN for 1 unit as NBP publishes it, e.g. "4.2345". */
  rate: string;
  /** As Optima stores a rate: KursL / KursM, KursL with at most 4 decimals (HUF: per 100). */
  kursL: number;
  kursM: number;
  /** TrN_KursNumer: the rate type in Optima's currency settings (import.exchangeRateTypeNumber). */
  kursNumer: number;
  /** NBP table number, e.g. "61/A/NBP/2026", and its day (TrN_DataKur). */
  tableNumber: string;
  effectiveDate: string;
  /** The tax point the rate is for (the last business day before it). */
  taxPointDate: string;
  /** The VAT table in PLN, same rows as DocumentDraft.vat: net and VAT each converted. */
  vatPln: VatRow[];
  /** Each line's gross value in PLN, in line order; per VAT rate they add up to vatPln's gross. */
  linesGrossPln: Minor[];
  grossTotalPln: Minor;
}

export interface DocumentFlags {
  /** TrN_Fiskalna: a PA to be fiscalised (import.receiptFiscal). */
  fiscal: boolean;
  /** TrN_NieWysylajDokumentuDoKSeF: a B2C FS kept out of KSeF (import.ksefB2cNotSend). */
  ksefNotSend: boolean;
  /** TrN_SplitPay: the split-payment mechanism marked on an FS (import.splitPayment). */
  splitPayment: boolean;
  /** TrN_RozliczamPodatekWOSS: VAT settled in OSS (import.ossMarketplaces). */
  oss: boolean;
}

export interface DocumentRef {
  id: number; // TrN_TrNID
  orderId: string;
  number: string; // printable full number, e.g. "RO/12/2026"
  /** PW: the stock receipt of createStockReceipt (class 303). */
  kind: DocumentKind | 'PW';
  grossTotal: Minor;
  /** True when the document already existed (idempotent repeat). */
  existed: boolean;
  cancelled?: boolean;
}

export interface PaymentFormRef {
  id: number; // FPl_FPlId
  name: string;
  type: 'cash' | 'transfer' | 'card' | 'credit' | 'other';
  dueDays: number;
}

/** Delivery services are service goods (CDN.Towary with Twr_Typ = 0). */
export type DeliveryServiceRef = ProductRef;

export interface WarehouseRef {
  id: number; // Mag_MagId
  symbol: string;
  name: string;
}

export interface DocumentDefinitionRef {
  id: number; // DDf_DDfID
  symbol: string; // DDf_Symbol, e.g. RO
  documentClass: number; // DDf_Klasa, e.g. 308
  numbering: string; // DDf_Numeracja template
}

export interface OptimaReferenceData {
  paymentForms: PaymentFormRef[];
  deliveryServices: DeliveryServiceRef[];
  warehouses: WarehouseRef[];
  defaultWarehouseId: number;
  definitions: DocumentDefinitionRef[];
}

export interface ConnectionCheck {
  target: string;
  ok: boolean;
  detail: string;
}

/** A draft goods receipt (PW) carrying offers' stock, for `import-offers`. */
export interface StockReceiptDraft {
  /** Idempotency key, e.g. `offers:<account>:<date>`. */
  key: string;
  documentDate: string;
  warehouseId: number | null;
  lines: { productId: number; quantity: number; unitNet: Minor }[];
}

/**
 * The Optima gateway port. Production: mssql against the CDN schema; development:
 * the embedded Optima (SQLite holding the same CDN tables). Every write that creates
 * something also writes its link record in the same transaction, so a retry after a
 * crash finds it instead of creating it twice.
 */
export interface OptimaGateway {
  checkConnection(): Promise<ConnectionCheck[]>;
  readReferenceData(): Promise<OptimaReferenceData>;

  findContractorByLink(linkKey: string): Promise<ContractorRef | null>;
  findContractorsByNip(nip: string): Promise<ContractorRef[]>;
  findContractorsByEmail(email: string): Promise<ContractorRef[]>;
  /** Idempotent by draft.linkKey. */
  createContractor(draft: ContractorDraft): Promise<ContractorRef>;
  /** Saves linkKey → contractor (after a match by NIP or e-mail). Idempotent. */
  linkContractor(linkKey: string, contractorId: number): Promise<void>;

  findProductByLink(linkKey: string): Promise<ProductRef | null>;
  findProductsByEan(ean: string): Promise<ProductRef[]>;
  findProductByCode(code: string): Promise<ProductRef | null>;
  findProductsByName(name: string): Promise<ProductRef[]>;
  /** Idempotent by draft.linkKey. */
  createProduct(draft: ProductDraft): Promise<ProductRef>;
  linkProduct(linkKey: string, productId: number): Promise<void>;

  /**
   * Creates the document in the buffer (TrN_Bufor = 1), numbered in its series, and the
   * order → document link in one transaction. A second call for the same orderId returns
   * the first document with `existed: true`; never a second document.
   */
  createDocument(draft: DocumentDraft): Promise<DocumentRef>;
  findDocumentByOrder(orderId: string): Promise<DocumentRef | null>;
  /** A document already holding any of these Allegro line ids (merged payments). */
  findDocumentByLineIds(lineIds: string[]): Promise<DocumentRef | null>;
  /** Buyer cancelled after the document: annotate it, or cancel it (still in the buffer). */
  cancelDocument(orderId: string, mode: 'annotate' | 'cancel', reason: string): Promise<DocumentRef | null>;
  /** The order changed on Allegro after its document: a note on the document, never an edit. Null: no document. */
  noteOnDocument(orderId: string, note: string): Promise<DocumentRef | null>;
  /** Links another checkout form id (merged payment) to an existing document. */
  linkOrderToDocument(orderId: string, documentId: number): Promise<void>;

  createStockReceipt(draft: StockReceiptDraft): Promise<DocumentRef>;

  /** Stock and price of the products linked to an account's offers (issue 13). */
  readOfferSources(account: string, query: OfferSourceQuery): Promise<OfferSource[]>;
  /** What was last sent to the account's offers (or read from Allegro when first seen). */
  readSentOfferValues(account: string): Promise<SentValue[]>;
  recordSentOfferValues(account: string, records: readonly OfferExportRecord[]): Promise<void>;
  /**
   * The account's orders whose documents changed after `since` (TrN_TS_Mod), with every document
   * of each and its value of the document attribute `attributeCode` ('' or absent: none read).
   */
  readChangedOrderDocuments(account: string, since: string, attributeCode?: string): Promise<OrderDocumentFacts[]>;

  close(): Promise<void>;
}

/** Allegro checkout-form statuses in the order the import stage compares them. */
export const IMPORT_STAGES = ['BOUGHT', 'FILLED_IN', 'READY_FOR_PROCESSING'] as const;
export type ImportStage = (typeof IMPORT_STAGES)[number];

/** The checkout-form statuses an import stage takes: that stage and the later ones. */
export function statusesFrom(stage: ImportStage): ImportStage[] {
  return IMPORT_STAGES.slice(IMPORT_STAGES.indexOf(stage));
}

export type ProductMatchStep = 'link' | 'ean' | 'externalId' | 'offerId' | 'name';

/** Allegro payment (type + optional provider) → Optima payment form, by FPl_Nazwa. */
export interface PaymentMapping {
  type: string;
  provider?: string;
  paymentForm: string;
}

/** Allegro delivery method id → Optima delivery service (a service good), by Twr_Kod. */
export interface DeliveryMapping {
  methodId: string;
  /** The method's name as Allegro shows it; for people reading the settings file. */
  methodName?: string;
  serviceCode: string;
}

/**
 * The import rules one order's journey needs; a slice of the settings file. Activities read
 * the current one by account (ActivityDeps.policy), so a fixed mapping reaches orders that
 * wait for a person; the pure draft function takes it as an argument.
 */
export interface ImportPolicy {
  /** "all purchases" mode = BOUGHT: no delivery cost, the contractor's payment form, a note. */
  stage: ImportStage;
  documentKindCompany: DocumentKind;
  documentKindPerson: DocumentKind;
  documentDateSource: DocumentDateSource;
  productMatchOrder: ProductMatchStep[];
  productNotFound: 'create' | 'lineWithoutCard' | 'wait';
  /** DefAtrybuty code recording lines put on the document without a product card. */
  productNotFoundAttribute: string;
  /** A set offer with no card of its own: wait (absent = wait) or one line per component (domain/product-sets). */
  productSets?: 'wait' | 'split';
  /** DefAtrybuty code recording the settings version that produced the document; empty: none. */
  settingsVersionAttribute?: string;
  newProduct: { vatRate: number; unit: string; priceTypeNumber: number };
  checkContractorByNip: boolean;
  matchContractorByEmail: boolean;
  /** Placeholders: {login} {buyerId} {orderId} {lastName} {company}; cut to 20 chars. */
  contractorCodeTemplate: { registered: string; guest: string };
  /** FPl_Nazwa given to new contractors. */
  defaultPaymentForm?: string;
  paymentMappings: PaymentMapping[];
  deliveryMappings: DeliveryMapping[];
  /** Mag_Symbol; absent: the operator's default warehouse. */
  warehouseSymbol?: string;
  /** Mag_Symbol for orders shipped by Allegro One Fulfillment; absent: as any other order. */
  fulfillmentWarehouseSymbol?: string;
  /**
   * The rest are optional because workflows started before them carry a pinned policy without
   * them; domain/document-flags.ts gives their defaults (the settings' defaults).
   */
  /** The tax point whose NBP rate a foreign-currency document takes: the payment's day or the document date. */
  taxPoint?: TaxPointSource;
  /** TrN_KursNumer written with a foreign-currency rate. */
  exchangeRateTypeNumber?: number;
  /** TrN_Termin for cash on delivery and deferred payment (EXTENDED_TERM): days after the document date. */
  dueDays?: { cashOnDelivery: number; deferred: number };
  /** An FS to a private buyer marked not to be sent to KSeF. */
  ksefB2cNotSend?: boolean;
  /** A PA marked fiscal (TrN_Fiskalna). */
  receiptFiscal?: boolean;
  /** TrN_SplitPay on an FS to a company from 15,000 PLN gross ('threshold'), or never. */
  splitPayment?: 'threshold' | 'never';
  /** Marketplace ids (allegro-cz…) whose sales settle VAT in OSS. */
  ossMarketplaces?: string[];
  /** Twr_Kod of the service card surcharges are booked on; absent: orders with surcharges wait. */
  surchargeServiceCode?: string;
  /** Paid amount differing from the document total: wait (absent = wait) or book the order's figures. */
  paidAmountMismatch?: 'wait' | 'book';
  cancelledAfterDocument: 'annotate' | 'cancel';
  markProcessing: boolean;
  licenceRetryDelaySeconds: number;
}

/** The policy in force now, and its version: a short digest of it (recorded on each document). */
export interface VersionedPolicy {
  version: string;
  policy: ImportPolicy;
}

/**
 * The few rules the order workflow's own control flow needs, read by an activity at each
 * read of the order (small in history, current after a settings change).
 */
export type OrderRules = Pick<
  ImportPolicy,
  'stage' | 'licenceRetryDelaySeconds' | 'cancelledAfterDocument' | 'markProcessing'
> & { settingsVersion: string };
