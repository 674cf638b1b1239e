/**
 * What the commands ask Temporal: the poller's execution and status, and the orders of an
 * account by status through visibility (search attributes AllegroAccount / OrderStatus, no
 * personal data). Queries and updates run with a deadline, so a missing worker gives a clear
 * message instead of a hang.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { ORDER_STATUSES, SEARCH_ATTRIBUTES, type OrderStatus } from '../domain/types';
import {
  orderProgressQuery,
  orderWorkflowId,
  pollerStatusQuery,
  pollerTaskQueue,
  pollerWorkflowId,
  resetUpdate,
  type OrderProgress,
  type PollerSchedule,
  type PollerState,
  type PollerStatus,
  type ResetTarget,
} from '../workflows/definitions';
import { ORDER_ID } from '../workflows/search-attributes';
import { countWaitingOrders } from '../activities/poller-activities';
import { TOOL } from './command';
import type { CommandContext } from './context';
import { relativeTime } from './output';

/** Workflow type names as the worker registers them (workflows/index.ts). */
export const WORKFLOW_TYPES = { poller: 'pollAllegroEvents', order: 'importOrder' } as const;

/** How long a query or update may wait for a worker to answer. */
export const ANSWER_TIMEOUT_MS = 15_000;

export class NoWorkerAnswerError extends Error {
  override readonly name = 'NoWorkerAnswerError';
}

/** Runs a query or update with a deadline; a timeout becomes a message about the worker. */
export async function withAnswer<T>(client: Client, what: string, taskQueue: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await client.withDeadline(Date.now() + ANSWER_TIMEOUT_MS, fn);
  } catch (error) {
    const text = String((error as Error)?.message ?? error);
    if (/deadline|DEADLINE_EXCEEDED|timed? ?out/i.test(text)) {
      throw new NoWorkerAnswerError(
        `no answer to ${what} within ${ANSWER_TIMEOUT_MS / 1000} s: is a worker polling task queue "${taskQueue}"? (npm run worker)`,
      );
    }
    throw error;
  }
}

export interface PollerExecution {
  workflowId: string;
  runId?: string;
  /** RUNNING, COMPLETED, CANCELLED, TERMINATED, … or NOT_STARTED. */
  execution: string;
  handle: WorkflowHandle;
}

export async function describePoller(client: Client, account: string): Promise<PollerExecution> {
  const workflowId = pollerWorkflowId(account);
  const handle = client.workflow.getHandle(workflowId);
  try {
    const description = await handle.describe();
    return { workflowId, runId: description.runId, execution: description.status.name, handle };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { workflowId, execution: 'NOT_STARTED', handle };
    throw error;
  }
}

/** The running poller's handle, or a failure saying how to start it. */
export async function runningPoller(ctx: CommandContext): Promise<{ client: Client; poller: PollerExecution }> {
  const client = await ctx.temporal();
  const poller = await describePoller(client, ctx.account());
  if (poller.execution !== 'RUNNING') {
    throw new Error(
      `the poller ${poller.workflowId} is not running (${executionText(poller.execution)}): start it with '${TOOL} start'`,
    );
  }
  return { client, poller };
}

export function executionText(execution: string): string {
  return execution.toLowerCase().replace(/_/g, ' ');
}

/** What a new poller run keeps of a stopped one: the cursor and the counters, not pause or errors. */
export function carriedPollerState(status: PollerStatus): PollerState {
  return {
    cursor: status.cursor,
    lastEventAt: status.lastEventAt,
    lastImportAt: status.lastImportAt,
    nextRunAt: null,
    paused: false,
    eventsSeen: status.eventsSeen,
    ordersStarted: status.ordersStarted,
    backfillFrom: status.backfillFrom,
    ordersAlreadyDone: status.ordersAlreadyDone ?? 0,
    lastError: null,
  };
}

/** The poller's status, with its account's waiting orders counted now (the poller does not count them). */
export async function queryPollerStatus(
  ctx: CommandContext,
  client: Client,
  handle: WorkflowHandle,
): Promise<PollerStatus> {
  const status = await withAnswer(
    client,
    'the poller status query',
    pollerTaskQueue(ctx.settings().temporal.taskQueue),
    () => handle.query(pollerStatusQuery),
  );
  try {
    return { ...status, waitingOrders: await countWaitingOrders(client, status.account) };
  } catch {
    // The status still answers without the count (shown as —); `status` reports visibility's own failures.
    return status;
  }
}

/**
 * Polls the status until `changed` says the poller took the signal in (signals are applied
 * at its next workflow task), or the answer timeout passes; returns the last status seen.
 */
export async function awaitPollerStatus(
  ctx: CommandContext,
  client: Client,
  handle: WorkflowHandle,
  changed: (status: PollerStatus) => boolean,
): Promise<{ status: PollerStatus; changed: boolean }> {
  const deadline = Date.now() + ANSWER_TIMEOUT_MS;
  for (;;) {
    const status = await queryPollerStatus(ctx, client, handle);
    if (changed(status)) return { status, changed: true };
    if (Date.now() >= deadline) return { status, changed: false };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The poller's reset update; a target it refuses (validator) becomes a plain message. */
export async function resetPoller(
  ctx: CommandContext,
  client: Client,
  handle: WorkflowHandle,
  target: ResetTarget,
): Promise<PollerStatus> {
  try {
    return await withAnswer(client, 'the reset update', pollerTaskQueue(ctx.settings().temporal.taskQueue), () =>
      handle.executeUpdate(resetUpdate, { args: [target] }),
    );
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      throw new Error(`the poller refused the reset: ${error.cause?.message ?? error.message}`);
    }
    throw error;
  }
}

export function describeSchedule(schedule: PollerSchedule): string {
  if (schedule.kind === 'interval') return `every ${schedule.seconds} s`;
  const hh = String(schedule.hour).padStart(2, '0');
  const mm = String(schedule.minute).padStart(2, '0');
  return `daily at ${hh}:${mm} (${schedule.timeZone})`;
}

export function pollerStatusLines(status: PollerStatus, now: Date): string[] {
  const rows: [string, string][] = [
    ['state', status.paused ? 'paused' : 'active'],
    ['schedule', describeSchedule(status.schedule)],
    ['cursor (last event id)', status.cursor ?? '— (from the oldest kept event)'],
    ['last event', relativeTime(status.lastEventAt, now)],
    ['last import', relativeTime(status.lastImportAt, now)],
    ['next run', status.paused ? '— (paused)' : relativeTime(status.nextRunAt, now)],
    ['events seen', String(status.eventsSeen)],
    ['orders started', String(status.ordersStarted)],
    ['already done', String(status.ordersAlreadyDone ?? 0)],
    ['waiting orders', String(status.waitingOrders ?? '—')],
  ];
  if (status.backfillFrom) rows.push(['backfill pending from', status.backfillFrom]);
  if (status.lastError) rows.push(['last error', status.lastError]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`);
}

// ---------------------------------------------------------------------------------------
// Orders through visibility
// ---------------------------------------------------------------------------------------

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function ordersQuery(account: string, status?: OrderStatus): string {
  const parts = [`WorkflowType = ${quote(WORKFLOW_TYPES.order)}`, `${SEARCH_ATTRIBUTES.account} = ${quote(account)}`];
  if (status) parts.push(`${SEARCH_ATTRIBUTES.status} = ${quote(status)}`);
  return parts.join(' AND ');
}

/** Order workflows per status (open and closed ones the namespace still keeps). */
export async function countOrders(client: Client, account: string): Promise<Record<OrderStatus, number>> {
  const counts = await Promise.all(
    ORDER_STATUSES.map(
      async (status) => [status, (await client.workflow.count(ordersQuery(account, status))).count] as const,
    ),
  );
  return Object.fromEntries(counts) as Record<OrderStatus, number>;
}

export interface WaitingOrder {
  checkoutFormId: string;
  workflowId: string;
  /** Absent when the order did not answer its progress query. */
  progress?: OrderProgress;
  error?: string;
}

/** Running orders with status NeedsAttention (visibility), each with its reason (query). */
export async function listWaitingOrders(
  ctx: CommandContext,
  client: Client,
  account: string,
  limit: number,
): Promise<WaitingOrder[]> {
  const query = `${ordersQuery(account, 'NeedsAttention')} AND ExecutionStatus = 'Running'`;
  const waiting: WaitingOrder[] = [];
  for await (const execution of client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
    const checkoutFormId = execution.typedSearchAttributes.get(ORDER_ID) ?? execution.workflowId.split(':').pop() ?? '';
    waiting.push({ checkoutFormId, workflowId: execution.workflowId });
    if (waiting.length >= limit) break;
  }
  const taskQueue = ctx.settings().temporal.taskQueue;
  await Promise.all(
    waiting.map(async (order) => {
      try {
        const handle = client.workflow.getHandle(order.workflowId);
        order.progress = await withAnswer(client, `the progress query of ${order.workflowId}`, taskQueue, () =>
          handle.query(orderProgressQuery),
        );
      } catch (error) {
        order.error = (error as Error).message;
      }
    }),
  );
  return waiting;
}

export function orderHandle(client: Client, account: string, checkoutFormId: string): WorkflowHandle {
  return client.workflow.getHandle(orderWorkflowId(account, checkoutFormId));
}

/** temporal.api.enums.v1 values (the proto package is not a direct dependency). */
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;

/** Workers that polled the task queue for workflow tasks lately (Temporal keeps them a few minutes). */
export async function workflowPollers(client: Client, namespace: string, taskQueue: string): Promise<number> {
  const answer = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
    taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
  });
  return answer.pollers?.length ?? 0;
}
