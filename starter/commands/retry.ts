/** retry: lets one or all orders waiting for a person continue, with the current settings' rules. */
import { WorkflowNotFoundError } from '@temporalio/client';
import { orderProgressQuery, retrySignal } from '../../workflows/definitions';
import { EXIT, flag, UsageError, type CommandSpec } from '../command';
import { executionText, listWaitingOrders, orderHandle, withAnswer } from '../ops';

export const retry: CommandSpec = {
  name: 'retry',
  summary: 'let one waiting order, or all of them, continue after a fix',
  usage: '(<checkoutFormId> | --all-waiting)',
  description: [
    'Sends the retry signal to the order workflow order:<account>:<checkoutFormId>, or to every running order of the account ' +
      'with status NeedsAttention. The workers read the import rules from their settings file when it changes, so a mapping ' +
      'fixed in the settings file is used at once, by the retried orders and by new ones (no restart of anything needed).',
    'An order whose cause is not fixed stops again with the same reason; nothing is imported twice.',
  ],
  options: {
    'all-waiting': { type: 'boolean', description: 'every order of the account that waits for a person' },
  },
  positionals: [{ name: 'checkoutFormId', required: false }],
  exitCodes: {
    0: 'retry sent (or no order was waiting)',
    1: 'the order does not exist, has finished, or a signal failed',
  },
  async run(ctx, input) {
    const all = flag(input, 'all-waiting');
    const id = input.positionals[0];
    if (all === (id !== undefined)) throw new UsageError('give either a checkout form id or --all-waiting');
    const account = ctx.account();
    const client = await ctx.temporal();
    const taskQueue = ctx.settings().temporal.taskQueue;

    if (id !== undefined) {
      const handle = orderHandle(client, account, id);
      let execution: string;
      try {
        execution = (await handle.describe()).status.name;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError)
          throw new Error(`no order workflow ${handle.workflowId}: check the id and --account`);
        throw error;
      }
      if (execution !== 'RUNNING')
        throw new Error(`the order ${handle.workflowId} has finished (${executionText(execution)}): nothing to retry`);
      const progress = await withAnswer(client, `the progress query of ${handle.workflowId}`, taskQueue, () =>
        handle.query(orderProgressQuery),
      );
      await handle.signal(retrySignal);
      ctx.out(
        `Sent retry to ${handle.workflowId} (was ${progress.status} at step ${progress.step}${progress.reason ? `: ${progress.reason}` : ''}).`,
      );
      return EXIT.ok;
    }

    const waiting = await listWaitingOrders(ctx, client, account, Number.MAX_SAFE_INTEGER);
    if (waiting.length === 0) {
      ctx.out(`No order of account "${account}" waits for a person.`);
      return EXIT.ok;
    }
    let failed = 0;
    for (const order of waiting) {
      try {
        await client.workflow.getHandle(order.workflowId).signal(retrySignal);
        ctx.out(`  retry → ${order.checkoutFormId}${order.progress?.reason ? ` (${order.progress.reason})` : ''}`);
      } catch (error) {
        failed += 1;
        ctx.err(`  failed ${order.checkoutFormId}: ${(error as Error).message}`);
      }
    }
    ctx.out(`Sent retry to ${waiting.length - failed} of ${waiting.length} waiting order(s).`);
    return failed === 0 ? EXIT.ok : EXIT.failure;
  },
};
