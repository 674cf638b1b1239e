/**
 * Links of Allegro buyers, offers and set components to Optima cards (AO.ContractorLinks, AO.ProductLinks):
 * one row per link key holding the card's id, re-pointed when a person links another card.
 */
import type { Transaction } from './driver';
import { first, same, type Statement } from './sql';
import { datetime, int, nvarchar } from './sql-types';

export const LINK_KEY = nvarchar(200);

export interface LinkStatements {
  readonly link: Statement;
  readonly insertLink: Statement;
  readonly updateLink: Statement;
}

/** The statements of one link table, whose card id column is `idColumn`. */
export function linkStatements(table: string, idColumn: string): LinkStatements {
  const params = { linkKey: LINK_KEY, id: int, now: datetime };
  return {
    link: same(`SELECT ${idColumn} AS id FROM ${table} WHERE LinkKey = @linkKey`, { linkKey: LINK_KEY }),
    insertLink: same(`INSERT INTO ${table} (LinkKey, ${idColumn}, CreatedAt) VALUES (@linkKey, @id, @now)`, params),
    updateLink: same(`UPDATE ${table} SET ${idColumn} = @id, CreatedAt = @now WHERE LinkKey = @linkKey`, params),
  };
}

/** Points the link at the card: a new row, or the existing one re-pointed (nothing when it already points there). */
export async function saveLink(
  tx: Transaction,
  statements: LinkStatements,
  link: { linkKey: string; id: number; now: string },
): Promise<void> {
  const current = await first<{ id: number }>(tx, statements.link, { linkKey: link.linkKey });
  if (current?.id === link.id) return;
  await tx.all(current ? statements.updateLink : statements.insertLink, link);
}
