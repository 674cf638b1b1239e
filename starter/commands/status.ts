/**
 * status: the poller's state, the stock and price export's and the fulfilment watcher's, and the
 * account's orders by status, with the waiting ones' reasons.
 */
import { ORDER_STATUSES, type OrderStatus } from '../../domain/types';
import type { PollerStatus } from '../../workflows/definitions';
import { fulfilmentWorkflowId } from '../../workflows/fulfilment';
import type { OfferSyncStatus } from '../../workflows/offer-sync-definitions';
import { EXIT, flag, positiveIntOption, TOOL, type CommandSpec } from '../command';
import { renderTable } from '../output';
import { fulfilmentLine, queryFulfilment, type FulfilmentStatus } from './fulfilment';
import { printOfferSync, queryOfferSync } from './sync-offers';
import {
  countOrders,
  describePoller,
  executionText,
  listWaitingOrders,
  pollerStatusLines,
  queryPollerStatus,
  type WaitingOrder,
} from '../ops';

const DEFAULT_LIST_LIMIT = 50;

interface StatusReport {
  account: string;
  poller: { workflowId: string; execution: string; runId?: string; status?: PollerStatus; error?: string };
  /** What the workflows' status queries answer; absent when they do not run. */
  offerSync?: OfferSyncStatus;
  fulfilment?: FulfilmentStatus;
  orders: { byStatus: Record<OrderStatus, number>; waiting: WaitingOrder[] };
}

export const status: CommandSpec = {
  name: 'status',
  summary: 'poller status and orders by status; lists the orders waiting for a person and why',
  usage: '[--json] [--limit N]',
  description: [
    'Shows the poller (cursor, last event, last import, next run, counts), the stock and price export and the fulfilment ' +
      'watcher when they run, and counts the order workflows of the account by ' +
      'status through Temporal visibility (search attributes AllegroAccount and OrderStatus; no personal data), then lists ' +
      'the running orders with status NeedsAttention with the step and the reason each one reports.',
    `After fixing a cause (a mapping, a product, a contractor), '${TOOL} retry --all-waiting' lets them continue.`,
    'Visibility is eventually consistent: a change can take a second to show in the counts.',
  ],
  options: {
    json: { type: 'boolean', description: 'print one JSON object instead of text' },
    limit: {
      type: 'string',
      valueName: 'N',
      description: `list at most N waiting orders (default ${DEFAULT_LIST_LIMIT})`,
    },
  },
  exitCodes: {
    0: 'the poller runs and no order waits for a person',
    3: 'the poller is not running, it or the export or the watcher reports an error, or orders wait for a person',
  },
  async run(ctx, input) {
    const limit = positiveIntOption(input, 'limit') ?? DEFAULT_LIST_LIMIT;
    const account = ctx.account();
    const client = await ctx.temporal();
    const poller = await describePoller(client, account);
    const report: StatusReport = {
      account,
      poller: {
        workflowId: poller.workflowId,
        execution: poller.execution,
        ...(poller.runId ? { runId: poller.runId } : {}),
      },
      orders: { byStatus: await countOrders(client, account), waiting: [] },
    };
    if (poller.execution === 'RUNNING') {
      try {
        report.poller.status = await queryPollerStatus(ctx, client, poller.handle);
      } catch (error) {
        report.poller.error = (error as Error).message;
      }
    }
    report.orders.waiting = await listWaitingOrders(ctx, client, account, limit);
    // Optional parts: a query that fails leaves them out rather than failing the whole status.
    const offerSync = await queryOfferSync(client, account).catch(() => undefined);
    if (offerSync) report.offerSync = offerSync;
    const fulfilment = await queryFulfilment(client, account).catch(() => undefined);
    if (fulfilment) report.fulfilment = fulfilment;

    const healthy =
      poller.execution === 'RUNNING' &&
      report.poller.status !== undefined &&
      !report.poller.status.lastError &&
      !offerSync?.lastError &&
      !fulfilment?.lastError &&
      report.orders.byStatus.NeedsAttention === 0 &&
      report.orders.waiting.length === 0;

    if (flag(input, 'json')) {
      ctx.out(JSON.stringify(report, null, 2));
      return healthy ? EXIT.ok : EXIT.attention;
    }

    ctx.out(
      `Poller ${poller.workflowId}: ${executionText(poller.execution)}${poller.runId ? ` (run ${poller.runId})` : ''}`,
    );
    if (report.poller.status) for (const line of pollerStatusLines(report.poller.status, new Date())) ctx.out(line);
    if (report.poller.error) ctx.out(`  status query failed: ${report.poller.error}`);
    if (poller.execution !== 'RUNNING') ctx.out(`  start it with '${TOOL} start'`);

    ctx.out('');
    if (offerSync) {
      ctx.out(`Stock and price export of "${account}":`);
      printOfferSync(ctx, offerSync);
    } else ctx.out(`Stock and price export: not running (start it with '${TOOL} sync-offers')`);
    ctx.out(
      fulfilment
        ? fulfilmentLine(fulfilmentWorkflowId(account), fulfilment)
        : `Fulfilment watcher: not running (start it with '${TOOL} watch-fulfilment')`,
    );

    ctx.out('');
    ctx.out(`Orders of account "${account}" (Temporal visibility):`);
    ctx.io.stdout.write(
      renderTable(
        ['Status', 'Orders'],
        ORDER_STATUSES.map((s) => [s, String(report.orders.byStatus[s])]),
      ),
    );

    const waiting = report.orders.waiting;
    if (waiting.length > 0) {
      ctx.out('');
      ctx.out(`Waiting for a person${waiting.length >= limit ? ` (first ${limit})` : ''}:`);
      ctx.io.stdout.write(
        renderTable(
          ['Checkout form', 'Step', 'Reason'],
          waiting.map((o) => [
            o.checkoutFormId,
            o.progress?.step ?? '?',
            o.progress?.reason ?? `(no answer: ${o.error ?? 'unknown'})`,
          ]),
        ),
      );
      ctx.out(`Fix the cause, then: ${TOOL} retry --all-waiting (or ${TOOL} retry <checkoutFormId>)`);
    }
    return healthy ? EXIT.ok : EXIT.attention;
  },
};
