/**
 * Stock and prices of the products linked to an account's Allegro offers (AO.ProductLinks,
 * keys `offer:<account>:<offerId>`), and what was last sent to each offer (AO.OfferExports):
 * the record that keeps a restarted sync from sending a change twice. Both dialects run the
 * same text: the link prefix is a LIKE pattern, the warehouses are chosen in domain/offer-sync.ts.
 */
import {
  stockForSale,
  type OfferExportRecord,
  type OfferSource,
  type OfferSourceQuery,
  type SentValue,
  type StockLevel,
} from '../../domain/offer-sync';
import { offerLinkKey } from '../../domain/products';
import type { Row } from './driver';
import { minorOf } from './rules';
import type { OptimaSession } from './session';
import { same, type Statement } from './sql';
import { datetime, int, nvarchar, varchar } from './sql-types';

/** `offer:<account>:%` with LIKE's wildcards in the account escaped (ESCAPE '\\'). */
const pattern = nvarchar(400);
const LINKED = "l.LinkKey LIKE @pattern ESCAPE '\\'";

const EXPORT_PARAMS = {
  account: nvarchar(100),
  offerId: varchar(20),
  field: varchar(10),
  value: nvarchar(40),
  state: varchar(10),
  reason: nvarchar(1000),
  commandId: varchar(40),
  now: datetime,
};

export const OFFER_EXPORT_STATEMENTS = {
  /** The latest TwrIlosci row (TwI_Data ≤ now) per linked product and warehouse. */
  offerStock: same(
    'SELECT l.LinkKey AS linkKey, m.Mag_Symbol AS warehouse, i.TwI_Ilosc AS quantity, i.TwI_Rezerwacje AS reserved ' +
      'FROM AO.ProductLinks AS l JOIN CDN.TwrIlosci AS i ON i.TwI_TwrId = l.TwrId ' +
      'JOIN CDN.Magazyny AS m ON m.Mag_MagId = i.TwI_MagId ' +
      `WHERE ${LINKED} AND i.TwI_Data = (SELECT MAX(j.TwI_Data) FROM CDN.TwrIlosci AS j ` +
      'WHERE j.TwI_TwrId = i.TwI_TwrId AND j.TwI_MagId = i.TwI_MagId AND j.TwI_Data <= @now)',
    { pattern, now: datetime },
  ),
  /** The card's VAT rate and its price of the configured type (null when the card has none). */
  offerPrices: same(
    'SELECT l.LinkKey AS linkKey, t.Twr_Stawka AS vatRate, c.TwC_Wartosc AS priceValue, p.DfC_Typ AS priceKind ' +
      'FROM AO.ProductLinks AS l JOIN CDN.Towary AS t ON t.Twr_TwrId = l.TwrId ' +
      'LEFT JOIN CDN.TwrCeny AS c ON c.TwC_TwrID = l.TwrId AND c.TwC_TwCNumer = @priceTypeNumber ' +
      `LEFT JOIN CDN.DefCeny AS p ON p.DfC_Lp = @priceTypeNumber WHERE ${LINKED} ORDER BY l.LinkKey`,
    { pattern, priceTypeNumber: int },
  ),
  offerExports: same(
    'SELECT OfferId AS offerId, Field AS field, Value AS value, State AS state, Reason AS reason ' +
      'FROM AO.OfferExports WHERE Account = @account',
    { account: EXPORT_PARAMS.account },
  ),
  insertOfferExport: same(
    'INSERT INTO AO.OfferExports (Account, OfferId, Field, Value, State, Reason, CommandId, UpdatedAt) ' +
      'VALUES (@account, @offerId, @field, @value, @state, @reason, @commandId, @now)',
    EXPORT_PARAMS,
  ),
  updateOfferExport: same(
    'UPDATE AO.OfferExports SET Value = @value, State = @state, Reason = @reason, CommandId = @commandId, ' +
      'UpdatedAt = @now WHERE Account = @account AND OfferId = @offerId AND Field = @field',
    EXPORT_PARAMS,
  ),
} satisfies Record<string, Statement>;

interface StockRow extends Row {
  linkKey: string;
  warehouse: string;
  quantity: number;
  reserved: number;
}

interface PriceRow extends Row {
  linkKey: string;
  vatRate: number;
  priceValue: number | null;
  priceKind: number | null;
}

const likeEscaped = (text: string) => text.replace(/[\\%_[]/g, (c) => `\\${c}`);

export class OfferExports {
  constructor(private readonly session: OptimaSession) {}

  async offerSources(account: string, query: OfferSourceQuery): Promise<OfferSource[]> {
    const driver = await this.session.driver();
    const linkPrefix = offerLinkKey(account, '');
    const linked = { pattern: `${likeEscaped(linkPrefix)}%` };
    const stock = await driver.company.all<StockRow>(OFFER_EXPORT_STATEMENTS.offerStock, {
      ...linked,
      now: this.session.stamp(),
    });
    const prices = await driver.company.all<PriceRow>(OFFER_EXPORT_STATEMENTS.offerPrices, {
      ...linked,
      priceTypeNumber: query.priceTypeNumber,
    });
    const levels = new Map<string, StockLevel[]>();
    for (const r of stock)
      levels.set(r.linkKey, [
        ...(levels.get(r.linkKey) ?? []),
        { warehouse: r.warehouse, quantity: Number(r.quantity), reserved: Number(r.reserved) },
      ]);
    return prices.map((r) => ({
      offerId: r.linkKey.slice(linkPrefix.length),
      stock: stockForSale(levels.get(r.linkKey) ?? [], query.warehouses),
      priceValue: r.priceValue === null ? null : minorOf(r.priceValue),
      priceKind: r.priceKind === null ? null : Number(r.priceKind),
      vatRate: Number(r.vatRate),
    }));
  }

  async sentValues(account: string): Promise<SentValue[]> {
    const driver = await this.session.driver();
    return driver.company.all<SentValue & Row>(OFFER_EXPORT_STATEMENTS.offerExports, { account });
  }

  /** Inserts or updates, in one transaction: every record of a step is kept, or none. */
  async record(account: string, records: readonly OfferExportRecord[]): Promise<void> {
    if (records.length === 0) return;
    const driver = await this.session.driver();
    const now = this.session.stamp();
    await driver.transaction(async (tx) => {
      // One sync workflow per account writes these rows: what exists now stays true until we commit.
      const existing = await tx.all<SentValue & Row>(OFFER_EXPORT_STATEMENTS.offerExports, { account });
      const known = new Set(existing.map((e) => `${e.field}:${e.offerId}`));
      for (const r of records) {
        const statement = known.has(`${r.field}:${r.offerId}`)
          ? OFFER_EXPORT_STATEMENTS.updateOfferExport
          : OFFER_EXPORT_STATEMENTS.insertOfferExport;
        await tx.all(statement, {
          account,
          offerId: r.offerId,
          field: r.field,
          value: r.value,
          state: r.state,
          reason: r.reason?.slice(0, 1000) ?? null,
          commandId: r.commandId ?? null,
          now,
        });
        known.add(`${r.field}:${r.offerId}`);
      }
    });
  }
}
