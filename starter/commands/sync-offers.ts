/** sync-offers: the account's stock and price export (start it, run it now, approve held prices, see refusals). */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Settings } from '../../config/settings';
import {
  approvePricesSignal,
  offerSyncStatusQuery,
  offerSyncWorkflowId,
  syncOffersNowSignal,
  type OfferSyncInput,
  type OfferSyncStatus,
} from '../../workflows/offer-sync-definitions';
import { ACCOUNT } from '../../workflows/search-attributes';
import { EXIT, flag, stringOption, TOOL, type CommandSpec } from '../command';
import type { CommandContext } from '../context';
import { renderTable } from '../output';

export function offerSyncInput(settings: Settings, account: string): OfferSyncInput {
  const { everyMinutes, ...rules } = settings.offerSync;
  return { account, everyMinutes, rules };
}

/** The export's status, or undefined when it does not run. */
export async function queryOfferSync(client: Client, account: string): Promise<OfferSyncStatus | undefined> {
  const handle = client.workflow.getHandle(offerSyncWorkflowId(account));
  try {
    if ((await handle.describe()).status.name !== 'RUNNING') return undefined;
    return await handle.query(offerSyncStatusQuery);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** What people read about the export: the last run, the held prices and Allegro's refusals. */
export function printOfferSync(ctx: CommandContext, status: OfferSyncStatus): void {
  const run = status.lastRun;
  ctx.out(
    run
      ? `  last run ${run.at}: ${run.linkedOffers} linked offers, ${run.quantityChanges} quantity and ${run.priceChanges} ` +
          `price changes sent, ${run.refused} refused, ${run.soldOut} sold out, ${run.missingOnAllegro} not on Allegro` +
          (run.notPriced ? `, ${run.notPriced} foreign prices without a rate` : '')
      : '  no run yet',
  );
  ctx.out(
    `  next run ${status.nextRunAt ?? '?'}; sent so far: ${status.sent.quantity} quantities, ${status.sent.price} prices`,
  );
  if (status.lastError) ctx.out(`  last run failed: ${status.lastError}`);
  if (status.held.length > 0) {
    ctx.out(`  Prices over the ${status.rules.priceGuardPercent}% guard, waiting (${TOOL} sync-offers --approve):`);
    ctx.io.stdout.write(
      renderTable(
        ['Offer', 'On Allegro', 'From Optima', 'Change %'],
        status.held.map((h) => [h.offerId, h.from, h.to, String(h.changePercent)]),
      ),
    );
  }
  if (status.notPriced?.length) {
    ctx.out('  Foreign prices not sent in the last run (never guessed):');
    ctx.io.stdout.write(
      renderTable(
        ['Offer', 'Marketplace', 'Why'],
        status.notPriced.map((n) => [n.offerId, n.marketplace, n.reason]),
      ),
    );
  }
  if (status.refused.length > 0) {
    ctx.out('  Refused by Allegro (not sent again until Optima changes):');
    ctx.io.stdout.write(
      renderTable(
        ['Offer', 'Field', 'Value', 'Allegro says'],
        status.refused.map((r) => [r.offerId, r.field, r.value, r.reason]),
      ),
    );
  }
}

export const syncOffers: CommandSpec = {
  name: 'sync-offers',
  summary: 'stock and prices from Optima to the linked Allegro offers: start, run now, approve held prices',
  usage: '[--now] [--approve [--offer ID]] [--json]',
  description: [
    'Starts the export workflow offer-sync:<account> when it does not run (settings offerSync: every N minutes, warehouses, ' +
      'price type, markup, price guard, foreign marketplaces), and shows its last run, the prices waiting for approval and the offers Allegro refused.',
    '--now runs it at once. --approve sends the held prices (all, or the one of --offer) at the next run, which it starts.',
    'Only what changed since the last value sent goes to Allegro; a refused value is not sent again until Optima changes.',
  ],
  options: {
    now: { type: 'boolean', description: 'run the export now' },
    approve: { type: 'boolean', description: 'approve the prices held by the price guard' },
    offer: { type: 'string', valueName: 'ID', description: 'with --approve: only this offer' },
    json: { type: 'boolean', description: 'print the status as JSON' },
  },
  exitCodes: { 0: 'the export runs', 3: 'it runs, but its last run failed or prices wait for approval' },
  async run(ctx, input) {
    const account = ctx.account();
    const client = await ctx.temporal();
    const workflowId = offerSyncWorkflowId(account);
    try {
      await client.workflow.start('syncOffers', {
        taskQueue: ctx.settings().temporal.taskQueue,
        workflowId,
        args: [offerSyncInput(ctx.settings(), account)],
        typedSearchAttributes: [{ key: ACCOUNT, value: account }],
      });
      ctx.out(`Started the stock and price export ${workflowId}: its first run starts now.`);
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    const handle = client.workflow.getHandle(workflowId);
    if (flag(input, 'approve')) {
      const offer = stringOption(input, 'offer');
      await handle.signal(approvePricesSignal, offer ? { offerIds: [offer] } : {});
      ctx.out(
        `Approved ${offer ? `the held price of offer ${offer}` : 'every held price'}: sent at the run starting now.`,
      );
    } else if (flag(input, 'now')) {
      await handle.signal(syncOffersNowSignal);
      ctx.out('A run starts now.');
    }
    const status = await handle.query(offerSyncStatusQuery);
    if (flag(input, 'json')) ctx.out(JSON.stringify(status, null, 2));
    else {
      ctx.out(`Stock and price export ${workflowId}:`);
      printOfferSync(ctx, status);
    }
    return status.lastError || status.held.length > 0 ? EXIT.attention : EXIT.ok;
  },
};
