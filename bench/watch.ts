/**
 * How the phases wait and look: a count polled until it reaches its target (or stalls), and
 * what Temporal's visibility says about the order workflows of a task queue.
 */
import type { Client } from '@temporalio/client';
import { orderProgressQuery } from '../workflows/definitions';

/** Visibility queries cost the server CPU the phases share; the Optima count is a cheap local read. */
const VISIBILITY_POLL_MS = 500;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Watcher {
  client: Client;
  /** A wait fails when its count has not moved for this long. */
  stallMs: number;
  log: (line: string) => void;
}

export interface CountWait {
  what: string;
  count: () => number | Promise<number>;
  target: number;
  /** Said when the count stalls: what is stuck. */
  explain: () => Promise<string>;
  everyMs?: number;
}

/** Polls `count` until it reaches `target`; fails when it stops moving for `stallMs`. */
export async function waitForCount({ stallMs, log }: Watcher, wait: CountWait): Promise<void> {
  const { what, count, target, explain, everyMs = 100 } = wait;
  let last = -1;
  let movedAt = Date.now();
  let loggedAt = Date.now();
  for (;;) {
    const now = await count();
    if (now >= target) return;
    if (now !== last) {
      last = now;
      movedAt = Date.now();
    }
    if (Date.now() - loggedAt >= 5000) {
      log(`  ${what}: ${now}/${target}`);
      loggedAt = Date.now();
    }
    if (Date.now() - movedAt > stallMs) {
      throw new Error(`${what}: stuck at ${now}/${target} for ${Math.round(stallMs / 1000)} s. ${await explain()}`);
    }
    await sleep(everyMs);
  }
}

/** A count read from visibility: polled less often than a local one. */
export function waitForVisibleCount(watcher: Watcher, wait: Omit<CountWait, 'everyMs'>): Promise<void> {
  return waitForCount(watcher, { ...wait, everyMs: VISIBILITY_POLL_MS });
}

/** Waits until `target` workflows matching `query` completed; answers when the last one closed (ms). */
export async function waitForWorkflowsClosed(
  watcher: Watcher,
  what: string,
  query: string,
  target: number,
  explain: () => Promise<string>,
): Promise<number> {
  const completed = `${query} AND ExecutionStatus = 'Completed'`;
  await waitForVisibleCount(watcher, {
    what,
    count: async () => (await watcher.client.workflow.count(completed)).count,
    target,
    explain,
  });
  let lastCloseMs = 0;
  for await (const execution of watcher.client.workflow.list({ query: completed })) {
    lastCloseMs = Math.max(lastCloseMs, execution.closeTime?.getTime() ?? 0);
  }
  return lastCloseMs;
}

const needsAttentionQuery = (taskQueue: string) =>
  `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running' AND OrderStatus = 'NeedsAttention'`;

export async function explainStuckOrders(client: Client, taskQueue: string): Promise<string> {
  const parts: string[] = [];
  for (const status of ['Fetching', 'Waiting', 'NeedsAttention']) {
    const running = `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running' AND OrderStatus = '${status}'`;
    const { count } = await client.workflow.count(running);
    if (count === 0) continue;
    parts.push(`${count} ${status}`);
    for await (const execution of client.workflow.list({ query: running, pageSize: 1 })) {
      const progress = await client.workflow.getHandle(execution.workflowId).query(orderProgressQuery);
      parts.push(
        `  e.g. ${execution.workflowId}: step ${progress.step}${progress.reason ? `, ${progress.reason}` : ''}`,
      );
      break;
    }
  }
  return parts.length > 0 ? `Running orders: ${parts.join('; ')}.` : 'No order workflow is running.';
}

/** Orders stopped for a person, by reason (the order ids taken out, so that equal reasons group). */
export async function ordersNeedingAttention(
  client: Client,
  taskQueue: string,
): Promise<{ count: number; reasons: Record<string, number> }> {
  const reasons: Record<string, number> = {};
  let count = 0;
  for await (const execution of client.workflow.list({ query: needsAttentionQuery(taskQueue) })) {
    count++;
    const progress = await client.workflow.getHandle(execution.workflowId).query(orderProgressQuery);
    const reason = (progress.reason ?? 'no reason given').replace(
      /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
      '…',
    );
    reasons[reason] = (reasons[reason] ?? 0) + 1;
  }
  return { count, reasons };
}

/** The orders left waiting for a person: nothing will run them after the benchmark. */
export async function terminateRunning(client: Client, taskQueue: string): Promise<void> {
  for await (const execution of client.workflow.list({
    query: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`,
  })) {
    await client.workflow.getHandle(execution.workflowId).terminate('benchmark finished');
  }
}
