/**
 * What a settled chaos run left behind, counted from the embedded Optima's files, the
 * simulator's forms and Temporal's visibility: lost orders, duplicates, totals that differ
 * from what Allegro says was paid, gaps in the document numbering, failed workflows.
 */
import Database from 'better-sqlite3';
import type { Client } from '@temporalio/client';
import type { AllegroSimulator } from '../../dev/allegro-simulator';
import { CheckoutFormSchema } from '../../domain/allegro';
import { contractorLinkKey } from '../../domain/contractor';
import { embeddedOptimaFiles } from '../../dev/embedded-optima';
import { ORDER_STATUS } from '../../workflows/search-attributes';

export interface Injected {
  /** Paid forms (plain and merged) and when they were paid (epoch ms). */
  paidAt: Map<string, number>;
  /** Paid forms the buyer cancelled later. */
  cancelled: Set<string>;
  /** Forms merged into another (deleted on Allegro): never to carry a document of their own. */
  mergedAway: Set<string>;
}

export interface Verdict {
  ordersOnAllegro: number;
  paid: number;
  cancelled: number;
  withDocument: number;
  lost: number;
  duplicateDocuments: number;
  duplicateContractors: number;
  /** Cards matched for an order cancelled before its document, used by no document (not duplicates). */
  cardsOfCancelledOrders: number;
  totalMismatches: number;
  numberingGaps: number;
  failedWorkflows: number;
  /** Paid, not cancelled, no document, but its workflow says why it waits (not lost: visible). */
  waitingWithReason: number;
  /** The order ids behind a non-zero lost / duplicates / mismatch figure (first few of each). */
  examples: Record<string, string[]>;
}

interface DocumentRow {
  orderId: string;
  gross: number;
  contractorId: number;
  series: string;
  type: number;
  number: number;
}

export function readDocuments(optimaFile: string): DocumentRow[] {
  const db = new Database(embeddedOptimaFiles(optimaFile).companyCdn, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        'SELECT TrN_NumerObcy AS orderId, TrN_RazemBrutto AS gross, TrN_PodID AS contractorId, ' +
          'TrN_NumerString AS series, TrN_TypDokumentu AS type, TrN_NumerNr AS number ' +
          "FROM TraNag WHERE TrN_NumerObcy <> ''",
      )
      .all() as DocumentRow[];
  } finally {
    db.close();
  }
}

/** Contractors (Kontrahenci) ids; those above the seed's highest were made by the run. */
export function contractorIds(optimaFile: string): number[] {
  const db = new Database(embeddedOptimaFiles(optimaFile).companyCdn, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT Knt_KntId AS id FROM Kontrahenci').all() as { id: number }[]).map((r) => r.id);
  } finally {
    db.close();
  }
}

/** The identity keys linked to each contractor card (AO.ContractorLinks). */
export function contractorLinkKeys(optimaFile: string): Map<number, string[]> {
  const db = new Database(`${embeddedOptimaFiles(optimaFile).company}.ao`, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT LinkKey AS linkKey, KntId AS id FROM ContractorLinks').all() as {
      linkKey: string;
      id: number;
    }[];
    const keys = new Map<number, string[]>();
    for (const { linkKey, id } of rows) keys.set(id, [...(keys.get(id) ?? []), linkKey]);
    return keys;
  } finally {
    db.close();
  }
}

/** When each order's document was recorded (AO.OrderDocuments.CreatedAt: local time, whole seconds). */
export function documentTimes(optimaFile: string): Map<string, number> {
  const db = new Database(`${embeddedOptimaFiles(optimaFile).company}.ao`, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT OrderId AS orderId, CreatedAt AS at FROM OrderDocuments').all() as {
      orderId: string;
      at: string;
    }[];
    return new Map(rows.map((r) => [r.orderId, new Date(r.at.replace(' ', 'T')).getTime()]));
  } finally {
    db.close();
  }
}

const push = (examples: Record<string, string[]>, key: string, id: string) => {
  const list = (examples[key] ??= []);
  if (list.length < 5) list.push(id);
};

export async function judge(input: {
  injected: Injected;
  simulator: AllegroSimulator;
  optimaFile: string;
  seedContractorMax: number;
  client: Client;
  taskQueue: string;
  /** The Allegro account the orders came in on: contractor link keys carry it. */
  account: string;
}): Promise<Verdict> {
  const { injected, simulator, client, taskQueue, account } = input;
  const documents = readDocuments(input.optimaFile);
  const byOrder = new Map<string, DocumentRow[]>();
  for (const row of documents) byOrder.set(row.orderId, [...(byOrder.get(row.orderId) ?? []), row]);
  const examples: Record<string, string[]> = {};

  const statuses = new Map<string, string>();
  let failedWorkflows = 0;
  for await (const run of client.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) {
    if (['FAILED', 'TIMED_OUT', 'TERMINATED'].includes(run.status.name)) {
      failedWorkflows++;
      push(examples, 'failed', run.workflowId);
    }
    const status = run.typedSearchAttributes.get(ORDER_STATUS);
    if (run.type === 'importOrder' && status) statuses.set(run.workflowId, status);
  }

  let lost = 0;
  let waitingWithReason = 0;
  let totalMismatches = 0;
  let duplicateDocuments = 0;
  const contractorsOfBuyer = new Map<string, Set<number>>();
  for (const [orderId, docs] of byOrder) {
    if (docs.length > 1) {
      duplicateDocuments += docs.length - 1;
      push(examples, 'duplicateDocuments', orderId);
    }
    if (injected.mergedAway.has(orderId)) {
      // Its lines are on the merged form's document: a document of its own books them twice.
      duplicateDocuments += docs.length;
      push(examples, 'duplicateDocuments', orderId);
    }
    const form = simulator.admin.getOrder(orderId);
    if (!form) continue;
    const paid = Number(form.summary.totalToPay.amount);
    for (const doc of docs) {
      if (Math.round(doc.gross * 100) !== Math.round(paid * 100)) {
        totalMismatches++;
        push(examples, 'totalMismatches', `${orderId} (document ${doc.gross}, paid ${paid})`);
      }
    }
    // One card per identity: a buyer may stand behind a private card and one per company NIP.
    const buyer = contractorLinkKey(CheckoutFormSchema.parse(form), account);
    const seen = contractorsOfBuyer.get(buyer) ?? new Set<number>();
    for (const doc of docs) seen.add(doc.contractorId);
    contractorsOfBuyer.set(buyer, seen);
  }
  for (const orderId of injected.paidAt.keys()) {
    if (injected.cancelled.has(orderId) || byOrder.has(orderId)) continue;
    const status = [...statuses].find(([id]) => id.endsWith(`:${orderId}`))?.[1];
    if (status === 'NeedsAttention' || status === 'Waiting') {
      waitingWithReason++;
      push(examples, 'waitingWithReason', `${orderId} (${status})`);
    } else {
      lost++;
      push(examples, 'lost', `${orderId} (${status ?? 'no workflow'})`);
    }
  }

  // An identity on two contractor cards, or a card made by the run that no document uses. A
  // card matched for an order the buyer then cancelled before its document is not a duplicate:
  // it is the buyer's one card, found again by a later order (counted apart).
  let duplicateContractors = 0;
  for (const [buyer, cards] of contractorsOfBuyer) {
    duplicateContractors += cards.size - 1;
    if (cards.size > 1) push(examples, 'duplicateContractors', `${buyer} (cards ${[...cards].join(', ')})`);
  }
  const cancelledBuyers = new Set<string>();
  for (const orderId of injected.cancelled) {
    const form = simulator.admin.getOrder(orderId);
    if (form && !byOrder.has(orderId)) cancelledBuyers.add(contractorLinkKey(CheckoutFormSchema.parse(form), account));
  }
  const used = new Set(documents.map((d) => d.contractorId));
  const linkKeys = contractorLinkKeys(input.optimaFile);
  let cardsOfCancelledOrders = 0;
  for (const id of contractorIds(input.optimaFile)) {
    if (id <= input.seedContractorMax || used.has(id)) continue;
    const keys = linkKeys.get(id) ?? [];
    if (keys.length > 0 && keys.every((key) => cancelledBuyers.has(key))) {
      cardsOfCancelledOrders++;
    } else {
      duplicateContractors++;
      push(examples, 'duplicateContractors', `card ${id} used by no document (links: ${keys.join(', ') || 'none'})`);
    }
  }

  return {
    ordersOnAllegro: simulator.admin.listOrderIds().length,
    paid: injected.paidAt.size,
    cancelled: injected.cancelled.size,
    withDocument: byOrder.size,
    lost,
    duplicateDocuments,
    duplicateContractors,
    cardsOfCancelledOrders,
    totalMismatches,
    numberingGaps: numberingGaps(documents),
    failedWorkflows,
    waitingWithReason,
    examples,
  };
}

/** Numbers missing between the lowest and highest of each series (document type and pattern). */
export function numberingGaps(documents: Pick<DocumentRow, 'series' | 'type' | 'number'>[]): number {
  const series = new Map<string, Set<number>>();
  for (const doc of documents) {
    const key = `${doc.type} ${doc.series}`;
    series.set(key, (series.get(key) ?? new Set()).add(doc.number));
  }
  let gaps = 0;
  for (const numbers of series.values()) {
    const sorted = [...numbers];
    gaps += Math.max(...sorted) - Math.min(...sorted) + 1 - sorted.length;
  }
  return gaps;
}
