/**
 * The Optima gateway: the business rules of writing into Optima's CDN tables (matching
 * queries, numbering, VAT table, idempotency, cutting text to columns), over a small
 * driver (driver.ts) that is SQL Server in production and the embedded Optima (SQLite) in
 * development and tests. Every creation and its link record share one transaction, and
 * every creation first looks for its link under a lock, so a retry or a second worker
 * finds the first one's result instead of writing twice.
 */
import { randomUUID } from 'node:crypto';
import { PermanentError, TransientError } from '../../domain/errors';
import { lineValue } from '../../domain/money';
import { vatTable } from '../../domain/vat';
import type {
  ConnectionCheck,
  ContractorDraft,
  ContractorRef,
  DocumentDraft,
  DocumentRef,
  OptimaGateway,
  OptimaReferenceData,
  PartyCopy,
  ProductDraft,
  ProductRef,
  StockReceiptDraft,
} from '../../domain/types';
import { COLUMNS, type OptimaColumn } from './columns';
import type { OptimaDriver, Params, Row, SqlRunner, Transaction } from './driver';
import {
  addDays,
  composeDescription,
  countryName,
  cut,
  decimalOf,
  DOCUMENT_CLASSES,
  exportFlag,
  kindOfClass,
  localDateTime,
  minorOf,
  netFromGross,
  nipForms,
  numberingString,
  PARTY_CONTRACTOR,
  paymentFormType,
  splitStreet,
  TWR_TYP,
  TYP_NB,
  uniqueCodes,
  VAT_FLAG_TAXABLE,
  type CutText,
  type WrittenKind,
} from './rules';
import { type Statement, STATEMENTS, WRITTEN_COLUMNS } from './statements';
import { textLength, type SqlValue } from './sql-types';

export interface GatewayOptions {
  /** Ope_Kod of the Optima operator the integrator writes as (audit columns, default warehouse). */
  operator: string;
  /** Series (`@rejestr` of the numbering template) per document kind. */
  series?: Partial<Record<WrittenKind, string>>;
  /** Clock for the audit timestamps (tests). */
  now?: () => Date;
}

/** Length of a text column of the catalogue. */
function len(column: OptimaColumn): number {
  const n = textLength(COLUMNS[column]);
  if (n === undefined) throw new Error(`${column} is not a text column of fixed length`);
  return n;
}

/** Text cut to its column; what was cut is remembered (full text) for TrN_Opis. */
function fit(column: OptimaColumn, text: string, label: string, cuts?: CutText[]): string {
  const value = cut(text, len(column));
  if (cuts && value !== text) cuts.push({ label, full: text });
  return value;
}

function permanent(message: string, code: string): PermanentError {
  return new PermanentError(message, { system: 'optima', code });
}

interface OperatorInfo extends Row {
  id: number | null;
  code: string;
  name: string;
  warehouse: string;
}

interface ContractorRow extends Row {
  id: number;
  code: string;
  name1: string;
  name2: string;
  nip: string;
  paymentFormId: number | null;
}

interface ProductRow extends Row {
  id: number;
  code: string;
  name: string;
  ean: string;
  unit: string;
  vatRate: number;
  type: number;
}

interface LedgerRow extends Row {
  orderId: string;
  id: number;
  kind: string;
  ledgerNumber: string;
  ledgerGross: number;
  presentId: number | null;
  number: string | null;
  grossTotal: number | null;
  cancelled: number | null;
  buffer: number | null;
  description: string | null;
}

function toContractor(r: ContractorRow): ContractorRef {
  const name = [r.name1, r.name2].filter((s) => s && s.trim()).join(' ');
  return {
    id: r.id,
    code: r.code,
    name,
    ...(r.nip ? { nip: r.nip } : {}),
    ...(r.paymentFormId !== null && r.paymentFormId !== undefined ? { paymentFormId: r.paymentFormId } : {}),
  };
}

function toProduct(r: ProductRow): ProductRef {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    ...(r.ean ? { ean: r.ean } : {}),
    unit: r.unit,
    vatRate: Number(r.vatRate),
    isService: Number(r.type) === TWR_TYP.service,
  };
}

function toDocument(r: LedgerRow, existed: boolean): DocumentRef {
  const present = r.presentId !== null && r.presentId !== undefined;
  return {
    id: r.id,
    orderId: r.orderId,
    number: (present && r.number) || r.ledgerNumber,
    kind: r.kind as DocumentRef['kind'],
    grossTotal: minorOf(present ? r.grossTotal : r.ledgerGross),
    existed,
    // A document a person deleted from Optima's buffer counts as cancelled.
    cancelled: !present || Number(r.cancelled) !== 0,
  };
}

async function first<T extends Row>(runner: SqlRunner, statement: Statement, params?: Params): Promise<T | undefined> {
  return (await runner.all<T>(statement, params))[0];
}

/** Values of the CDN.TraNag parameters (the other columns are constants in statements.ts). */
type HeaderValues = Record<string, SqlValue>;

export class SqlOptimaGateway implements OptimaGateway {
  private ready: Promise<OptimaDriver> | undefined;
  private readonly now: () => Date;

  constructor(
    private readonly open: () => Promise<OptimaDriver>,
    private readonly options: GatewayOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /** The driver, opened and the integrator's tables migrated on first use. */
  private driver(): Promise<OptimaDriver> {
    this.ready ??= (async () => {
      const driver = await this.open();
      const migration = [
        STATEMENTS.createSchema,
        STATEMENTS.createContractorLinks,
        STATEMENTS.createProductLinks,
        STATEMENTS.createOrderDocuments,
        STATEMENTS.createOrderDocumentsIndex,
        STATEMENTS.createOrderLines,
      ];
      // Two workers starting together may both see a table missing; the loser's second
      // pass finds it created ("already exists" on the first pass is that race).
      for (let attempt = 1; ; attempt++) {
        try {
          for (const s of migration) await driver.company.all(s);
          return driver;
        } catch (e) {
          if (attempt >= 2) {
            await driver.close();
            throw e;
          }
        }
      }
    })().catch((e: unknown) => {
      this.ready = undefined; // the next call tries again (the server may be back)
      throw e;
    });
    return this.ready;
  }

  private stamp(): string {
    return localDateTime(this.now());
  }

  /**
   * The operator's card from the config database. Without it (not found, or a config
   * database this login may not read) writes still go through with the configured code;
   * checkConnection reports the problem.
   */
  private async operator(driver: OptimaDriver): Promise<OperatorInfo> {
    const fallback = { id: null, code: this.options.operator, name: '', warehouse: '' };
    try {
      const row = await first<OperatorInfo>(driver.config, STATEMENTS.operator, { code: this.options.operator });
      return row ?? fallback;
    } catch {
      return fallback;
    }
  }

  private audit(prefix: 'TrN' | 'Knt' | 'Twr', op: OperatorInfo): Params {
    const code = cut(op.code, len('TrN_OpeZalKod'));
    const name = cut(op.name, len('TrN_OpeZalNazwisko'));
    return {
      [`${prefix}_OpeZalID`]: op.id,
      [`${prefix}_OpeZalKod`]: code,
      [`${prefix}_OpeZalNazwisko`]: name,
      [`${prefix}_OpeModID`]: op.id,
      [`${prefix}_OpeModKod`]: code,
      [`${prefix}_OpeModNazwisko`]: name,
    };
  }

  private async defaultWarehouse(runner: SqlRunner, op: OperatorInfo): Promise<{ id: number; symbol: string }> {
    if (op.warehouse) {
      const own = await first<{ id: number; symbol: string }>(runner, STATEMENTS.warehouseBySymbol, {
        symbol: cut(op.warehouse, len('Mag_Symbol')),
      });
      if (own) return own;
    }
    const any = await first<{ id: number; symbol: string }>(runner, STATEMENTS.warehouses);
    if (!any) throw permanent('Optima has no active warehouse (CDN.Magazyny): create one', 'no-warehouse');
    return any;
  }

  // -------------------------------------------------------------------------------------
  // Connection and reference data

  async checkConnection(): Promise<ConnectionCheck[]> {
    let driver: OptimaDriver;
    try {
      driver = await this.driver();
    } catch (e) {
      return [{ target: 'Optima company database', ok: false, detail: (e as Error).message }];
    }
    const checks: ConnectionCheck[] = [];
    const check = async (target: string, run: () => Promise<{ ok: boolean; detail: string }>) => {
      try {
        checks.push({ target, ...(await run()) });
      } catch (e) {
        checks.push({ target, ok: false, detail: (e as Error).message });
      }
    };
    await check('Optima company database', async () => {
      await driver.company.all(STATEMENTS.ping);
      return { ok: true, detail: `${driver.target}: connected; integrator tables (AO) ready` };
    });
    await check('Optima config database', async () => {
      const op = await first<{ id: number }>(driver.config, STATEMENTS.operator, { code: this.options.operator });
      return op
        ? { ok: true, detail: `operator ${this.options.operator} found` }
        : {
            ok: false,
            detail: `operator ${this.options.operator} not in CDN.Operatorzy: set optima.operator to an Optima operator code`,
          };
    });
    await check('Optima schema', () => this.schemaCheck(driver));
    await check('Optima document definitions', async () => {
      const defs = await driver.company.all<{ symbol: string; documentClass: number }>(STATEMENTS.definitions);
      const found = (['RO', 'FS', 'PA'] as const).filter((k) =>
        defs.some((d) => d.symbol === k && Number(d.documentClass) === DOCUMENT_CLASSES[k].documentClass),
      );
      return found.length
        ? { ok: true, detail: `definitions found: ${found.join(', ')}` }
        : {
            ok: false,
            detail: 'no RO, FS or PA definition (CDN.DokDefinicje): the integrator cannot number documents',
          };
    });
    return checks;
  }

  /** Every column the gateway writes exists, and no text column is shorter than assumed. */
  private async schemaCheck(driver: OptimaDriver): Promise<{ ok: boolean; detail: string }> {
    const rows = await driver.company.all<{ tableName: string; columnName: string; maxLength: number | null }>(
      STATEMENTS.schemaColumns,
    );
    const present = new Map(rows.map((r) => [`${r.tableName}.${r.columnName}`.toLowerCase(), r]));
    const problems: string[] = [];
    for (const [table, columns] of Object.entries(WRITTEN_COLUMNS)) {
      for (const column of columns) {
        const found = present.get(`${table}.${column}`.toLowerCase());
        if (!found) {
          problems.push(`${table}.${column} missing`);
          continue;
        }
        const assumed = column in COLUMNS ? textLength(COLUMNS[column as OptimaColumn]) : undefined;
        const actual = found.maxLength === null || found.maxLength === undefined ? undefined : Number(found.maxLength);
        if (assumed !== undefined && actual !== undefined && actual !== -1 && actual < assumed) {
          problems.push(`${table}.${column} holds ${actual} characters, the integrator writes up to ${assumed}`);
        }
      }
    }
    return problems.length
      ? { ok: false, detail: `this Optima version differs: ${problems.join('; ')}` }
      : { ok: true, detail: `all ${Object.values(WRITTEN_COLUMNS).flat().length} written columns present` };
  }

  async readReferenceData(): Promise<OptimaReferenceData> {
    const driver = await this.driver();
    const db = driver.company;
    const [forms, services, warehouses, definitions, op] = await Promise.all([
      db.all<{ id: number; name: string; type: number; ksefId: number; dueDays: number }>(STATEMENTS.paymentForms),
      db.all<ProductRow>(STATEMENTS.serviceGoods),
      db.all<{ id: number; symbol: string; name: string }>(STATEMENTS.warehouses),
      db.all<{ id: number; symbol: string; documentClass: number; numbering: string }>(STATEMENTS.definitions),
      this.operator(driver),
    ]);
    return {
      paymentForms: forms.map((f) => ({
        id: f.id,
        name: f.name,
        type: paymentFormType(Number(f.type), Number(f.ksefId)),
        dueDays: Number(f.dueDays),
      })),
      deliveryServices: services.map(toProduct),
      warehouses: warehouses.map((w) => ({ id: w.id, symbol: w.symbol, name: w.name })),
      defaultWarehouseId: (await this.defaultWarehouse(db, op)).id,
      definitions: definitions.map((d) => ({
        id: d.id,
        symbol: d.symbol,
        documentClass: Number(d.documentClass),
        numbering: d.numbering,
      })),
    };
  }

  // -------------------------------------------------------------------------------------
  // Contractors

  async findContractorByLink(linkKey: string): Promise<ContractorRef | null> {
    const row = await first<ContractorRow>((await this.driver()).company, STATEMENTS.contractorByLink, { linkKey });
    return row ? toContractor(row) : null;
  }

  async findContractorsByNip(nip: string): Promise<ContractorRef[]> {
    const forms = nipForms(nip);
    if (!forms.bare) return [];
    const rows = await (
      await this.driver()
    ).company.all<ContractorRow>(STATEMENTS.contractorsByNip, {
      nip: cut(forms.bare, 22),
      nipWithCountry: cut(forms.withCountry, 22),
    });
    return rows.map(toContractor);
  }

  async findContractorsByEmail(email: string): Promise<ContractorRef[]> {
    const wanted = email.trim();
    if (!wanted || wanted.length > len('Knt_Email')) return [];
    const rows = await (
      await this.driver()
    ).company.all<ContractorRow>(STATEMENTS.contractorsByEmail, { email: wanted });
    return rows.map(toContractor);
  }

  async createContractor(draft: ContractorDraft): Promise<ContractorRef> {
    const driver = await this.driver();
    const op = await this.operator(driver);
    return driver.transaction(async (tx) => {
      // One lock for all contractor creations: the link check and the code choice stay consistent.
      await tx.lock('AO:contractors');
      const linked = await first<ContractorRow>(tx, STATEMENTS.contractorByLink, { linkKey: draft.linkKey });
      if (linked) return toContractor(linked);
      const staleLink = await first<{ id: number }>(tx, STATEMENTS.contractorLink, { linkKey: draft.linkKey });
      const code = await this.freeCode(tx, STATEMENTS.contractorCodeTaken, draft.code, len('Knt_Kod'));
      const row = await first<{ id: number }>(tx, STATEMENTS.insertContractor, this.contractorValues(draft, code, op));
      if (!row) throw new TransientError('Optima returned no id for the new contractor');
      await tx.all(staleLink ? STATEMENTS.updateContractorLink : STATEMENTS.insertContractorLink, {
        linkKey: draft.linkKey,
        id: row.id,
        now: this.stamp(),
      });
      const created = await first<ContractorRow>(tx, STATEMENTS.contractorById, { id: row.id });
      return toContractor(created!);
    });
  }

  private contractorValues(draft: ContractorDraft, code: string, op: OperatorInfo): Params {
    const p = draft.party;
    const street = splitStreet(p.street);
    const nip = p.nip ? nipForms(p.nip) : undefined;
    const country = p.countryCode.toUpperCase();
    const now = this.stamp();
    const cuts: CutText[] = [];
    if (
      street.street.length > len('Knt_Ulica') ||
      street.house.length > len('Knt_NrDomu') ||
      street.flat.length > len('Knt_NrLokalu')
    ) {
      cuts.push({ label: 'Ulica', full: p.street });
    }
    return {
      Knt_Kod: code,
      Knt_Nazwa1: fit('Knt_Nazwa1', p.name, 'Nazwa', cuts),
      Knt_Nazwa2: fit('Knt_Nazwa2', p.name2 ?? '', 'Nazwa 2', cuts),
      Knt_Nazwa3: '',
      Knt_Ulica: cut(street.street, len('Knt_Ulica')),
      Knt_NrDomu: cut(street.house, len('Knt_NrDomu')),
      Knt_NrLokalu: cut(street.flat, len('Knt_NrLokalu')),
      Knt_Miasto: fit('Knt_Miasto', p.city, 'Miejscowość', cuts),
      Knt_KodPocztowy: fit('Knt_KodPocztowy', p.postCode, 'Kod pocztowy', cuts),
      Knt_Poczta: cut(p.city, len('Knt_Poczta')),
      Knt_Kraj: cut(countryName(country), len('Knt_Kraj')),
      Knt_KrajISO: cut(country, len('Knt_KrajISO')),
      Knt_Nip: cut(nip?.bare ?? '', len('Knt_Nip')),
      Knt_NipE: cut(nip?.bare ?? '', len('Knt_NipE')),
      // Optima leaves the prefix empty for Polish NIPs [G]; foreign ones carry their country.
      Knt_NipKraj: nip && nip.country !== 'PL' ? cut(nip.country, len('Knt_NipKraj')) : '',
      Knt_Email: fit('Knt_Email', p.email ?? '', 'E-mail', cuts),
      Knt_Telefon1: fit('Knt_Telefon1', p.phone ?? '', 'Telefon', cuts),
      Knt_Finalny: draft.finalConsumer ? 1 : 0,
      Knt_PodatekVat: draft.isCompany && nip ? 1 : 0,
      Knt_Export: exportFlag(country),
      Knt_FplID: draft.paymentFormId ?? null,
      Knt_Termin: 0,
      Knt_ImportRowId: randomUUID().toUpperCase(),
      // The card's notes keep whatever had to be cut (nvarchar(max): always room).
      Knt_Opis: composeDescription('', cuts, Number.MAX_SAFE_INTEGER),
      Knt_TS_Zal: now,
      Knt_TS_Mod: now,
      ...this.audit('Knt', op),
    };
  }

  /** The first candidate code not yet used (codes are unique case-insensitively). */
  private async freeCode(tx: Transaction, taken: Statement, code: string, max: number): Promise<string> {
    if (!code.trim())
      throw permanent('the new card has an empty code: check the code template in the settings', 'empty-code');
    for (const candidate of uniqueCodes(code, max)) {
      if (!(await first(tx, taken, { code: candidate }))) return candidate;
    }
    throw permanent(`no free code left for "${code}": change the code template`, 'code-exhausted');
  }

  async linkContractor(linkKey: string, contractorId: number): Promise<void> {
    const driver = await this.driver();
    await driver.transaction(async (tx) => {
      await tx.lock('AO:contractors');
      if (!(await first(tx, STATEMENTS.contractorById, { id: contractorId }))) {
        throw permanent(`contractor id ${contractorId} does not exist in Optima`, 'contractor-missing');
      }
      const link = await first<{ id: number }>(tx, STATEMENTS.contractorLink, { linkKey });
      if (link?.id === contractorId) return;
      await tx.all(link ? STATEMENTS.updateContractorLink : STATEMENTS.insertContractorLink, {
        linkKey,
        id: contractorId,
        now: this.stamp(),
      });
    });
  }

  // -------------------------------------------------------------------------------------
  // Products

  async findProductByLink(linkKey: string): Promise<ProductRef | null> {
    const row = await first<ProductRow>((await this.driver()).company, STATEMENTS.productByLink, { linkKey });
    return row ? toProduct(row) : null;
  }

  async findProductsByEan(ean: string): Promise<ProductRef[]> {
    const wanted = ean.trim();
    if (!wanted || wanted.length > len('Twr_EAN')) return [];
    return (await (await this.driver()).company.all<ProductRow>(STATEMENTS.productsByEan, { ean: wanted })).map(
      toProduct,
    );
  }

  async findProductByCode(code: string): Promise<ProductRef | null> {
    const wanted = code.trim();
    if (!wanted || wanted.length > len('Twr_Kod')) return null;
    const row = await first<ProductRow>((await this.driver()).company, STATEMENTS.productByCode, { code: wanted });
    return row ? toProduct(row) : null;
  }

  async findProductsByName(name: string): Promise<ProductRef[]> {
    const wanted = name.trim();
    if (!wanted || wanted.length > len('Twr_Nazwa')) return [];
    return (await (await this.driver()).company.all<ProductRow>(STATEMENTS.productsByName, { name: wanted })).map(
      toProduct,
    );
  }

  async createProduct(draft: ProductDraft): Promise<ProductRef> {
    const driver = await this.driver();
    const op = await this.operator(driver);
    return driver.transaction(async (tx) => {
      await tx.lock('AO:products');
      const linked = await first<ProductRow>(tx, STATEMENTS.productByLink, { linkKey: draft.linkKey });
      if (linked) return toProduct(linked);
      const priceType = await first<{ number: number }>(tx, STATEMENTS.priceType, { number: draft.priceTypeNumber });
      if (!priceType) {
        throw permanent(
          `price type ${draft.priceTypeNumber} is not defined in Optima (CDN.DefCeny): set import.newProduct.priceTypeNumber`,
          'price-type-missing',
        );
      }
      const staleLink = await first<{ id: number }>(tx, STATEMENTS.productLink, { linkKey: draft.linkKey });
      const code = await this.freeCode(tx, STATEMENTS.productCodeTaken, draft.code, len('Twr_Kod'));
      const ean = (draft.ean ?? '').trim();
      const now = this.stamp();
      const row = await first<{ id: number }>(tx, STATEMENTS.insertProduct, {
        Twr_Kod: code,
        Twr_Nazwa: cut(draft.name.trim(), len('Twr_Nazwa')),
        Twr_EAN: ean,
        Twr_JM: draft.unit,
        Twr_Typ: draft.isService ? TWR_TYP.service : TWR_TYP.goods,
        Twr_Stawka: draft.vatRate,
        Twr_StawkaZak: draft.vatRate,
        Twr_TwCNumer: draft.priceTypeNumber,
        Twr_TS_Zal: now,
        Twr_TS_Mod: now,
        ...this.audit('Twr', op),
      });
      if (!row) throw new TransientError('Optima returned no id for the new product');
      if (ean) await tx.all(STATEMENTS.insertProductEan, { TwE_TwrID: row.id, TwE_EAN: ean, TwE_JM: draft.unit });
      const gross = draft.grossPrice ?? 0;
      await tx.all(STATEMENTS.insertProductPrices, {
        productId: row.id,
        priceTypeNumber: draft.priceTypeNumber,
        netPrice: decimalOf(netFromGross(gross, draft.vatRate)),
        grossPrice: decimalOf(gross),
      });
      await tx.all(staleLink ? STATEMENTS.updateProductLink : STATEMENTS.insertProductLink, {
        linkKey: draft.linkKey,
        id: row.id,
        now,
      });
      return toProduct((await first<ProductRow>(tx, STATEMENTS.productById, { id: row.id }))!);
    });
  }

  async linkProduct(linkKey: string, productId: number): Promise<void> {
    const driver = await this.driver();
    await driver.transaction(async (tx) => {
      await tx.lock('AO:products');
      if (!(await first(tx, STATEMENTS.productById, { id: productId }))) {
        throw permanent(`product id ${productId} does not exist in Optima`, 'product-missing');
      }
      const link = await first<{ id: number }>(tx, STATEMENTS.productLink, { linkKey });
      if (link?.id === productId) return;
      await tx.all(link ? STATEMENTS.updateProductLink : STATEMENTS.insertProductLink, {
        linkKey,
        id: productId,
        now: this.stamp(),
      });
    });
  }

  // -------------------------------------------------------------------------------------
  // Documents

  async findDocumentByOrder(orderId: string): Promise<DocumentRef | null> {
    const row = await first<LedgerRow>((await this.driver()).company, STATEMENTS.documentByOrder, { orderId });
    return row ? toDocument(row, true) : null;
  }

  async findDocumentByLineIds(lineIds: string[]): Promise<DocumentRef | null> {
    const driver = await this.driver();
    for (const lineId of new Set(lineIds)) {
      const row = await first<LedgerRow>(driver.company, STATEMENTS.documentByLine, { lineId });
      if (row) return toDocument(row, true);
    }
    return null;
  }

  async createDocument(draft: DocumentDraft): Promise<DocumentRef> {
    checkDraft(draft);
    const driver = await this.driver();
    const op = await this.operator(driver);
    const cls = DOCUMENT_CLASSES[draft.kind];
    return driver.transaction(async (tx) => {
      // Same order → one writer at a time; the second finds the first one's ledger row.
      await tx.lock(`AO:order:${draft.orderId}`);
      const existing = await first<LedgerRow>(tx, STATEMENTS.documentByOrder, { orderId: draft.orderId });
      if (existing) return toDocument(existing, true);

      const lineIds = [...new Set(draft.lineIds)];
      for (const lineId of lineIds) {
        const owner = await first<{ documentId: number; orderId: string }>(tx, STATEMENTS.orderLineOwner, { lineId });
        if (owner) {
          throw permanent(
            `Allegro line ${lineId} is already on Optima document id ${owner.documentId} (order ${owner.orderId}): ` +
              'a merged payment; link this order to that document instead of creating one',
            'line-on-other-document',
          );
        }
      }

      const paymentForm = await first<{ id: number; dueDays: number }>(tx, STATEMENTS.paymentFormById, {
        id: draft.paymentFormId,
      });
      if (!paymentForm)
        throw permanent(
          `payment form id ${draft.paymentFormId} does not exist in Optima: check mappings.payment`,
          'payment-form-missing',
        );
      if (!(await first(tx, STATEMENTS.contractorById, { id: draft.contractorId }))) {
        throw permanent(
          `contractor id ${draft.contractorId} does not exist in Optima (deleted?): retry to match the buyer again`,
          'contractor-missing',
        );
      }
      const products = await this.lineProducts(
        tx,
        draft.lines.map((l) => l.productId),
      );
      const attributes = await this.attributeDefinitions(
        tx,
        draft.attributes.map((a) => a.code),
      );

      const header = await this.numberedHeader(tx, draft.kind, draft.documentDate, draft.warehouseId, op);
      const cuts: CutText[] = [];
      const buyerNip = draft.buyer.nip ? nipForms(draft.buyer.nip) : undefined;
      const vat = vatTable(draft.lines);
      const totals = vat.reduce((t, r) => ({ net: t.net + r.net, vat: t.vat + r.vat }), { net: 0, vat: 0 });
      const recipient = {
        ...draft.recipient,
        phone: draft.recipient.phone ?? draft.buyer.phone,
        email: draft.recipient.email ?? draft.buyer.email,
      };
      // Party copies first: what they cut is kept whole in TrN_Opis.
      const copies = {
        ...party('Pod', draft.buyer, 'Nabywca', cuts),
        ...party('Odb', recipient, 'Odbiorca', cuts),
        TrN_OdbTelefon: fit('TrN_OdbTelefon', recipient.phone ?? '', 'Odbiorca, telefon', cuts),
        TrN_OdbEmail: fit('TrN_OdbEmail', recipient.email ?? '', 'Odbiorca, e-mail', cuts),
      };
      const values: HeaderValues = {
        ...header.values,
        TrN_NumerObcy: draft.orderId,
        TrN_TypNB: TYP_NB.gross,
        TrN_Termin: addDays(draft.documentDate, Number(paymentForm.dueDays)),
        ...copies,
        TrN_PodmiotTyp: PARTY_CONTRACTOR,
        TrN_PodID: draft.contractorId,
        TrN_OdbiorcaTyp: PARTY_CONTRACTOR,
        TrN_OdbID: draft.contractorId,
        TrN_PlatnikTyp: PARTY_CONTRACTOR,
        TrN_PlatnikID: draft.contractorId,
        TrN_FPlId: paymentForm.id,
        TrN_Waluta: draft.currency,
        TrN_KodKraju: cut(draft.buyer.countryCode.toUpperCase(), len('TrN_KodKraju')),
        TrN_Export: exportFlag(draft.buyer.countryCode),
        TrN_Finalny: buyerNip ? 0 : 1,
        TrN_PodatekVat: buyerNip ? 1 : 0,
        TrN_RazemNetto: decimalOf(totals.net),
        TrN_RazemVAT: decimalOf(totals.vat),
        TrN_RazemBrutto: decimalOf(draft.grossTotal),
        TrN_RazemNettoWal: decimalOf(totals.net),
        TrN_RazemVATWal: decimalOf(totals.vat),
        TrN_RazemBruttoWal: decimalOf(draft.grossTotal),
        TrN_Opis: composeDescription(draft.description, cuts, len('TrN_Opis')),
        ...this.auditTrN(op),
      };
      const id = await this.insertHeader(tx, values);

      for (const [i, line] of draft.lines.entries()) {
        await tx.all(STATEMENTS.insertLine, {
          ...lineBase(id, i, cls.documentClass, draft.documentDate, header.warehouseId, draft.currency),
          TrE_TwrId: line.productId,
          TrE_TwrKod: cut(line.code, len('TrE_TwrKod')),
          TrE_TwrNazwa: cut(line.name, len('TrE_TwrNazwa')),
          // The full name when it had to be cut (the line's description has room for it).
          TrE_TwrOpis: line.name.length > len('TrE_TwrNazwa') ? cut(line.name, len('TrE_TwrOpis')) : '',
          TrE_TwrEAN: (line.productId !== null ? products.get(line.productId)?.ean : undefined) ?? '',
          TrE_TwrTyp: line.isService ? TWR_TYP.service : TWR_TYP.goods,
          TrE_Jm: line.unit,
          TrE_Ilosc: line.quantity,
          TrE_IloscJM: line.quantity,
          ...prices(decimalOf(line.unitGross)),
          TrE_Stawka: line.vatRate,
          TrE_WartoscNetto: decimalOf(netFromGross(line.grossValue, line.vatRate)),
          TrE_WartoscBrutto: decimalOf(line.grossValue),
          TrE_WartoscNettoWal: decimalOf(netFromGross(line.grossValue, line.vatRate)),
          TrE_WartoscBruttoWal: decimalOf(line.grossValue),
          TrE_TypNB: TYP_NB.gross,
          TrE_PodmiotTyp: PARTY_CONTRACTOR,
          TrE_PodID: draft.contractorId,
        });
      }
      for (const row of vat) {
        await tx.all(STATEMENTS.insertVat, {
          TrV_TrNID: id,
          TrV_Stawka: row.vatRate,
          TrV_Flaga: VAT_FLAG_TAXABLE,
          TrV_Netto: decimalOf(row.net),
          TrV_VAT: decimalOf(row.vat),
          TrV_NettoWal: decimalOf(row.net),
          TrV_VATWal: decimalOf(row.vat),
        });
      }
      for (const a of draft.attributes) {
        const definition = attributes.get(a.code)!;
        await tx.all(STATEMENTS.insertAttribute, {
          DAt_TrNId: id,
          DAt_DeAId: definition.id,
          DAt_Kod: definition.code,
          DAt_WartoscTxt: cut(a.value, len('DAt_WartoscTxt')),
        });
      }
      await verifyStoredTotals(tx, id, draft.grossTotal);
      return this.recordDocument(tx, id, draft.orderId, draft.account, draft.kind, lineIds);
    });
  }

  /** Optima's product cards of the lines (for the EAN copy); a missing card refuses the document. */
  private async lineProducts(tx: Transaction, ids: (number | null)[]): Promise<Map<number, ProductRow>> {
    const found = new Map<number, ProductRow>();
    for (const id of new Set(ids)) {
      if (id === null) continue;
      const row = await first<ProductRow>(tx, STATEMENTS.productById, { id });
      if (!row)
        throw permanent(
          `product id ${id} does not exist in Optima (deleted?): retry to match the line again`,
          'product-missing',
        );
      found.set(id, row);
    }
    return found;
  }

  private async attributeDefinitions(
    tx: Transaction,
    codes: string[],
  ): Promise<Map<string, { id: number; code: string }>> {
    const found = new Map<string, { id: number; code: string }>();
    for (const code of new Set(codes)) {
      const row =
        code.length <= len('DeA_Kod')
          ? await first<{ id: number; code: string }>(tx, STATEMENTS.attributeDefinition, { code })
          : undefined;
      if (!row) {
        throw permanent(
          `document attribute "${code}" is not defined in Optima: add it in Ogólne → Atrybuty as a document attribute (or change the setting naming it)`,
          'attribute-missing',
        );
      }
      found.set(code, row);
    }
    return found;
  }

  /**
   * Resolves the definition, its numbering string and the next number in that series
   * (under a lock per series, so concurrent writers number one after another), and the
   * warehouse: the header columns shared by every kind of document.
   */
  private async numberedHeader(
    tx: Transaction,
    kind: WrittenKind,
    documentDate: string,
    warehouseId: number | null,
    op: OperatorInfo,
  ): Promise<{ values: Params; warehouseId: number }> {
    const cls = DOCUMENT_CLASSES[kind];
    const definition = await first<{ id: number; numbering: string }>(tx, STATEMENTS.definitionBySymbol, {
      symbol: kind,
      documentClass: cls.documentClass,
    });
    if (!definition) {
      throw permanent(
        `Optima has no active document definition with symbol ${kind} (class ${cls.documentClass}) in CDN.DokDefinicje: ` +
          'create it or choose another document kind in the settings',
        'definition-missing',
      );
    }
    const warehouse =
      warehouseId === null
        ? await this.defaultWarehouse(tx, op)
        : await first<{ id: number; symbol: string }>(tx, STATEMENTS.warehouseById, { id: warehouseId });
    if (!warehouse)
      throw permanent(
        `warehouse id ${warehouseId} does not exist in Optima: check import.warehouse`,
        'warehouse-missing',
      );
    const numerString = numberingString(
      definition.numbering,
      {
        symbol: kind,
        documentDate,
        ...(this.options.series?.[kind] ? { series: this.options.series[kind] } : {}),
        warehouseSymbol: warehouse.symbol,
      },
      len('TrN_NumerString'),
    );
    await tx.lock(`AO:numbering:${numerString}`);
    const next = await first<{ nr: number }>(tx, STATEMENTS.nextNumber, { numerString });
    const now = this.stamp();
    return {
      warehouseId: warehouse.id,
      values: {
        TrN_DDfId: definition.id,
        TrN_TypDokumentu: cls.documentClass,
        TrN_Rodzaj: cls.kind,
        TrN_NumerNr: Number(next?.nr ?? 1),
        TrN_NumerString: numerString,
        TrN_DataDok: documentDate,
        TrN_DataWys: documentDate,
        TrN_DataOpe: documentDate,
        TrN_DataKur: documentDate,
        TrN_MagZrdId: warehouse.id,
        TrN_ImportRowId: randomUUID().toUpperCase(),
        TrN_TS_Zal: now,
        TrN_TS_Mod: now,
      },
    };
  }

  private auditTrN(op: OperatorInfo) {
    const a = this.audit('TrN', op);
    return {
      TrN_OpeZalID: a.TrN_OpeZalID!,
      TrN_OpeZalKod: a.TrN_OpeZalKod!,
      TrN_OpeZalNazwisko: a.TrN_OpeZalNazwisko!,
      TrN_OpeModID: a.TrN_OpeModID!,
      TrN_OpeModKod: a.TrN_OpeModKod!,
      TrN_OpeModNazwisko: a.TrN_OpeModNazwisko!,
    };
  }

  private async insertHeader(tx: Transaction, values: HeaderValues): Promise<number> {
    const row = await first<{ id: number }>(tx, STATEMENTS.insertDocument, values);
    if (!row) throw new TransientError('Optima returned no id for the new document');
    return row.id;
  }

  /** The ledger row (order → document) and the Allegro line ids, in the document's transaction. */
  private async recordDocument(
    tx: Transaction,
    id: number,
    orderId: string,
    account: string,
    kind: WrittenKind,
    lineIds: string[],
  ): Promise<DocumentRef> {
    const header = await first<{ number: string; grossTotal: number }>(tx, STATEMENTS.documentHeader, { id });
    if (!header) throw new TransientError(`Optima document ${id} vanished while being written`);
    const now = this.stamp();
    await tx.all(STATEMENTS.insertOrderDocument, {
      orderId,
      account,
      documentId: id,
      kind,
      number: header.number,
      grossTotal: Number(header.grossTotal),
      now,
    });
    for (const lineId of lineIds) await tx.all(STATEMENTS.insertOrderLine, { lineId, documentId: id, orderId, now });
    const row = await first<LedgerRow>(tx, STATEMENTS.documentByOrder, { orderId });
    return toDocument(row!, false);
  }

  async cancelDocument(orderId: string, mode: 'annotate' | 'cancel', reason: string): Promise<DocumentRef | null> {
    const driver = await this.driver();
    return driver.transaction(async (tx) => {
      await tx.lock(`AO:order:${orderId}`);
      const row = await first<LedgerRow>(tx, STATEMENTS.documentByOrder, { orderId });
      if (!row) return null;
      if (row.presentId === null || row.presentId === undefined) return toDocument(row, true);
      const note = `Zamówienie anulowane w Allegro${reason ? `: ${reason}` : ''}`;
      const description = row.description ?? '';
      const noted = description.includes(note)
        ? description
        : cut(description ? `${description}\n${note}` : note, len('TrN_Opis'));
      // Only a document still in the buffer may be cancelled; a confirmed one is annotated.
      const cancel = mode === 'cancel' && Number(row.buffer) === 1;
      const cancelled = cancel || Number(row.cancelled) !== 0 ? 1 : 0;
      if (noted !== description || cancelled !== Number(row.cancelled)) {
        await tx.all(STATEMENTS.updateDocumentNote, {
          TrN_Opis: noted,
          TrN_Anulowany: cancelled,
          TrN_TS_Mod: this.stamp(),
          TrN_TrNID: row.id,
        });
      }
      return toDocument((await first<LedgerRow>(tx, STATEMENTS.documentByOrder, { orderId }))!, true);
    });
  }

  async linkOrderToDocument(orderId: string, documentId: number): Promise<void> {
    const driver = await this.driver();
    await driver.transaction(async (tx) => {
      await tx.lock(`AO:order:${orderId}`);
      const existing = await first<LedgerRow>(tx, STATEMENTS.documentByOrder, { orderId });
      if (existing) {
        if (existing.id === documentId) return;
        throw permanent(
          `order ${orderId} already has Optima document id ${existing.id}, not ${documentId}`,
          'order-has-document',
        );
      }
      const header = await first<{ documentClass: number; number: string; grossTotal: number }>(
        tx,
        STATEMENTS.documentHeader,
        {
          id: documentId,
        },
      );
      if (!header) throw permanent(`Optima document id ${documentId} does not exist`, 'document-missing');
      const kind = kindOfClass(Number(header.documentClass));
      if (!kind)
        throw permanent(
          `Optima document id ${documentId} is of class ${header.documentClass}, not one the integrator writes`,
          'document-class',
        );
      const original = await first<LedgerRow & { account: string }>(tx, STATEMENTS.ledgerByDocument, { documentId });
      await tx.all(STATEMENTS.insertOrderDocument, {
        orderId,
        account: original?.account ?? '',
        documentId,
        kind,
        number: header.number,
        grossTotal: Number(header.grossTotal),
        now: this.stamp(),
      });
    });
  }

  async createStockReceipt(draft: StockReceiptDraft): Promise<DocumentRef> {
    if (!draft.lines.length) throw permanent(`stock receipt ${draft.key} has no lines`, 'no-lines');
    const driver = await this.driver();
    const op = await this.operator(driver);
    const cls = DOCUMENT_CLASSES.PW;
    return driver.transaction(async (tx) => {
      await tx.lock(`AO:order:${draft.key}`);
      const existing = await first<LedgerRow>(tx, STATEMENTS.documentByOrder, { orderId: draft.key });
      if (existing) return toDocument(existing, true);
      const products = await this.lineProducts(
        tx,
        draft.lines.map((l) => l.productId),
      );
      const header = await this.numberedHeader(tx, 'PW', draft.documentDate, draft.warehouseId, op);
      const values = draft.lines.map((l) => lineValue(l.unitNet, l.quantity));
      const net = values.reduce((a, b) => a + b, 0);
      const id = await this.insertHeader(tx, {
        ...header.values,
        ...party('Pod', undefined, 'Nabywca'),
        ...party('Odb', undefined, 'Odbiorca'),
        TrN_NumerObcy: cut(draft.key, len('TrN_NumerObcy')),
        TrN_TypNB: TYP_NB.net,
        TrN_Termin: draft.documentDate,
        TrN_OdbTelefon: null,
        TrN_OdbEmail: null,
        TrN_PodmiotTyp: null,
        TrN_PodID: null,
        TrN_OdbiorcaTyp: null,
        TrN_OdbID: null,
        TrN_PlatnikTyp: null,
        TrN_PlatnikID: null,
        TrN_FPlId: null,
        TrN_Waluta: 'PLN',
        TrN_KodKraju: '',
        TrN_Export: 0,
        TrN_Finalny: 0,
        TrN_PodatekVat: 0,
        // An internal receipt is valued at net purchase prices, without a VAT table [G].
        TrN_RazemNetto: decimalOf(net),
        TrN_RazemVAT: 0,
        TrN_RazemBrutto: decimalOf(net),
        TrN_RazemNettoWal: decimalOf(net),
        TrN_RazemVATWal: 0,
        TrN_RazemBruttoWal: decimalOf(net),
        TrN_Opis: cut(`Stany ofert Allegro: ${draft.key}`, len('TrN_Opis')),
        ...this.auditTrN(op),
      });
      for (const [i, line] of draft.lines.entries()) {
        const product = products.get(line.productId)!;
        await tx.all(STATEMENTS.insertLine, {
          ...lineBase(id, i, cls.documentClass, draft.documentDate, header.warehouseId, 'PLN'),
          TrE_TwrId: product.id,
          TrE_TwrKod: product.code,
          TrE_TwrNazwa: product.name,
          TrE_TwrOpis: '',
          TrE_TwrEAN: product.ean ?? '',
          TrE_TwrTyp: Number(product.type),
          TrE_Jm: product.unit,
          TrE_Ilosc: line.quantity,
          TrE_IloscJM: line.quantity,
          ...prices(decimalOf(line.unitNet)),
          TrE_Stawka: Number(product.vatRate),
          TrE_WartoscNetto: decimalOf(values[i]),
          TrE_WartoscBrutto: decimalOf(values[i]),
          TrE_WartoscNettoWal: decimalOf(values[i]),
          TrE_WartoscBruttoWal: decimalOf(values[i]),
          TrE_TypNB: TYP_NB.net,
          TrE_PodmiotTyp: null,
          TrE_PodID: null,
        });
      }
      return this.recordDocument(tx, id, draft.key, '', 'PW', []);
    });
  }

  async close(): Promise<void> {
    const ready = this.ready;
    this.ready = undefined;
    if (!ready) return;
    const driver = await ready.catch(() => undefined);
    await driver?.close();
  }
}

/**
 * Refuses a draft Optima would store wrongly: no lines, a total that is not the sum of
 * its lines (to the grosz), a VAT table that is not the one of its lines, a currency the
 * gateway cannot convert.
 */
function checkDraft(draft: DocumentDraft): void {
  const refuse = (message: string, code: string) => {
    throw permanent(`order ${draft.orderId}: ${message}`, code);
  };
  if (!draft.lines.length) refuse('the document has no lines', 'no-lines');
  const sum = draft.lines.reduce((s, l) => s + l.grossValue, 0);
  if (sum !== draft.grossTotal) {
    refuse(
      `the gross total ${draft.grossTotal} differs from the sum of the lines ${sum} (minor units); nothing was written`,
      'total-mismatch',
    );
  }
  for (const l of draft.lines) {
    if (!Number.isSafeInteger(l.grossValue) || !Number.isSafeInteger(l.unitGross))
      refuse(`line ${l.sourceLineId} has a non-integer amount`, 'bad-amount');
    if (!(l.quantity > 0)) refuse(`line ${l.sourceLineId} has quantity ${l.quantity}`, 'bad-quantity');
    if (!(l.vatRate >= 0 && l.vatRate < 100))
      refuse(`line ${l.sourceLineId} has VAT rate ${l.vatRate}`, 'bad-vat-rate');
  }
  if (draft.vat.length) {
    const key = (rows: { vatRate: number; net: number; vat: number; gross: number }[]) =>
      JSON.stringify([...rows].sort((a, b) => b.vatRate - a.vatRate).map((r) => [r.vatRate, r.net, r.vat, r.gross]));
    if (key(draft.vat) !== key(vatTable(draft.lines)))
      refuse('the VAT table does not match the lines (VAT from gross per rate)', 'vat-mismatch');
  }
  if (draft.currency !== 'PLN') {
    // PLN columns would need the exchange rate of the document date (CDN.WalNotowania).
    refuse(`documents in ${draft.currency} are not supported yet: only PLN`, 'currency');
  }
  if (!['RO', 'FS', 'PA'].includes(draft.kind)) refuse(`unknown document kind ${draft.kind}`, 'kind');
}

/**
 * Reads back what the database stored (decimal columns, after any trigger) and refuses,
 * rolling everything back, unless header, lines and VAT table all hold the draft's total.
 */
async function verifyStoredTotals(tx: Transaction, id: number, grossTotal: number): Promise<void> {
  const stored = await first<{ header: unknown; lines: unknown; vat: unknown }>(tx, STATEMENTS.documentTotals, { id });
  const totals = { header: minorOf(stored?.header), lines: minorOf(stored?.lines), vat: minorOf(stored?.vat) };
  if (totals.header !== grossTotal || totals.lines !== grossTotal || totals.vat !== grossTotal) {
    throw permanent(
      `document totals stored by Optima differ from the order's ${grossTotal} (header ${totals.header}, lines ` +
        `${totals.lines}, VAT table ${totals.vat}, minor units); nothing was written: report this order`,
      'stored-total-mismatch',
    );
  }
}

/** The buyer (Pod) or recipient (Odb) copy on the header, cut to its columns; what was cut goes to `cuts`. */
function party(side: 'Pod' | 'Odb', p: PartyCopy | undefined, label: string, cuts?: CutText[]): Params {
  const street = splitStreet(p?.street ?? '');
  const nip = p?.nip ? nipForms(p.nip) : undefined;
  const col = (name: string) => `TrN_${side}${name}` as OptimaColumn;
  const fitText = (name: string, text: string, what: string) => fit(col(name), text, `${label}, ${what}`, cuts);
  const addressCut =
    street.street.length > len(col('Ulica')) ||
    street.house.length > len(col('NrDomu')) ||
    street.flat.length > len(col('NrLokalu'));
  if (addressCut && cuts && p) cuts.push({ label: `${label}, ulica`, full: p.street });
  return {
    [col('Nazwa1')]: fitText('Nazwa1', p?.name ?? '', 'nazwa'),
    [col('Nazwa2')]: fitText('Nazwa2', p?.name2 ?? '', 'nazwa 2'),
    [col('Nazwa3')]: '',
    [col('Kraj')]: cut(p ? countryName(p.countryCode) : '', len(col('Kraj'))),
    [col('Ulica')]: cut(street.street, len(col('Ulica'))),
    [col('NrDomu')]: cut(street.house, len(col('NrDomu'))),
    [col('NrLokalu')]: cut(street.flat, len(col('NrLokalu'))),
    [col('Miasto')]: fitText('Miasto', p?.city ?? '', 'miejscowość'),
    [col('KodPocztowy')]: fitText('KodPocztowy', p?.postCode ?? '', 'kod pocztowy'),
    [col('Poczta')]: cut(p?.city ?? '', len(col('Poczta'))),
    // Optima leaves the prefix empty for Polish NIPs [G]; foreign ones carry their country.
    [col('NipKraj')]: nip && nip.country !== 'PL' ? cut(nip.country, len(col('NipKraj'))) : '',
    [col('NipE')]: fitText('NipE', nip?.bare ?? '', 'NIP'),
  };
}

/** Line columns every document line has: position, class, dates, warehouse, currency. */
function lineBase(
  documentId: number,
  index: number,
  documentClass: number,
  date: string,
  warehouseId: number,
  currency: string,
): Params {
  return {
    TrE_TrNId: documentId,
    TrE_Lp: index + 1,
    TrE_LpPow: index + 1,
    TrE_TypDokumentu: documentClass,
    TrE_Flaga: VAT_FLAG_TAXABLE,
    TrE_Waluta: currency,
    TrE_MagId: warehouseId,
    TrE_DataDok: date,
    TrE_DataOpe: date,
  };
}

/** The unit price in every price column of a line (S4 writes the gross price to CenaT on a gross document). */
function prices(unit: number): Params {
  return { TrE_Cena0: unit, TrE_CenaT: unit, TrE_CenaW: unit, TrE_Cena0WD: unit, TrE_CenaWWD: unit };
}
