/**
 * The demo's back office, switched on in the demo only (embedded Optima): every few seconds a
 * warehouse person converts a couple of imported ROs to invoices with a waybill number and
 * changes the stock of a good, and then asks the stock export and the fulfilment watcher to
 * run, so the screen shows stock moving to the offers and parcels getting tracking numbers.
 */
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Settings } from '../../config/settings';
import { DEMO_OFFERS } from '../../dev/catalogue';
import { convertToInvoice, openEmbeddedOptima, setStock } from '../../dev/embedded-optima';
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
  stats(): { converted: number; stockChanges: number };
  stop(): void;
}

export function startBackOffice(opts: { file: string; client: Client; accounts: string[] }): BackOffice {
  // Opened before the worker's first activity: a brand-new file is seeded here, once.
  const optima = openEmbeddedOptima({ file: opts.file });
  let converted = 0;
  let stockChanges = 0;
  let tick = 0;
  const work = async () => {
    tick++;
    const pending = optima.company
      .prepare(
        "SELECT n.TrN_TrNID AS id FROM CDN.TraNag AS n WHERE n.TrN_TypDokumentu = 308 AND n.TrN_NumerObcy <> '' " +
          'AND NOT EXISTS (SELECT 1 FROM CDN.TraNagRelacje AS r WHERE r.TrR_TrNId = n.TrN_TrNID) ORDER BY n.TrN_TrNID LIMIT ?',
      )
      .all(CONVERSIONS_PER_TICK) as { id: number }[];
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
    stats: () => ({ converted, stockChanges }),
    stop() {
      clearInterval(timer);
      optima.close();
    },
  };
}
