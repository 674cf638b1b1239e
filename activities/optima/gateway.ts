/**
 * The Optima gateway: the OptimaGateway port over a driver (driver.ts) that is SQL Server in
 * production and the embedded Optima (SQLite) in development and tests. Each aggregate
 * keeps its rules and its statements in its own module; this class only delegates:
 * contractors.ts, products.ts, documents.ts (with numbering.ts, document-rows.ts),
 * stock-receipts.ts, ledger.ts, offer-exports.ts and checks.ts.
 */
import type {
  ConnectionCheck,
  ContractorDraft,
  ContractorRef,
  DocumentDraft,
  DocumentRef,
  OptimaGateway,
  OptimaReferenceData,
  ProductDraft,
  ProductRef,
  StockReceiptDraft,
} from '../../domain/types';
import type { OrderDocumentFacts } from '../../domain/fulfilment';
import type { OfferExportRecord, OfferSource, OfferSourceQuery, SentValue } from '../../domain/offer-sync';
import { checkConnection, readReferenceData } from './checks';
import { Contractors } from './contractors';
import { createDocument } from './documents';
import type { OptimaDriver } from './driver';
import { changedOrderDocuments } from './fulfilment';
import { Ledger } from './ledger';
import { OfferExports } from './offer-exports';
import { Products } from './products';
import { OptimaSession, type GatewayOptions } from './session';
import { createStockReceipt } from './stock-receipts';

export type { GatewayOptions } from './session';

export class SqlOptimaGateway implements OptimaGateway {
  private readonly session: OptimaSession;
  private readonly contractors: Contractors;
  private readonly products: Products;
  private readonly ledger: Ledger;
  private readonly offerExports: OfferExports;

  constructor(open: () => Promise<OptimaDriver>, options: GatewayOptions) {
    this.session = new OptimaSession(open, options);
    this.contractors = new Contractors(this.session);
    this.products = new Products(this.session);
    this.ledger = new Ledger(this.session);
    this.offerExports = new OfferExports(this.session);
  }

  checkConnection(): Promise<ConnectionCheck[]> {
    return checkConnection(this.session);
  }

  readReferenceData(): Promise<OptimaReferenceData> {
    return readReferenceData(this.session);
  }

  findContractorByLink(linkKey: string): Promise<ContractorRef | null> {
    return this.contractors.findContractorByLink(linkKey);
  }

  findContractorsByNip(nip: string): Promise<ContractorRef[]> {
    return this.contractors.findContractorsByNip(nip);
  }

  findContractorsByEmail(email: string): Promise<ContractorRef[]> {
    return this.contractors.findContractorsByEmail(email);
  }

  createContractor(draft: ContractorDraft): Promise<ContractorRef> {
    return this.contractors.createContractor(draft);
  }

  linkContractor(linkKey: string, contractorId: number): Promise<void> {
    return this.contractors.linkContractor(linkKey, contractorId);
  }

  findProductByLink(linkKey: string): Promise<ProductRef | null> {
    return this.products.findProductByLink(linkKey);
  }

  findProductsByEan(ean: string): Promise<ProductRef[]> {
    return this.products.findProductsByEan(ean);
  }

  findProductByCode(code: string): Promise<ProductRef | null> {
    return this.products.findProductByCode(code);
  }

  findProductsByName(name: string): Promise<ProductRef[]> {
    return this.products.findProductsByName(name);
  }

  createProduct(draft: ProductDraft): Promise<ProductRef> {
    return this.products.createProduct(draft);
  }

  linkProduct(linkKey: string, productId: number): Promise<void> {
    return this.products.linkProduct(linkKey, productId);
  }

  findDocumentByOrder(orderId: string): Promise<DocumentRef | null> {
    return this.ledger.findDocumentByOrder(orderId);
  }

  findDocumentByLineIds(lineIds: string[]): Promise<DocumentRef | null> {
    return this.ledger.findDocumentByLineIds(lineIds);
  }

  createDocument(draft: DocumentDraft): Promise<DocumentRef> {
    return createDocument(this.session, draft);
  }

  cancelDocument(orderId: string, mode: 'annotate' | 'cancel', reason: string): Promise<DocumentRef | null> {
    return this.ledger.cancelDocument(orderId, mode, reason);
  }

  noteOnDocument(orderId: string, note: string): Promise<DocumentRef | null> {
    return this.ledger.noteOnDocument(orderId, note);
  }

  linkOrderToDocument(orderId: string, documentId: number): Promise<void> {
    return this.ledger.linkOrderToDocument(orderId, documentId);
  }

  createStockReceipt(draft: StockReceiptDraft): Promise<DocumentRef> {
    return createStockReceipt(this.session, draft);
  }

  readOfferSources(account: string, query: OfferSourceQuery): Promise<OfferSource[]> {
    return this.offerExports.offerSources(account, query);
  }

  readSentOfferValues(account: string): Promise<SentValue[]> {
    return this.offerExports.sentValues(account);
  }

  recordSentOfferValues(account: string, records: readonly OfferExportRecord[]): Promise<void> {
    return this.offerExports.record(account, records);
  }

  readChangedOrderDocuments(account: string, since: string, attributeCode = ''): Promise<OrderDocumentFacts[]> {
    return changedOrderDocuments(this.session, account, since, attributeCode);
  }

  close(): Promise<void> {
    return this.session.close();
  }
}
