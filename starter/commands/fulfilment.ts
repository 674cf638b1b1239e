/** watch-fulfilment: the account's fulfilment watcher (order status and tracking numbers to Allegro). */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Settings } from '../../config/settings';
import {
  fulfilmentStatusQuery,
  fulfilmentWorkflowId,
  scanNowSignal,
  type FulfilmentInput,
  type FulfilmentState,
} from '../../workflows/fulfilment';
import { ACCOUNT } from '../../workflows/search-attributes';
import { EXIT, flag, type CommandSpec } from '../command';

export function fulfilmentInput(settings: Settings, account: string): FulfilmentInput {
  const { everySeconds, carriers, ...rules } = settings.fulfilment;
  return {
    account,
    everySeconds,
    rules: { ...rules, carriers: Object.fromEntries(carriers.map((c) => [String(c.courierType), c.carrierId])) },
  };
}

/** What the watcher's query says, without its per-order memory (up to thousands of entries). */
export type FulfilmentStatus = Omit<FulfilmentState, 'applied'> & { account: string };

/** The watcher's status, or undefined when it does not run. */
export async function queryFulfilment(client: Client, account: string): Promise<FulfilmentStatus | undefined> {
  const handle = client.workflow.getHandle(fulfilmentWorkflowId(account));
  try {
    if ((await handle.describe()).status.name !== 'RUNNING') return undefined;
    const { applied: _applied, ...status } = await handle.query(fulfilmentStatusQuery);
    return status;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

export function fulfilmentLine(workflowId: string, status: FulfilmentStatus): string {
  return (
    `Fulfilment watcher ${workflowId}: ${status.runs} scans, ${status.statusesSet} statuses set, ` +
    `${status.shipmentsAdded} tracking numbers added; documents changed after ${status.since}` +
    (status.lastError ? `; last scan failed: ${status.lastError}` : '')
  );
}

export const watchFulfilment: CommandSpec = {
  name: 'watch-fulfilment',
  summary: "start the account's fulfilment watcher (order status and tracking numbers to Allegro), or scan now",
  usage: '[--now] [--json]',
  description: [
    'Starts the workflow fulfilment:<account> when it does not run (settings fulfilment): every N seconds it reads the ' +
      "account's order documents changed in Optima since its last scan and sets Allegro's fulfillment status (document " +
      'converted: onConverted; waybill number written: onWaybill) and adds the waybill as a shipment, once.',
    '--now scans at once.',
  ],
  options: {
    now: { type: 'boolean', description: 'scan now' },
    json: { type: 'boolean', description: 'print the status as JSON' },
  },
  exitCodes: { 0: 'the watcher runs', 3: 'it runs, but its last scan failed' },
  async run(ctx, input) {
    const account = ctx.account();
    const client = await ctx.temporal();
    const workflowId = fulfilmentWorkflowId(account);
    try {
      await client.workflow.start('watchFulfilment', {
        taskQueue: ctx.settings().temporal.taskQueue,
        workflowId,
        args: [fulfilmentInput(ctx.settings(), account)],
        typedSearchAttributes: [{ key: ACCOUNT, value: account }],
      });
      ctx.out(`Started the fulfilment watcher ${workflowId}: its first scan starts now.`);
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
    const handle = client.workflow.getHandle(workflowId);
    if (flag(input, 'now')) await handle.signal(scanNowSignal);
    const { applied: _applied, ...status } = await handle.query(fulfilmentStatusQuery);
    if (flag(input, 'json')) ctx.out(JSON.stringify(status, null, 2));
    else ctx.out(fulfilmentLine(workflowId, status));
    return status.lastError ? EXIT.attention : EXIT.ok;
  },
};
