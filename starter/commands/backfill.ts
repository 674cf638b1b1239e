/**
 * backfill: import the orders of a past period. Open-ended (--from only) it is the poller's
 * reset to a date; a closed window (--to) is dispatched from here, leaving the poller alone.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { BACKFILL_EVENT_TYPE, startOrderWorkflow } from '../../activities/poller-activities';
import { statusesFrom } from '../../domain/types';
import type { OrderEventSignal } from '../../workflows/definitions';
import { EXIT, isoOption, UsageError, type CommandSpec } from '../command';
import { pollerStatusLines, resetPoller, runningPoller } from '../ops';

/** Starts or signals this many orders at once. */
const DISPATCH_BATCH = 8;

export const backfill: CommandSpec = {
  name: 'backfill',
  summary: 'import the orders of a past period (from a date, or a closed window)',
  usage: '--from ISO [--to ISO]',
  description: [
    'With --from only: resets the running poller to that date (the same as reset --to-date). The poller reads the event ' +
      'journal again from there (60 days), or, for older dates, lists the checkout forms since the date first; then it ' +
      'carries on with new events. One path, one cursor: nothing falls between a backfill and the live import.',
    'With --to as well: the checkout forms bought in [--from, --to] at or past the import stage are listed here and each ' +
      "is handed to its order workflow (started, or signalled when it runs) exactly as the poller does; the poller's cursor " +
      'is not touched. Allegro keeps checkout forms for 12 months.',
    'Either way an order already imported is not imported again: each order is one workflow (order:<account>:<checkoutFormId>) ' +
      'that is not started twice, and Optima keeps one document per order.',
  ],
  options: {
    from: {
      type: 'string',
      valueName: 'ISO',
      description: 'start of the period (e.g. 2026-01-01T00:00:00+01:00; a date alone is 00:00 UTC)',
    },
    to: {
      type: 'string',
      valueName: 'ISO',
      description: 'end of the period (inclusive); without it: until now, through the poller',
    },
  },
  exitCodes: { 3: 'done, but some orders could not be dispatched (listed), or the poller reports an error' },
  async run(ctx, input) {
    const from = isoOption(input, 'from');
    const to = isoOption(input, 'to');
    if (!from) throw new UsageError('--from is required');
    if (Date.parse(from) > Date.now()) throw new UsageError(`--from ${from} is in the future`);
    if (to && Date.parse(to) < Date.parse(from)) throw new UsageError('--to is before --from');

    if (!to) {
      const { client, poller } = await runningPoller(ctx);
      const status = await resetPoller(ctx, client, poller.handle, { to: 'date', date: from });
      ctx.out(`The poller ${poller.workflowId} goes back to ${from}:`);
      for (const line of pollerStatusLines(status, new Date())) ctx.out(line);
      return status.lastError ? EXIT.attention : EXIT.ok;
    }

    const settings = ctx.settings();
    const account = ctx.account();
    const client = await ctx.temporal();
    const allegro = ctx.allegro();
    const { taskQueue } = settings.temporal;
    const statuses = statusesFrom(settings.import.stage);
    const event: OrderEventSignal = { eventId: `backfill:${to}`, type: BACKFILL_EVENT_TYPE, occurredAt: to };
    const totals = { forms: 0, dispatched: 0, finished: 0 };
    const failed: string[] = [];

    const dispatch = async (checkoutFormId: string): Promise<void> => {
      try {
        // As the poller: a finished order is not started again, a failed one may be.
        await startOrderWorkflow(client, { account, checkoutFormId, event, taskQueue });
        totals.dispatched += 1;
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError) totals.finished += 1;
        else {
          failed.push(checkoutFormId);
          ctx.err(`  ${checkoutFormId}: ${(error as Error).message}`);
        }
      }
    };

    ctx.out(`Backfilling account "${account}": checkout forms bought ${from} … ${to}, status ${statuses.join(' / ')}.`);
    const seen = new Set<string>();
    for (const status of statuses) {
      let batch: string[] = [];
      for await (const form of allegro.iterateCheckoutForms({
        status,
        boughtAtGte: from,
        boughtAtLte: to,
        sort: 'lineItems.boughtAt',
      })) {
        if (seen.has(form.id)) continue;
        seen.add(form.id);
        totals.forms += 1;
        batch.push(form.id);
        if (batch.length >= DISPATCH_BATCH) {
          await Promise.all(batch.map(dispatch));
          batch = [];
        }
      }
      await Promise.all(batch.map(dispatch));
      ctx.out(`  ${status}: done (${totals.forms} form(s) so far)`);
    }
    ctx.out(
      `${totals.forms} checkout form(s): ${totals.dispatched} handed to their order workflows (started, or signalled when running), ` +
        `${totals.finished} already finished (imported, cancelled…)${failed.length ? `, ${failed.length} failed` : ''}.`,
    );
    return failed.length === 0 ? EXIT.ok : EXIT.attention;
  },
};
