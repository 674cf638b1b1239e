/**
 * Products (CDN.Towary): finding an offer's card by link, EAN, code or name, creating one
 * with its EAN, prices and link, and linking a card a person chose. Every creation and its
 * link share one transaction under one lock, so a retry or a second worker finds the first
 * one's card.
 */
import { TransientError } from '../../domain/errors';
import type { OptimaGateway, ProductDraft, ProductRef } from '../../domain/types';
import { COLUMNS } from './columns';
import type { Row, Transaction } from './driver';
import { LINK_KEY, linkStatements, saveLink } from './links';
import { cut, decimalOf, netFromGross, TWR_TYP } from './rules';
import { audit, freeCode, len, permanent, type OptimaSession } from './session';
import { first, insertReturningId, insertRow, same, type InsertSpec, type Statement } from './sql';
import { int } from './sql-types';

// prettier-ignore
const TOWARY: InsertSpec = {
  params: [
    'Twr_Kod', 'Twr_Nazwa', 'Twr_EAN', 'Twr_JM', 'Twr_Typ', 'Twr_Stawka', 'Twr_StawkaZak', 'Twr_TwCNumer',
    'Twr_TS_Zal', 'Twr_TS_Mod', 'Twr_OpeZalID', 'Twr_OpeZalKod', 'Twr_OpeZalNazwisko', 'Twr_OpeModID', 'Twr_OpeModKod',
    'Twr_OpeModNazwisko',
  ],
  // Flag 2 = taxable at the rate (SCHEMA.md §9); unit conversions 1/1; PLN rate 1/1.
  fixed: {
    Twr_Flaga: 2, Twr_FlagaZak: 2, Twr_FlagaExport: 2, Twr_JmPomPrzelicznikL: 1, Twr_JmPomPrzelicznikM: 1,
    Twr_KursL: 1, Twr_KursM: 1, TwR_KursLZakOld: 1, TwR_KursMZakOld: 1,
  },
  zero: [
    'TwR_KosztUslugiOld', 'TwR_MiejsceDodania', 'Twr_Akcyza', 'Twr_AkcyzaOpal', 'Twr_AkcyzaStawka',
    'Twr_AutoKodGrupaTowarowa', 'Twr_AutoKodNumer', 'Twr_BezRabatu', 'Twr_CenaZCzteremaMiejscami', 'Twr_EdycjaNazwy',
    'Twr_EdycjaOpisu', 'Twr_ESklepBezRabatu', 'Twr_ESklepDostepnosc', 'Twr_ESklepFlaga_NajlepiejOceniany',
    'Twr_ESklepFlaga_Nowosc', 'Twr_ESklepFlaga_ProduktPolecany', 'Twr_ESklepFlaga_ProduktzGazetki',
    'Twr_ESklepFlaga_Promocja', 'Twr_ESklepFlaga_RekomendacjaSprzedawcy', 'Twr_ESklepFlaga_SuperCena',
    'Twr_ESklepFlaga_SuperJakosc', 'Twr_ESklepFlaga_Wyprzedaz', 'Twr_ESklepKalkulacjaDostaw',
    'Twr_ESklepKalkulacjaDostawWartosc', 'Twr_IloscMax', 'Twr_IloscMin', 'Twr_IloscZam', 'Twr_JMCalkowite',
    'Twr_Kaucja', 'Twr_KopiujOpis', 'Twr_KosztKGO', 'Twr_KosztUslugi', 'Twr_KosztUslugiTyp', 'Twr_KosztUslugiWal',
    'Twr_KursNumer', 'Twr_KV7ID', 'Twr_MarzaMin', 'Twr_Masa', 'Twr_MinCenaMarza', 'Twr_NieAktywny',
    'Twr_OdwrotneObciazenie', 'Twr_OplataCukrowa', 'Twr_OplataCukrowaOdCukrowStala',
    'Twr_OplataCukrowaOdCukrowZawartoscGram', 'Twr_OplataCukrowaOdCukrowZawartoscRoztwor',
    'Twr_OplataCukrowaOdCukrowZawartoscSokow20', 'Twr_OplataCukrowaOdCukrowZmienna',
    'Twr_OplataCukrowaOdKofeinyTauryny', 'Twr_OplataCukrowaOdKofeinyTaurynyStala',
    'Twr_OplataCukrowaOdSubstancjiSlodzacych', 'Twr_OplataCukrowaPrzelicznikML', 'Twr_OplataCukrowaSuma',
    'Twr_PobieranieSkladnikowFSUslugaZlozona', 'Twr_Produkt', 'Twr_Prog', 'Twr_Sent', 'Twr_SentMasaBrutto',
    'Twr_SplitPay', 'Twr_StawkaExport', 'Twr_TwGGIDNumer', 'Twr_TypMinimum', 'Twr_UdostepniajWCenniku', 'Twr_Upust',
    'Twr_UpustData', 'Twr_UpustGodz', 'Twr_Zrodlowa', 'Twr_ZrodlowaExport', 'Twr_ZrodlowaZak',
  ],
  empty: [
    'Twr_IloscMaxJM', 'Twr_IloscMinJM', 'Twr_IloscZamJM', 'Twr_Kategoria', 'Twr_KategoriaZak', 'Twr_KodDostawcy',
    'Twr_KrajPochodzenia', 'Twr_NumerKat', 'Twr_Opis', 'Twr_SWW', 'Twr_URL', 'Twr_Waluta',
  ],
};

export const PRODUCT_COLUMNS =
  't.Twr_TwrId AS id, t.Twr_Kod AS code, t.Twr_Nazwa AS name, t.Twr_EAN AS ean, t.Twr_JM AS unit, ' +
  't.Twr_Stawka AS vatRate, t.Twr_Typ AS type';

const PRODUCT_LINKS = linkStatements('AO.ProductLinks', 'TwrId');
const linkKey = LINK_KEY;

export const PRODUCT_STATEMENTS = {
  productByLink: same(
    `SELECT ${PRODUCT_COLUMNS} FROM AO.ProductLinks AS l JOIN CDN.Towary AS t ON t.Twr_TwrId = l.TwrId ` +
      'WHERE l.LinkKey = @linkKey',
    { linkKey },
  ),
  productById: same(`SELECT ${PRODUCT_COLUMNS} FROM CDN.Towary AS t WHERE t.Twr_TwrId = @id`, { id: int }),
  /** The main EAN on the card or any extra EAN in CDN.TwrEan. */
  productsByEan: same(
    `SELECT ${PRODUCT_COLUMNS} FROM CDN.Towary AS t WHERE t.Twr_NieAktywny = 0 AND (t.Twr_EAN = @ean OR ` +
      't.Twr_TwrId IN (SELECT e.TwE_TwrID FROM CDN.TwrEan AS e WHERE e.TwE_EAN = @ean)) ORDER BY t.Twr_TwrId',
    { ean: COLUMNS.Twr_EAN },
  ),
  productByCode: same(
    `SELECT ${PRODUCT_COLUMNS} FROM CDN.Towary AS t WHERE t.Twr_Kod = @code AND t.Twr_NieAktywny = 0`,
    {
      code: COLUMNS.Twr_Kod,
    },
  ),
  productsByName: same(
    `SELECT ${PRODUCT_COLUMNS} FROM CDN.Towary AS t WHERE t.Twr_Nazwa = @name AND t.Twr_NieAktywny = 0 ` +
      'ORDER BY t.Twr_TwrId',
    { name: COLUMNS.Twr_Nazwa },
  ),
  productCodeTaken: same('SELECT Twr_TwrId AS id FROM CDN.Towary WHERE Twr_Kod = @code', { code: COLUMNS.Twr_Kod }),
  priceType: same('SELECT DfC_Lp AS number, DfC_Typ AS type FROM CDN.DefCeny WHERE DfC_Lp = @number', { number: int }),
  insertProduct: insertReturningId('CDN.Towary', 'Twr_TwrId', TOWARY),
  /** The main EAN also as the card's default code in CDN.TwrEan, as Optima lists it there. */
  insertProductEan: insertRow('CDN.TwrEan', {
    params: ['TwE_TwrID', 'TwE_EAN', 'TwE_JM'],
    fixed: { TwE_Domyslny: 1 },
    empty: ['TwE_Opis'],
  }),
  /**
   * One price row per price type, as Optima's item card has; the configured type gets the
   * price, net or gross as its DfC_Typ says (1 net, 2 gross — SCHEMA.md §7.2, a guess).
   */
  insertProductPrices: same(
    'INSERT INTO CDN.TwrCeny (TwC_TwrID, TwC_TwCNumer, TwC_Typ, TwC_Wartosc, TwC_Waluta, TwC_Aktualizacja, TwC_DokID, ' +
      'TwC_Marza, TwC_MarzaWStu, TwC_Offset, TwC_Punkty, TwC_WartoscZakOld, TwC_Zaokraglenie) ' +
      'SELECT @productId, d.DfC_Lp, d.DfC_Typ, CASE WHEN d.DfC_Lp = @priceTypeNumber THEN ' +
      'CASE WHEN d.DfC_Typ = 1 THEN @netPrice ELSE @grossPrice END ELSE 0 END, d.DfC_Waluta, d.DfC_Aktualizacja, 0, ' +
      'd.DfC_Marza, 0, d.DfC_Offset, 0, 0, d.DfC_Zaokraglenie FROM CDN.DefCeny AS d ' +
      'WHERE d.DfC_Nieaktywna = 0 OR d.DfC_Nieaktywna IS NULL OR d.DfC_Lp = @priceTypeNumber',
    { productId: int, priceTypeNumber: int, netPrice: COLUMNS.TwC_Wartosc, grossPrice: COLUMNS.TwC_Wartosc },
  ),
  productLink: PRODUCT_LINKS.link,
  insertProductLink: PRODUCT_LINKS.insertLink,
  updateProductLink: PRODUCT_LINKS.updateLink,
} satisfies Record<string, Statement>;

/** The table product creation inserts into, for the start-up schema check. */
export const PRODUCT_TABLES = { Towary: TOWARY } as const;

export interface ProductRow extends Row {
  id: number;
  code: string;
  name: string;
  ean: string;
  unit: string;
  vatRate: number;
  type: number;
}

export function toProduct(r: ProductRow): ProductRef {
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

/** Optima's product cards of a document's lines; a missing card refuses the document. */
export async function lineProducts(tx: Transaction, ids: (number | null)[]): Promise<Map<number, ProductRow>> {
  const found = new Map<number, ProductRow>();
  for (const id of new Set(ids)) {
    if (id === null) continue;
    const row = await first<ProductRow>(tx, PRODUCT_STATEMENTS.productById, { id });
    if (!row)
      throw permanent(
        `product id ${id} does not exist in Optima (deleted?): retry to match the line again`,
        'product-missing',
      );
    found.set(id, row);
  }
  return found;
}

type ProductPort = Pick<
  OptimaGateway,
  | 'findProductByLink'
  | 'findProductsByEan'
  | 'findProductByCode'
  | 'findProductsByName'
  | 'createProduct'
  | 'linkProduct'
>;

export class Products implements ProductPort {
  constructor(private readonly session: OptimaSession) {}

  async findProductByLink(linkKey: string): Promise<ProductRef | null> {
    const driver = await this.session.driver();
    const row = await first<ProductRow>(driver.company, PRODUCT_STATEMENTS.productByLink, { linkKey });
    return row ? toProduct(row) : null;
  }

  async findProductsByEan(ean: string): Promise<ProductRef[]> {
    const wanted = ean.trim();
    if (!wanted || wanted.length > len('Twr_EAN')) return [];
    const driver = await this.session.driver();
    return (await driver.company.all<ProductRow>(PRODUCT_STATEMENTS.productsByEan, { ean: wanted })).map(toProduct);
  }

  async findProductByCode(code: string): Promise<ProductRef | null> {
    const wanted = code.trim();
    if (!wanted || wanted.length > len('Twr_Kod')) return null;
    const driver = await this.session.driver();
    const row = await first<ProductRow>(driver.company, PRODUCT_STATEMENTS.productByCode, { code: wanted });
    return row ? toProduct(row) : null;
  }

  async findProductsByName(name: string): Promise<ProductRef[]> {
    const wanted = name.trim();
    if (!wanted || wanted.length > len('Twr_Nazwa')) return [];
    const driver = await this.session.driver();
    return (await driver.company.all<ProductRow>(PRODUCT_STATEMENTS.productsByName, { name: wanted })).map(toProduct);
  }

  async createProduct(draft: ProductDraft): Promise<ProductRef> {
    const driver = await this.session.driver();
    const op = await this.session.operator(driver);
    return driver.transaction(async (tx) => {
      await tx.lock('AO:products');
      const linked = await first<ProductRow>(tx, PRODUCT_STATEMENTS.productByLink, { linkKey: draft.linkKey });
      if (linked) return toProduct(linked);
      const priceType = await first<{ number: number }>(tx, PRODUCT_STATEMENTS.priceType, {
        number: draft.priceTypeNumber,
      });
      if (!priceType) {
        throw permanent(
          `price type ${draft.priceTypeNumber} is not defined in Optima (CDN.DefCeny): set import.newProduct.priceTypeNumber`,
          'price-type-missing',
        );
      }
      const code = await freeCode(tx, PRODUCT_STATEMENTS.productCodeTaken, draft.code, len('Twr_Kod'));
      const ean = (draft.ean ?? '').trim();
      const now = this.session.stamp();
      const row = await first<{ id: number }>(tx, PRODUCT_STATEMENTS.insertProduct, {
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
        ...audit('Twr', op),
      });
      if (!row) throw new TransientError('Optima returned no id for the new product');
      if (ean) {
        await tx.all(PRODUCT_STATEMENTS.insertProductEan, { TwE_TwrID: row.id, TwE_EAN: ean, TwE_JM: draft.unit });
      }
      const gross = draft.grossPrice ?? 0;
      await tx.all(PRODUCT_STATEMENTS.insertProductPrices, {
        productId: row.id,
        priceTypeNumber: draft.priceTypeNumber,
        netPrice: decimalOf(netFromGross(gross, draft.vatRate)),
        grossPrice: decimalOf(gross),
      });
      await saveLink(tx, PRODUCT_LINKS, { linkKey: draft.linkKey, id: row.id, now });
      return toProduct((await first<ProductRow>(tx, PRODUCT_STATEMENTS.productById, { id: row.id }))!);
    });
  }

  async linkProduct(linkKey: string, productId: number): Promise<void> {
    const driver = await this.session.driver();
    await driver.transaction(async (tx) => {
      await tx.lock('AO:products');
      if (!(await first(tx, PRODUCT_STATEMENTS.productById, { id: productId }))) {
        throw permanent(`product id ${productId} does not exist in Optima`, 'product-missing');
      }
      await saveLink(tx, PRODUCT_LINKS, { linkKey, id: productId, now: this.session.stamp() });
    });
  }
}
