/**
 * The order documents the fulfilment watcher reads (issue 13): the imported documents of an
 * account (AO.OrderDocuments) and the documents that followed them (CDN.TraNagRelacje: an RO
 * converted to FS/PA, a WZ), changed since the last scan (TrN_TS_Mod), with their waybill numbers
 * and the configured document attribute (CDN.DokAtrybuty: saving the document in Optima stamps TrN_TS_Mod).
 */
import type { OrderDocumentFacts } from '../../domain/fulfilment';
import type { Row } from './driver';
import type { OptimaSession } from './session';
import { same, type Statement } from './sql';
import { datetime, nvarchar, varchar } from './sql-types';

/** A document's facts; its attribute of code @attributeCode (none when '': no definition has an empty code). */
const FACTS = (alias: string) =>
  `o.OrderId AS orderId, ${alias}.TrN_NrListuPrzewozowego AS waybill, ` +
  `${alias}.TrN_NrListuPrzewozowegoTypKuriera AS carrierType, ${alias}.TrN_TS_Mod AS modifiedAt, ` +
  '(SELECT MAX(a.DAt_WartoscTxt) FROM CDN.DokAtrybuty AS a JOIN CDN.DefAtrybuty AS t ON t.DeA_DeAId = a.DAt_DeAId ' +
  `WHERE a.DAt_TrNId = ${alias}.TrN_TrNID AND t.DeA_Typ = 4 AND t.DeA_Kod = @attributeCode) AS attribute`;

export const FULFILMENT_STATEMENTS = {
  /**
   * Orders with a document changed after @since: their own document and those that followed it.
   * An order is listed whole (all its documents) so the rules see everything about it.
   */
  changedOrderDocuments: same(
    `SELECT ${FACTS('d')}, 1 AS own FROM AO.OrderDocuments AS o JOIN CDN.TraNag AS d ON d.TrN_TrNID = o.DocumentId ` +
      'WHERE o.Account = @account AND o.OrderId IN (SELECT c.OrderId FROM AO.OrderDocuments AS c ' +
      'JOIN CDN.TraNag AS cd ON cd.TrN_TrNID = c.DocumentId WHERE c.Account = @account AND cd.TrN_TS_Mod > @since ' +
      'UNION SELECT c.OrderId FROM AO.OrderDocuments AS c JOIN CDN.TraNagRelacje AS cr ON cr.TrR_TrNId = c.DocumentId ' +
      'JOIN CDN.TraNag AS cf ON cf.TrN_TrNID = cr.TrR_FaId WHERE c.Account = @account AND cf.TrN_TS_Mod > @since) ' +
      `UNION ALL SELECT ${FACTS('f')}, 0 AS own FROM AO.OrderDocuments AS o ` +
      'JOIN CDN.TraNagRelacje AS r ON r.TrR_TrNId = o.DocumentId JOIN CDN.TraNag AS f ON f.TrN_TrNID = r.TrR_FaId ' +
      'WHERE o.Account = @account AND o.OrderId IN (SELECT c.OrderId FROM AO.OrderDocuments AS c ' +
      'JOIN CDN.TraNag AS cd ON cd.TrN_TrNID = c.DocumentId WHERE c.Account = @account AND cd.TrN_TS_Mod > @since ' +
      'UNION SELECT c.OrderId FROM AO.OrderDocuments AS c JOIN CDN.TraNagRelacje AS cr ON cr.TrR_TrNId = c.DocumentId ' +
      'JOIN CDN.TraNag AS cf ON cf.TrN_TrNID = cr.TrR_FaId WHERE c.Account = @account AND cf.TrN_TS_Mod > @since)',
    { account: nvarchar(100), since: datetime, attributeCode: varchar(20) },
  ),
} satisfies Record<string, Statement>;

interface FactRow extends Row {
  orderId: string;
  waybill: string | null;
  carrierType: number | null;
  modifiedAt: string | Date;
  own: number;
  attribute: string | null;
}

/** Both drivers' datetime as Optima's local-time text, comparable as a string. */
function localText(value: string | Date): string {
  if (typeof value === 'string') return value.slice(0, 19).replace('T', ' ');
  const p = (n: number) => String(n).padStart(2, '0');
  return `${value.getFullYear()}-${p(value.getMonth() + 1)}-${p(value.getDate())} ${p(value.getHours())}:${p(value.getMinutes())}:${p(value.getSeconds())}`;
}

export async function changedOrderDocuments(
  session: OptimaSession,
  account: string,
  since: string,
  attributeCode: string,
): Promise<OrderDocumentFacts[]> {
  const driver = await session.driver();
  const rows = await driver.company.all<FactRow>(FULFILMENT_STATEMENTS.changedOrderDocuments, {
    account,
    since,
    attributeCode,
  });
  return rows.map((r) => ({
    orderId: r.orderId,
    own: Number(r.own) === 1,
    waybill: r.waybill ?? '',
    carrierType: Number(r.carrierType ?? 0),
    modifiedAt: localText(r.modifiedAt),
    attribute: r.attribute ?? '',
  }));
}
