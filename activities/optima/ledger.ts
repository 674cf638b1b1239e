/**
 * The ledger of written documents (AO.OrderDocuments, one row per Allegro order, and
 * AO.OrderLines, the Allegro line ids on each document): finding an order's document,
 * recording a new one in its own transaction, cancelling or annotating it, and linking an
 * order to a document a person chose (a merged payment).
 */
import { TransientError } from '../../domain/errors';
import type { DocumentRef, OptimaGateway } from '../../domain/types';
import { columnParams, first, same, type Statement } from './sql';
import type { Row, Transaction } from './driver';
import { cut, kindOfClass, minorOf, type WrittenKind } from './rules';
import { len, permanent, type OptimaSession } from './session';
import { datetime, decimal, int, nvarchar, varchar } from './sql-types';

/** The ledger row with its document; LEFT JOIN: a person may have deleted the document. */
const LEDGER_DOCUMENT =
  'SELECT d.OrderId AS orderId, d.DocumentId AS id, d.Kind AS kind, d.Number AS ledgerNumber, ' +
  'd.GrossTotal AS ledgerGross, n.TrN_TrNID AS presentId, n.TrN_NumerPelny AS number, ' +
  'n.TrN_RazemBrutto AS grossTotal, n.TrN_Anulowany AS cancelled, n.TrN_Bufor AS buffer, n.TrN_Opis AS description ' +
  'FROM AO.OrderDocuments AS d LEFT JOIN CDN.TraNag AS n ON n.TrN_TrNID = d.DocumentId';

const orderId = nvarchar(200);
const lineId = nvarchar(100);

export const LEDGER_STATEMENTS = {
  documentByOrder: same(`${LEDGER_DOCUMENT} WHERE d.OrderId = @orderId`, { orderId }),
  documentByLine: same(
    `${LEDGER_DOCUMENT} JOIN AO.OrderLines AS l ON l.DocumentId = d.DocumentId AND l.OrderId = d.OrderId ` +
      'WHERE l.LineId = @lineId',
    { lineId },
  ),
  ledgerByDocument: same(`${LEDGER_DOCUMENT} WHERE d.DocumentId = @documentId ORDER BY d.CreatedAt, d.OrderId`, {
    documentId: int,
  }),
  documentHeader: same(
    'SELECT TrN_TrNID AS id, TrN_TypDokumentu AS documentClass, TrN_NumerPelny AS number, TrN_RazemBrutto AS grossTotal ' +
      'FROM CDN.TraNag WHERE TrN_TrNID = @id',
    { id: int },
  ),
  insertOrderDocument: same(
    'INSERT INTO AO.OrderDocuments (OrderId, Account, DocumentId, Kind, Number, GrossTotal, CreatedAt) ' +
      'VALUES (@orderId, @account, @documentId, @kind, @number, @grossTotal, @now)',
    {
      orderId,
      account: nvarchar(100),
      documentId: int,
      kind: varchar(4),
      number: nvarchar(30),
      grossTotal: decimal(15, 2),
      now: datetime,
    },
  ),
  orderLineOwner: same(
    'SELECT DocumentId AS documentId, OrderId AS orderId FROM AO.OrderLines WHERE LineId = @lineId',
    {
      lineId,
    },
  ),
  insertOrderLine: same(
    'INSERT INTO AO.OrderLines (LineId, DocumentId, OrderId, CreatedAt) VALUES (@lineId, @documentId, @orderId, @now)',
    {
      lineId,
      documentId: int,
      orderId,
      now: datetime,
    },
  ),
  updateDocumentNote: same(
    'UPDATE CDN.TraNag SET TrN_Opis = @TrN_Opis, TrN_Anulowany = @TrN_Anulowany, TrN_TS_Mod = @TrN_TS_Mod ' +
      'WHERE TrN_TrNID = @TrN_TrNID',
    columnParams(['TrN_Opis', 'TrN_Anulowany', 'TrN_TS_Mod', 'TrN_TrNID']),
  ),
} satisfies Record<string, Statement>;

export interface LedgerRow extends Row {
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

export function toDocument(r: LedgerRow, existed: boolean): DocumentRef {
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

/** The order's document already in the ledger (read in the writer's transaction, under its lock). */
export async function ledgerDocument(tx: Transaction, order: string): Promise<DocumentRef | null> {
  const row = await first<LedgerRow>(tx, LEDGER_STATEMENTS.documentByOrder, { orderId: order });
  return row ? toDocument(row, true) : null;
}

export interface DocumentRecord {
  id: number;
  orderId: string;
  account: string;
  kind: WrittenKind;
  lineIds: string[];
}

/** The ledger row (order → document) and the Allegro line ids, in the document's transaction. */
export async function recordDocument(
  session: OptimaSession,
  tx: Transaction,
  record: DocumentRecord,
): Promise<DocumentRef> {
  const { id, orderId: order } = record;
  const header = await first<{ number: string; grossTotal: number }>(tx, LEDGER_STATEMENTS.documentHeader, { id });
  if (!header) throw new TransientError(`Optima document ${id} vanished while being written`);
  const now = session.stamp();
  await tx.all(LEDGER_STATEMENTS.insertOrderDocument, {
    orderId: order,
    account: record.account,
    documentId: id,
    kind: record.kind,
    number: header.number,
    grossTotal: Number(header.grossTotal),
    now,
  });
  for (const line of record.lineIds) {
    await tx.all(LEDGER_STATEMENTS.insertOrderLine, { lineId: line, documentId: id, orderId: order, now });
  }
  const row = await first<LedgerRow>(tx, LEDGER_STATEMENTS.documentByOrder, { orderId: order });
  return toDocument(row!, false);
}

/** Refuses a line already on another order's document: a merged payment, linked instead of written twice. */
export async function refuseLinesOnOtherDocuments(tx: Transaction, lineIds: string[]): Promise<void> {
  for (const line of lineIds) {
    const owner = await first<{ documentId: number; orderId: string }>(tx, LEDGER_STATEMENTS.orderLineOwner, {
      lineId: line,
    });
    if (owner) {
      throw permanent(
        `Allegro line ${line} is already on Optima document id ${owner.documentId} (order ${owner.orderId}): ` +
          'a merged payment; link this order to that document instead of creating one',
        'line-on-other-document',
      );
    }
  }
}

type LedgerPort = Pick<
  OptimaGateway,
  'findDocumentByOrder' | 'findDocumentByLineIds' | 'cancelDocument' | 'noteOnDocument' | 'linkOrderToDocument'
>;

export class Ledger implements LedgerPort {
  constructor(private readonly session: OptimaSession) {}

  async findDocumentByOrder(order: string): Promise<DocumentRef | null> {
    const driver = await this.session.driver();
    const row = await first<LedgerRow>(driver.company, LEDGER_STATEMENTS.documentByOrder, { orderId: order });
    return row ? toDocument(row, true) : null;
  }

  async findDocumentByLineIds(lineIds: string[]): Promise<DocumentRef | null> {
    const driver = await this.session.driver();
    for (const line of new Set(lineIds)) {
      const row = await first<LedgerRow>(driver.company, LEDGER_STATEMENTS.documentByLine, { lineId: line });
      if (row) return toDocument(row, true);
    }
    return null;
  }

  cancelDocument(order: string, mode: 'annotate' | 'cancel', reason: string): Promise<DocumentRef | null> {
    return this.amend(order, `Zamówienie anulowane w Allegro${reason ? `: ${reason}` : ''}`, mode === 'cancel');
  }

  noteOnDocument(order: string, note: string): Promise<DocumentRef | null> {
    return this.amend(order, note, false);
  }

  /** Appends the note (once) to the document's description, and cancels it when asked and still allowed. */
  private async amend(order: string, note: string, cancelAsked: boolean): Promise<DocumentRef | null> {
    const driver = await this.session.driver();
    return driver.transaction(async (tx) => {
      await tx.lock(`AO:order:${order}`);
      const row = await first<LedgerRow>(tx, LEDGER_STATEMENTS.documentByOrder, { orderId: order });
      if (!row) return null;
      if (row.presentId === null || row.presentId === undefined) return toDocument(row, true);
      const description = row.description ?? '';
      const noted = description.includes(note)
        ? description
        : cut(description ? `${description}\n${note}` : note, len('TrN_Opis'));
      // Only a document still in the buffer may be cancelled; a confirmed one is annotated.
      const cancel = cancelAsked && Number(row.buffer) === 1;
      const cancelled = cancel || Number(row.cancelled) !== 0 ? 1 : 0;
      if (noted !== description || cancelled !== Number(row.cancelled)) {
        await tx.all(LEDGER_STATEMENTS.updateDocumentNote, {
          TrN_Opis: noted,
          TrN_Anulowany: cancelled,
          TrN_TS_Mod: this.session.stamp(),
          TrN_TrNID: row.id,
        });
      }
      return toDocument((await first<LedgerRow>(tx, LEDGER_STATEMENTS.documentByOrder, { orderId: order }))!, true);
    });
  }

  async linkOrderToDocument(order: string, documentId: number): Promise<void> {
    const driver = await this.session.driver();
    await driver.transaction(async (tx) => {
      await tx.lock(`AO:order:${order}`);
      const existing = await first<LedgerRow>(tx, LEDGER_STATEMENTS.documentByOrder, { orderId: order });
      if (existing) {
        if (existing.id === documentId) return;
        throw permanent(
          `order ${order} already has Optima document id ${existing.id}, not ${documentId}`,
          'order-has-document',
        );
      }
      const header = await first<{ documentClass: number; number: string; grossTotal: number }>(
        tx,
        LEDGER_STATEMENTS.documentHeader,
        { id: documentId },
      );
      if (!header) throw permanent(`Optima document id ${documentId} does not exist`, 'document-missing');
      const kind = kindOfClass(Number(header.documentClass));
      if (!kind)
        throw permanent(
          `Optima document id ${documentId} is of class ${header.documentClass}, not one the integrator writes`,
          'document-class',
        );
      const original = await first<LedgerRow & { account: string }>(tx, LEDGER_STATEMENTS.ledgerByDocument, {
        documentId,
      });
      await tx.all(LEDGER_STATEMENTS.insertOrderDocument, {
        orderId: order,
        account: original?.account ?? '',
        documentId,
        kind,
        number: header.number,
        grossTotal: Number(header.grossTotal),
        now: this.session.stamp(),
      });
    });
  }
}
