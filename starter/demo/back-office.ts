/**
 * The demo's back office, switched on in the demo only (embedded Optima): every few seconds a
 * warehouse person marks a couple of imported ROs packed (a document attribute), converts the
 * ones packed before to invoices with a waybill number and changes the stock of a good, and then asks the stock export and the fulfilment watcher to
 * run, so the screen shows stock moving to the offers and parcels getting tracking numbers.
 */
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Settings } from '../../config/settings';
import { DEMO_OFFERS } from '../../dev/catalogue';
import { DEMO_PACKING_ATTRIBUTE } from '../../dev/demo-settings';
import { convertToInvoice, openEmbeddedOptima, setDocumentAttribute, setStock } from '../../dev/embedded-optima';
import { offerSyncWorkflowId, syncOffersNowSignal } from '../../workflows/offer-sync-definitions';
import { fulfilmentWorkflowId, scanNowSignal } from '../../workflows/fulfilment';
import { ACCOUNT } from '../../workflows/search-attributes';
import { fulfilmentInput } from '../commands/fulfilment';
import { offerSyncInput } from '../commands/sync-offers';

const TICK_MS = 5000;
const CONVERSIONS_PER_TICK = 2;

/** Starts the stock export and the fulfilment watcher of an account unless they run. */
export async function ensureWriteBack(client: Client, settings: Settings, account: string): Promise<void> {
  const starts = [
    { type: 'syncOffers', workflowId: offerSyncWorkflowId(account), args: [offerSyncInput(settings, account)] },
    { type: 'watchFulfilment', workflowId: fulfilmentWorkflowId(account), args: [fulfilmentInput(settings, account)] },
  ];
  for (const s of starts) {
    try {
      await client.workflow.start(s.type, {
        taskQueue: settings.temporal.taskQueue,
        workflowId: s.workflowId,
        args: s.args,
        typedSearchAttributes: [{ key: ACCOUNT, value: account }],
      });
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
}

export interface BackOffice {
  stats(): { packed: number; converted: number; stockChanges: number };
  stop(): void;
}

export function startBackOffice(opts: { file: string; client: Client; accounts: string[] }): BackOffice {
  // Opened before the worker's first activity: a brand-new file is seeded here, once.
  const optima = openEmbeddedOptima({ file: opts.file });
  let packed = 0;
  let converted = 0;
  let stockChanges = 0;
  let tick = 0;
  /** Imported ROs not invoiced yet, packed (true) or not. */
  const openOrders = (isPacked: boolean) =>
    optima.company
      .prepare(
        "SELECT n.TrN_TrNID AS id FROM CDN.TraNag AS n WHERE n.TrN_TypDokumentu = 308 AND n.TrN_NumerObcy <> '' " +
          'AND NOT EXISTS (SELECT 1 FROM CDN.TraNagRelacje AS r WHERE r.TrR_TrNId = n.TrN_TrNID) ' +
          `AND ${isPacked ? '' : 'NOT '}EXISTS (SELECT 1 FROM CDN.DokAtrybuty AS a WHERE a.DAt_TrNId = n.TrN_TrNID ` +
          'AND a.DAt_Kod = ?) ORDER BY n.TrN_TrNID LIMIT ?',
      )
      .all(DEMO_PACKING_ATTRIBUTE.code, CONVERSIONS_PER_TICK) as { id: number }[];
  const work = async () => {
    tick++;
    // Packed a tick before it is invoiced: the buyer sees READY_FOR_SHIPMENT, then SENT with the number.
    const pending = openOrders(true);
    for (const { id } of openOrders(false)) {
      setDocumentAttribute(optima.company, id, {
        code: DEMO_PACKING_ATTRIBUTE.code,
        value: DEMO_PACKING_ATTRIBUTE.packed,
      });
      packed++;
    }
    for (const { id } of pending) {
      convertToInvoice(optima.company, id, { waybill: `DEMO${String(id).padStart(10, '0')}PL`, carrierType: 0 });
      converted++;
    }
    const good = DEMO_OFFERS[tick % DEMO_OFFERS.length];
    const card = optima.company
      .prepare('SELECT Twr_TwrId AS id FROM CDN.Towary WHERE Twr_Kod = ?')
      .get(good.optimaCode) as { id: number } | undefined;
    if (card) {
      setStock(optima.company, card.id, { quantity: good.stock + (tick % 7) + 1 });
      stockChanges++;
    }
    for (const account of opts.accounts) {
      await opts.client.workflow.getHandle(offerSyncWorkflowId(account)).signal(syncOffersNowSignal);
      await opts.client.workflow.getHandle(fulfilmentWorkflowId(account)).signal(scanNowSignal);
    }
  };
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    // A busy database or a workflow not started yet: the next tick tries again.
    work()
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, TICK_MS);
  timer.unref();
  return {
    stats: () => ({ packed, converted, stockChanges }),
    stop() {
      clearInterval(timer);
      optima.close();
    },
  };
}
