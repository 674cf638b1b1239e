/**
 * The figures of the demo's progress line, from Temporal's visibility (the order workflows'
 * search attributes: AllegroAccount, OrderStatus) and, for the lag, from what the orders'
 * source knows about when each order was paid.
 */
import type { Client } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../../domain/types';
import { ORDER_ID } from '../../workflows/search-attributes';
import { WORKFLOW_TYPES } from '../ops';

export interface Snapshot {
  /** Order workflows started (each Allegro order the poller has seen). */
  seen: number;
  imported: number;
  /** Running and not imported yet: on their way, or waiting for the import stage (payment). */
  waiting: number;
  /** Waiting for a person (NeedsAttention): `npm run cli -- status` says why. */
  attention: number;
  /** Ended without a document by an error (failed, terminated, timed out). */
  failed: number;
  /** Seconds since the oldest order on its way became ready for import; null when none. */
  lagSeconds: number | null;
}

const quote = (value: string) => `"${value.replace(/["\\]/g, '\\$&')}"`;

export function ordersQuery(accounts: readonly string[], ...conditions: string[]): string {
  const accountFilter =
    accounts.length === 1
      ? `${SEARCH_ATTRIBUTES.account} = ${quote(accounts[0])}`
      : `${SEARCH_ATTRIBUTES.account} IN (${accounts.map(quote).join(', ')})`;
  return [`WorkflowType = ${quote(WORKFLOW_TYPES.order)}`, accountFilter, ...conditions].join(' AND ');
}

const RUNNING = `ExecutionStatus = 'Running'`;
const status = (value: string) => `${SEARCH_ATTRIBUTES.status} = ${quote(value)}`;

export interface LagSource {
  /** Seconds since the oldest order still on its way was paid; null: none on its way. */
  lagSeconds(now: number): Promise<number | null>;
}

export async function takeSnapshot(client: Client, accounts: readonly string[], lag: LagSource): Promise<Snapshot> {
  const count = async (...conditions: string[]) =>
    (await client.workflow.count(ordersQuery(accounts, ...conditions))).count;
  const [seen, imported, waiting, attention, failed, lagSeconds] = await Promise.all([
    count(),
    count(status('Imported')),
    count(RUNNING, `${SEARCH_ATTRIBUTES.status} IN ("Fetching", "Waiting")`),
    count(RUNNING, status('NeedsAttention')),
    count(`ExecutionStatus IN ('Failed', 'Terminated', 'TimedOut')`),
    lag.lagSeconds(Date.now()),
  ]);
  return { seen, imported, waiting, attention, failed, lagSeconds };
}

/** Checkout-form ids of running orders that wait for a person (not counted as lag). */
export async function ordersNeedingAttention(
  client: Client,
  accounts: readonly string[],
  limit = 500,
): Promise<Set<string>> {
  const ids = new Set<string>();
  const query = ordersQuery(accounts, RUNNING, status('NeedsAttention'));
  for await (const execution of client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
    const id = execution.typedSearchAttributes.get(ORDER_ID);
    if (id) ids.add(id);
    if (ids.size >= limit) break;
  }
  return ids;
}

/**
 * Lag from Temporal alone (a real Allegro: the demo does not know when orders were paid):
 * the age of the oldest order workflow still on its way (status Fetching).
 */
export function workflowLag(client: Client, accounts: readonly string[]): LagSource {
  return {
    async lagSeconds(now) {
      let oldest: number | undefined;
      const query = ordersQuery(accounts, RUNNING, status('Fetching'));
      let seen = 0;
      for await (const execution of client.workflow.list({ query, pageSize: 100 })) {
        oldest = Math.min(oldest ?? Infinity, execution.startTime.getTime());
        if (++seen >= 1000) break;
      }
      return oldest === undefined ? null : Math.max(0, Math.round((now - oldest) / 1000));
    },
  };
}

/**
 * Lag as the buyer sees it (simulated Allegro): from the moment an order was paid to its
 * document in Optima. Orders waiting for a person are left out (their wait is shown apart).
 */
export function paidToDocumentLag(opts: {
  readyAt: ReadonlyMap<string, number>;
  importedOrders: () => Promise<ReadonlySet<string>>;
  needingAttention: () => Promise<ReadonlySet<string>>;
}): LagSource {
  return {
    async lagSeconds(now) {
      const [imported, attention] = await Promise.all([opts.importedOrders(), opts.needingAttention()]);
      let oldest: number | undefined;
      for (const [id, at] of opts.readyAt) {
        if (imported.has(id) || attention.has(id)) continue;
        if (oldest === undefined || at < oldest) oldest = at;
      }
      return oldest === undefined ? null : Math.max(0, Math.round((now - oldest) / 1000));
    },
  };
}
